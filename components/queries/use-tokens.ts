"use client";
// Named tokens: the list (no secrets), creating one (its secret is in that answer only) and revoking one.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiTokenList, CreatedToken, RevokedToken, type CreateTokenBody } from "@/lib/contract/tokens";
import { api } from "./api-client";
import { queryKeys } from "./keys";

export function useTokensQuery() {
  return useQuery({ queryKey: queryKeys.tokens(), queryFn: () => api.get("/api/tokens", ApiTokenList) });
}

export function useCreateToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateTokenBody) => api.post("/api/tokens", body, CreatedToken),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.tokens(), exact: true }),
  });
}

export function useRevokeToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.write("DELETE", `/api/tokens/${encodeURIComponent(id)}`, undefined, RevokedToken, null).then((r) => r.data),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: queryKeys.tokens(), exact: true });
      void qc.invalidateQueries({ queryKey: queryKeys.nodes() });
    },
  });
}
