"use client";
import { useQueries, useQuery } from "@tanstack/react-query";
import { ClusterLive } from "@/lib/contract/telemetry";
import { api } from "./api-client";
import { queryKeys } from "./keys";

// Workers report hosts and breaker usage every 5 s, so polling faster shows nothing new.
const REFRESH_MS = 5_000;

const fetchCluster = (name: string) => api.get(`/api/telemetry/clusters/${encodeURIComponent(name)}`, ClusterLive);

/** GET /api/telemetry/clusters/{name}: breaker usage against thresholds, and each endpoint's health and traffic. */
export function useClusterLiveQuery(name: string) {
  return useQuery({ queryKey: queryKeys.clusterLive(name), queryFn: () => fetchCluster(name), refetchInterval: REFRESH_MS });
}

/** The same for several clusters at once (the Clusters table's usage bars): one request per cluster. */
export function useClusterLiveQueries(names: readonly string[]) {
  return useQueries({
    queries: names.map((name) => ({ queryKey: queryKeys.clusterLive(name), queryFn: () => fetchCluster(name), refetchInterval: REFRESH_MS })),
  });
}
