"use client";
import { useQuery } from "@tanstack/react-query";
import { api } from "./api-client";
import { queryKeys } from "./keys";
import type { DraftClusterRow } from "./types";

/** GET /api/draft/clusters: every draft cluster as Envoy Cluster JSON. */
export function useDraftClustersQuery() {
  return useQuery({
    queryKey: queryKeys.draftClusters(),
    queryFn: () => api.get<DraftClusterRow[]>("/api/draft/clusters"),
  });
}
