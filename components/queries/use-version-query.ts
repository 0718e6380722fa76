"use client";
import { useQuery } from "@tanstack/react-query";
import { VersionDetail } from "@/lib/contract";
import { api } from "./api-client";
import { queryKeys } from "./keys";

/** GET /api/versions/{id}: one version with its Envoy snapshot (immutable, cached for good). */
export function useVersionQuery(id: string | null) {
  return useQuery({
    queryKey: queryKeys.version(id ?? ""),
    queryFn: () => api.get(`/api/versions/${encodeURIComponent(id!)}`, VersionDetail),
    enabled: Boolean(id),
    staleTime: Infinity,
  });
}
