"use client";
// Accounts (admin) and sessions: the lists, creating a user, changing a role or the environments an editor may
// change, removing a user, revoking sessions.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { RevokedSessions, SessionList, User, UserList, type CreateUserBody } from "@/lib/contract/accounts";
import type { Role } from "@/lib/contract/session";
import { api } from "./api-client";
import { queryKeys } from "./keys";

export function useUsersQuery(enabled = true) {
  return useQuery({ queryKey: queryKeys.users(), queryFn: () => api.get("/api/users", UserList), enabled });
}

export function useCreateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateUserBody) => api.post("/api/users", body, User),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.users(), exact: true }),
  });
}

export function useChangeRole() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; role: Role }) => api.put(`/api/users/${encodeURIComponent(v.id)}`, { role: v.role }, User),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.users(), exact: true }),
  });
}

/** PATCH /api/users/{id} {environments}: the environments an editor may change; null for every one. */
export function useSetUserEnvironments() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; environments: string[] | null }) => api.patch(`/api/users/${encodeURIComponent(v.id)}`, { environments: v.environments }, User),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.users(), exact: true }),
  });
}

export function useRemoveUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.del(`/api/users/${encodeURIComponent(id)}`),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.users(), exact: true }),
  });
}

export function useMySessionsQuery() {
  return useQuery({ queryKey: queryKeys.mySessions(), queryFn: () => api.get("/api/sessions", SessionList) });
}

export function useUserSessionsQuery(userId: string | null) {
  return useQuery({
    queryKey: queryKeys.userSessions(userId ?? ""),
    queryFn: () => api.get(`/api/users/${encodeURIComponent(userId ?? "")}/sessions`, SessionList),
    enabled: userId !== null,
  });
}

export function useRevokeMySession() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.del(`/api/sessions/${encodeURIComponent(id)}`),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.sessions() }),
  });
}

/** Revokes one of a user's sessions (`sessionId`) or all of them (admin). */
export function useRevokeUserSessions() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { userId: string; sessionId?: string }) =>
      api.write("DELETE", `/api/users/${encodeURIComponent(v.userId)}/sessions${v.sessionId ? `?session=${encodeURIComponent(v.sessionId)}` : ""}`, undefined, RevokedSessions, null).then((r) => r.data),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.sessions() }),
  });
}
