"use client";
import { useQuery } from "@tanstack/react-query";
import { DraftClusterList, type DraftClusterItem } from "@/lib/contract";
import { api, type Revisioned } from "./api-client";
import { queryKeys } from "./keys";

/** GET /api/draft/clusters as cached: the clusters and the draft revision they are from. */
export const draftClustersQuery = () => ({
  queryKey: queryKeys.draftClusters(),
  queryFn: (): Promise<Revisioned<DraftClusterItem[]>> => api.read("/api/draft/clusters", DraftClusterList),
});

const clustersOf = (d: Revisioned<DraftClusterItem[]>) => d.data;

/** GET /api/draft/clusters: every draft cluster as Envoy Cluster JSON. */
export function useDraftClustersQuery() {
  return useQuery({ ...draftClustersQuery(), select: clustersOf });
}
