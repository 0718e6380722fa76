"use client";
import { useQuery } from "@tanstack/react-query";
import { VersionDiff } from "@/lib/contract";
import { api } from "./api-client";
import { queryKeys } from "./keys";

/** GET /api/versions/{from}/diff?to={to}: per-resource changes and a unified text diff between two versions. */
export function useVersionDiffQuery(from: string | null, to: string | null) {
  return useQuery({
    queryKey: queryKeys.versionDiff(from ?? "", to ?? ""),
    enabled: Boolean(from && to),
    queryFn: () => api.get(`/api/versions/${encodeURIComponent(from!)}/diff?to=${encodeURIComponent(to!)}`, VersionDiff),
    staleTime: Infinity, // versions are immutable
  });
}
