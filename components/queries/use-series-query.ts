"use client";
import { useQuery } from "@tanstack/react-query";
import { Series } from "@/lib/contract/telemetry";
import { api } from "./api-client";
import { queryKeys, type TelemetryScope } from "./keys";
import { scopeSearch, WINDOW_REFRESH_MS } from "./telemetry-params";

/**
 * GET /api/telemetry/series: requests/s by class, latency percentiles, connections and version markers over the
 * window. While the live channel is open (`live`), the fleet's 5-minute series moves with its ticks and is only
 * fetched again once a minute to stay exact; otherwise it is polled at its step.
 */
export function useSeriesQuery<T = Series>(scope: TelemetryScope, opts: { live?: boolean; select?: (s: Series) => T } = {}) {
  const fedByTicks = opts.live && scope.window === "5m" && !scope.route && !scope.vhost && !scope.cluster;
  return useQuery({
    queryKey: queryKeys.series(scope),
    queryFn: () => api.get(`/api/telemetry/series${scopeSearch(scope)}`, Series),
    refetchInterval: fedByTicks ? 60_000 : WINDOW_REFRESH_MS[scope.window],
    // a component that needs one fact of the series (is it all zero?) renders only when that fact changes
    select: opts.select,
  });
}
