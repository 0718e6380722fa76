"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { VersionSummary } from "@/lib/contract";
import { api } from "./api-client";
import { afterPublishKeys, queryKeys } from "./keys";

/**
 * POST /api/versions {message}: publish the draft as a new live version. Made on the revision the header's
 * draft status shows (If-Match), so what was reviewed is what goes live: a draft changed meanwhile is a 409.
 */
export function usePublishMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (message: string) => {
      const revision = qc.getQueryData<{ revision?: number }>(queryKeys.draftStatus())?.revision;
      return api.write("POST", "/api/versions", { message }, VersionSummary, revision).then((r) => r.data);
    },
    onSettled: () => Promise.all(afterPublishKeys().map((queryKey) => qc.invalidateQueries({ queryKey, exact: true }))),
  });
}
