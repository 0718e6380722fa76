"use client";
import { useQuery } from "@tanstack/react-query";
import { DraftClusterList } from "@/lib/contract";
import { api } from "./api-client";
import { queryKeys } from "./keys";

/** GET /api/draft/clusters: every draft cluster as Envoy Cluster JSON. */
export function useDraftClustersQuery() {
  return useQuery({
    queryKey: queryKeys.draftClusters(),
    queryFn: () => api.get("/api/draft/clusters", DraftClusterList),
  });
}
