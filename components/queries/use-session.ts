"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Session } from "@/lib/contract";
import { api } from "./api-client";
import { queryKeys } from "./keys";

/**
 * GET /api/session: who this browser is signed in as. An admin may change the role or teams meanwhile (or end the
 * session): read again when the window regains focus and every minute, so the page follows without a reload.
 */
export function useSessionQuery() {
  return useQuery({ queryKey: queryKeys.session(), queryFn: () => api.get("/api/session", Session), staleTime: 60_000, refetchInterval: 60_000, refetchOnWindowFocus: true });
}

/**
 * Whether the signed-in actor may change things (editor or admin). Undefined while the session loads. The server
 * enforces roles on every request; this only hides what a viewer could not do anyway.
 */
export function useCanEdit(): boolean | undefined {
  const data = useSessionQuery().data;
  if (data === undefined) return undefined;
  // an editor limited to other environments reads this one only
  return data.role !== "viewer" && data.mayChange !== false;
}

/** True only once the session is known and the actor is a viewer: what a write control asks to disable or hide itself. */
export function useReadOnly(): boolean {
  return useCanEdit() === false;
}

/** Whether the signed-in actor is an admin (users, tokens, settings, backups); false while the session loads. */
export function useIsAdmin(): boolean {
  return useSessionQuery().data?.role === "admin";
}

/** The tooltip of a write control a viewer sees disabled. */
export const VIEWER_REASON = "Viewers can't change the config: ask an admin for the editor role";
/** The tooltip of a write control the actor sees disabled (a viewer, or an editor limited to other environments); undefined when it may write. */
export function useReadOnlyReason(): string | undefined {
  const data = useSessionQuery().data;
  if (data === undefined || (data.role !== "viewer" && data.mayChange !== false)) return undefined;
  if (data.role === "viewer") return VIEWER_REASON;
  return `You may change environments ${(data.environments ?? []).join(", ")} only: ask an admin to change that`;
}

/** The tooltip of an admin-only control an editor or viewer sees disabled. */
export const ADMIN_REASON = "Only an admin can change this";

/** DELETE /api/session: clears the session cookie; then the whole app goes to /login, as a full load (no cached
 *  answer of the signed-in session is left in memory) that replaces the page (Back does not return to it). */
export function useLogoutMutation() {
  return useMutation({
    mutationFn: () => api.del("/api/session"),
    onSuccess: () => window.location.replace("/login"),
  });
}
