// Stats of one cluster (`cluster.<name>.`), resolved once when the cluster is built so the request path
// only increments fields. Response-code counters are "dynamic" as in Envoy: created on first use.
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
  "upstream_cx_destroy_remote_with_active_rq",
  "membership_change",
  "update_attempt",
  "update_success",
  "update_failure",
] as const;

export const CLUSTER_GAUGES = ["upstream_rq_active", "upstream_rq_pending_active", "upstream_cx_active", "membership_total", "membership_healthy"] as const;

type Counters = { [K in (typeof CLUSTER_COUNTERS)[number]]: Counter };
type Gauges = { [K in (typeof CLUSTER_GAUGES)[number]]: Gauge };

export class ClusterStats {
  readonly c: Counters;
  readonly g: Gauges;
  readonly upstream_rq_time: Histogram;
  readonly #codes: (Counter | undefined)[] = [];
  readonly #classes: (Counter | undefined)[] = [];

  // public so the router can declare its own per-cluster stats (retries) in router/router-stats.ts
  constructor(readonly scope: Scope) {
    this.c = Object.fromEntries(CLUSTER_COUNTERS.map((n) => [n, scope.counter(n)])) as Counters;
    this.g = Object.fromEntries(CLUSTER_GAUGES.map((n) => [n, scope.gauge(n)])) as Gauges;
    this.upstream_rq_time = scope.histogram("upstream_rq_time");
  }

  /** upstream_rq_<code> and upstream_rq_<N>xx for the response sent downstream */
  chargeResponse(status: number) {
    (this.#codes[status] ??= this.scope.counter(`upstream_rq_${status}`)).inc();
    const cls = (status / 100) | 0;
    (this.#classes[cls] ??= this.scope.counter(`upstream_rq_${cls}xx`)).inc();
  }
}
