"use client";
import { useQuery } from "@tanstack/react-query";
import { api } from "./api-client";
import { queryKeys } from "./keys";

export interface VersionWithSnapshot {
  id: string;
  number: number;
  snapshot: { listeners: unknown[]; clusters: unknown[] };
}

/** GET /api/versions/{id}: one version with its Envoy snapshot (immutable, cached for good). */
export function useVersionQuery(id: string | null) {
  return useQuery({
    queryKey: queryKeys.version(id ?? ""),
    queryFn: () => api.get<VersionWithSnapshot>(`/api/versions/${encodeURIComponent(id!)}`),
    enabled: Boolean(id),
    staleTime: Infinity,
  });
}
