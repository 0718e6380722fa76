"use client";
import { useQuery } from "@tanstack/react-query";
import { DraftImpact } from "@/lib/contract/impact";
import { api } from "./api-client";
import { queryKeys } from "./keys";

/**
 * GET /api/draft/impact: the workers' recent requests replayed against the draft. Fetched whenever the review
 * opens (the draft may have changed since), then every 10 s, as often as workers send new requests.
 */
export function useImpactQuery() {
  return useQuery({
    queryKey: queryKeys.draftImpact(),
    queryFn: () => api.get("/api/draft/impact", DraftImpact),
    refetchOnMount: "always",
    refetchInterval: 10_000,
  });
}
