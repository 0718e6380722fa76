"use client";
import { useQuery } from "@tanstack/react-query";
import { TrafficSummary } from "@/lib/contract/telemetry";
import { api } from "./api-client";
import { queryKeys, type TelemetryScope } from "./keys";
import { scopeSearch } from "./telemetry-params";

/**
 * GET /api/telemetry/summary: fleet, per-route and per-cluster figures over the window (tiles, tables, top lists).
 * `select` lets a table cell subscribe to its one number.
 */
export function useSummaryQuery<T = TrafficSummary>(scope: TelemetryScope, select?: (s: TrafficSummary) => T) {
  return useQuery({
    queryKey: queryKeys.summary(scope),
    queryFn: () => api.get(`/api/telemetry/summary${scopeSearch(scope)}`, TrafficSummary),
    refetchInterval: scope.window === "5m" ? 5_000 : 30_000,
    select,
  });
}
