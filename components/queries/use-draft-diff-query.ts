"use client";
import { useQuery } from "@tanstack/react-query";
import { ConfigDiffSummary } from "@/lib/contract/diff";
import { api } from "./api-client";
import { queryKeys } from "./keys";

/**
 * GET /api/draft/diff?sides=0: the draft against the live version, readable per resource plus the unified text,
 * without each change's before/after (useDiffChangeQuery fetches those of a change when it is opened). Keyed by
 * the live and draft hashes of the draft status, so it refetches exactly when either side changed.
 */
export function useDraftDiffQuery(liveHash: string | null, draftHash: string) {
  return useQuery({
    queryKey: queryKeys.draftDiff(liveHash, draftHash),
    queryFn: () => api.get("/api/draft/diff?sides=0", ConfigDiffSummary),
    staleTime: Infinity,
  });
}
