// Stats of one cluster (`cluster.<name>.`), resolved once when the cluster is built so the request path
// only increments fields. Response-code counters are "dynamic" as in Envoy: created on first use.
// Names and meanings: Envoy's docs/root/configuration/upstream/cluster_manager/cluster_stats.rst.
import type { ConnectionStatSet } from "../stats/connection-stats";
import type { Counter, Gauge, Histogram, Scope } from "../stats/store";

export const CLUSTER_COUNTERS = [
  "upstream_rq_total",
  "upstream_rq_pending_total",
  "upstream_rq_pending_overflow",
  "upstream_rq_pending_failure_eject",
  "upstream_rq_timeout",
  "upstream_rq_cancelled",
  "upstream_cx_total",
  "upstream_cx_overflow",
  "upstream_cx_connect_fail",
  "upstream_cx_connect_timeout",
  "upstream_cx_none_healthy",
  "upstream_cx_destroy",
  "upstream_cx_destroy_local",
  "upstream_cx_destroy_remote",
  "upstream_cx_destroy_remote_with_active_rq",
  "upstream_cx_rx_bytes_total",
  "upstream_cx_tx_bytes_total",
  "membership_change",
  "update_attempt",
  "update_success",
  "update_failure",
] as const;

export const CLUSTER_GAUGES = [
  "upstream_rq_active",
  "upstream_rq_pending_active",
  "upstream_cx_active",
  "membership_total",
  "membership_healthy",
  // no host is ever degraded or excluded here (no EDS health status, no pending removal): always 0, as
  // Envoy reports them for such a cluster
  "membership_degraded",
  "membership_excluded",
] as const;

export const CLUSTER_HISTOGRAMS = ["upstream_rq_time", "upstream_cx_connect_ms", "upstream_cx_length_ms"] as const;

type Counters = { [K in (typeof CLUSTER_COUNTERS)[number]]: Counter };
type Gauges = { [K in (typeof CLUSTER_GAUGES)[number]]: Gauge };

export class ClusterStats {
  readonly c: Counters;
  readonly g: Gauges;
  readonly upstream_rq_time: Histogram;
  readonly upstream_cx_connect_ms: Histogram;
  /** bytes, destroy (local/remote) and length of the pool's connections (stats/connection-stats.ts) */
  readonly connection: ConnectionStatSet;
  readonly #codes: (Counter | undefined)[] = [];
  readonly #classes: (Counter | undefined)[] = [];
  #completed: Counter | null = null;

  // public so the router can declare its own per-cluster stats (retries) in router/router-stats.ts
  constructor(readonly scope: Scope) {
    this.c = Object.fromEntries(CLUSTER_COUNTERS.map((n) => [n, scope.counter(n)])) as Counters;
    this.g = Object.fromEntries(CLUSTER_GAUGES.map((n) => [n, scope.gauge(n)])) as Gauges;
    this.upstream_rq_time = scope.histogram("upstream_rq_time");
    this.upstream_cx_connect_ms = scope.histogram("upstream_cx_connect_ms");
    const c = this.c;
    this.connection = {
      rxBytes: c.upstream_cx_rx_bytes_total,
      txBytes: c.upstream_cx_tx_bytes_total,
      destroy: c.upstream_cx_destroy,
      destroyLocal: c.upstream_cx_destroy_local,
      destroyRemote: c.upstream_cx_destroy_remote,
      lengthMs: scope.histogram("upstream_cx_length_ms"),
    };
  }

  /** upstream_rq_completed, upstream_rq_<code> and upstream_rq_<N>xx for the response sent downstream
   *  (Envoy's CodeStatsImpl::chargeResponseStat) */
  chargeResponse(status: number) {
    (this.#completed ??= this.scope.counter("upstream_rq_completed")).inc();
    (this.#codes[status] ??= this.scope.counter(`upstream_rq_${status}`)).inc();
    const cls = (status / 100) | 0;
    (this.#classes[cls] ??= this.scope.counter(`upstream_rq_${cls}xx`)).inc();
  }
}
