"use client";
import { useQuery } from "@tanstack/react-query";
import { LiveStats } from "@/lib/contract";
import { api } from "./api-client";
import { queryKeys } from "./keys";

/** GET /api/stats/live?node=…: the worker's last 60 s, one point per second; polled every second. */
export function useLiveStatsQuery(node = "local") {
  return useQuery({
    queryKey: queryKeys.liveStats(node),
    queryFn: () => api.get(`/api/stats/live?node=${encodeURIComponent(node)}`, LiveStats),
    refetchInterval: 1000,
    refetchIntervalInBackground: false,
  });
}
