"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { GuardList, GuardRunView } from "@/lib/contract/guard";
import { api } from "./api-client";

/** Cache keys of the guard queries (typed, never inline). */
export const guardKeys = {
  unacknowledged: () => ["guards", "unacknowledged"] as const,
};

/** GET /api/guards?unacknowledged=1: guard rollbacks nobody acknowledged yet (the red banner). */
export function useUnacknowledgedGuardsQuery() {
  return useQuery({
    queryKey: guardKeys.unacknowledged(),
    queryFn: () => api.get("/api/guards?unacknowledged=1", GuardList),
    // a rollback happens on its own, without a click here: poll, as the header's draft status does
    refetchInterval: 3000,
  });
}

/** POST /api/guards/{id}/ack: the rollback leaves the banner. */
export function useAcknowledgeGuardMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post(`/api/guards/${encodeURIComponent(id)}/ack`, {}, GuardRunView),
    onSettled: () => qc.invalidateQueries({ queryKey: guardKeys.unacknowledged(), exact: true }),
  });
}
