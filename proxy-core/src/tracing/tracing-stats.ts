// Tracing stats, resolved once like the HCM's (http/hcm-stats.ts). Names are Envoy's:
// `http.<stat_prefix>.tracing.*` (one per trace decision, Envoy's http_conn_man/stats.rst) and the Zipkin
// driver's process-wide `tracing.zipkin.*`.
import type { Counter, Scope, StatsStore } from "../stats/store";

export const HCM_TRACING_COUNTERS = ["random_sampling", "service_forced", "client_enabled", "not_traceable", "health_check"] as const;

/** spans_sent: spans in reports handed to the collector; reports_sent: answered 202; reports_dropped: every other
 *  status; reports_failed: no answer (connect error, reset, timeout); reports_skipped_no_cluster: the collector
 *  cluster had no host; timer_flushed: flushes started by the flush timer rather than the buffer filling. */
export const ZIPKIN_COUNTERS = ["spans_sent", "timer_flushed", "reports_skipped_no_cluster", "reports_sent", "reports_dropped", "reports_failed"] as const;

export type HcmTracingCounters = { [K in (typeof HCM_TRACING_COUNTERS)[number]]: Counter };
export type ZipkinCounters = { [K in (typeof ZIPKIN_COUNTERS)[number]]: Counter };

/** `scope` is the HCM's `http.<stat_prefix>.` scope */
export function hcmTracingCounters(scope: Scope): HcmTracingCounters {
  const t = scope.scope("tracing");
  return Object.fromEntries(HCM_TRACING_COUNTERS.map((n) => [n, t.counter(n)])) as HcmTracingCounters;
}

export function zipkinCounters(store: StatsStore): ZipkinCounters {
  const z = store.scope("tracing.zipkin");
  return Object.fromEntries(ZIPKIN_COUNTERS.map((n) => [n, z.counter(n)])) as ZipkinCounters;
}
