"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { RolloutState, VersionSummary } from "@/lib/contract";
import { api } from "./api-client";
import { afterPublishKeys, queryKeys } from "./keys";

/** GET /api/rollout: the running canary (null when none). */
export function useRolloutQuery(options: { refetchInterval?: number | false } = {}) {
  return useQuery({
    queryKey: queryKeys.rollout(),
    queryFn: () => api.get("/api/rollout", RolloutState),
    refetchInterval: options.refetchInterval ?? 5000,
  });
}

/** POST /api/versions/{id}/promote or /abort: end the canary, its version going live for all or not at all. */
export function useEndCanaryMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; action: "promote" | "abort" }) =>
      api.write("POST", `/api/versions/${encodeURIComponent(input.id)}/${input.action}`, {}, VersionSummary, null).then((r) => r.data),
    onSettled: () => Promise.all(afterPublishKeys().map((queryKey) => qc.invalidateQueries({ queryKey, exact: true }))),
  });
}
