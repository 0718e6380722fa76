"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { VersionSummary, type CanaryTarget } from "@/lib/contract";
import { api } from "./api-client";
import { afterPublishKeys, queryKeys } from "./keys";

/**
 * POST /api/versions {message}: publish the draft as a new live version. Made on the revision the header's
 * draft status shows (If-Match), so what was reviewed is what goes live: a draft changed meanwhile is a 409.
 */
export function usePublishMutation() {
  const qc = useQueryClient();
  return useMutation({
    // `canary`: publish to the nodes it targets first (components/review/canary-option.tsx)
    mutationFn: (input: string | { message: string; canary?: CanaryTarget }) => {
      const revision = qc.getQueryData<{ revision?: number }>(queryKeys.draftStatus())?.revision;
      const body = typeof input === "string" ? { message: input } : { message: input.message, ...(input.canary ? { canary: input.canary } : {}) };
      return api.write("POST", "/api/versions", body, VersionSummary, revision).then((r) => r.data);
    },
    onSettled: () => Promise.all(afterPublishKeys().map((queryKey) => qc.invalidateQueries({ queryKey, exact: true }))),
  });
}
