"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { AccessLogList } from "@/lib/contract/access-log";
import { api } from "./api-client";
import { queryKeys } from "./keys";
import { toSearch } from "./telemetry-params";

export interface AccessLogFilter {
  status?: string;
  route?: string;
  pathContains?: string;
  node?: string;
  limit?: number;
}

/** GET /api/access-log: the workers' recent requests, newest first; refreshed every 2 s unless paused. */
export function useAccessLogQuery(f: AccessLogFilter, opts: { paused?: boolean; enabled?: boolean } = {}) {
  const params = toSearch({ status: f.status, route: f.route, pathContains: f.pathContains, node: f.node, limit: f.limit });
  return useQuery({
    queryKey: queryKeys.accessLog(params),
    queryFn: () => api.get(`/api/access-log${params}`, AccessLogList),
    refetchInterval: opts.paused ? false : 2_000,
    enabled: opts.enabled ?? true,
    // typing in a filter keeps the rows on screen until the narrower answer arrives
    placeholderData: keepPreviousData,
  });
}
