"use client";
import { useQuery } from "@tanstack/react-query";
import { api } from "./api-client";
import { queryKeys } from "./keys";
import type { LiveStats } from "./types";

/** GET /api/stats/live?node=…: the worker's last 60 s, one point per second; polled every second. */
export function useLiveStatsQuery(node = "local") {
  return useQuery({
    queryKey: queryKeys.liveStats(node),
    queryFn: () => api.get<LiveStats>(`/api/stats/live?node=${encodeURIComponent(node)}`),
    refetchInterval: 1000,
    refetchIntervalInBackground: false,
  });
}
