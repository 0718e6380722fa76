"use client";
import { useQuery } from "@tanstack/react-query";
import { DraftDiff } from "@/lib/contract";
import { api } from "./api-client";
import { queryKeys } from "./keys";

/**
 * GET /api/draft/diff: the draft against the live version, readable per resource plus the unified text. Keyed
 * by the live and draft hashes of the draft status, so it refetches exactly when either side changed.
 */
export function useDraftDiffQuery(liveHash: string | null, draftHash: string) {
  return useQuery({
    queryKey: queryKeys.draftDiff(liveHash, draftHash),
    queryFn: () => api.get("/api/draft/diff", DraftDiff),
    staleTime: Infinity,
  });
}
