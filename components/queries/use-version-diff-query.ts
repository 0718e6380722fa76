"use client";
import { useQuery } from "@tanstack/react-query";
import { ConfigDiffSummary } from "@/lib/contract/diff";
import { api } from "./api-client";
import { queryKeys } from "./keys";

/**
 * GET /api/versions/{from}/diff?to={to}&sides=0: per-resource changes (without their before/after: see
 * useDiffChangeQuery) and a unified text diff between two versions.
 */
export function useVersionDiffQuery(from: string | null, to: string | null) {
  return useQuery({
    queryKey: queryKeys.versionDiff(from ?? "", to ?? ""),
    enabled: Boolean(from && to),
    queryFn: () => api.get(`/api/versions/${encodeURIComponent(from!)}/diff?to=${encodeURIComponent(to!)}&sides=0`, ConfigDiffSummary),
    staleTime: Infinity, // versions are immutable
  });
}
