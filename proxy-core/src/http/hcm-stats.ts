// Stats of one HTTP connection manager (`http.<stat_prefix>.`), including the router's, resolved once.
import type { Counter, Gauge, Histogram, Scope } from "../stats/store";

export const HCM_COUNTERS = [
  "downstream_rq_total",
  "downstream_rq_completed",
  "downstream_rq_1xx",
  "downstream_rq_2xx",
  "downstream_rq_3xx",
  "downstream_rq_4xx",
  "downstream_rq_5xx",
  "downstream_rq_http1_total",
  "downstream_rq_rx_reset",
  "downstream_cx_total",
  "downstream_cx_http1_total",
  "downstream_cx_protocol_error",
  "downstream_cx_ssl_total",
  "downstream_cx_upgrades_total",
  "downstream_rq_timeout",
  "downstream_rq_idle_timeout",
  "downstream_rq_ws_on_non_ws_route",
  "no_route",
  "no_cluster",
  "rq_direct_response",
  "rq_redirect", // router (router/router-filter.ts)
  "rq_total",
] as const;

export const HCM_GAUGES = ["downstream_rq_active", "downstream_cx_active", "downstream_cx_ssl_active", "downstream_cx_upgrades_active"] as const;

export class HcmStats {
  readonly c: { [K in (typeof HCM_COUNTERS)[number]]: Counter };
  readonly g: { [K in (typeof HCM_GAUGES)[number]]: Gauge };
  readonly downstream_rq_time: Histogram;
  readonly byClass: Counter[];

  constructor(scope: Scope) {
    this.c = Object.fromEntries(HCM_COUNTERS.map((n) => [n, scope.counter(n)])) as HcmStats["c"];
    this.g = Object.fromEntries(HCM_GAUGES.map((n) => [n, scope.gauge(n)])) as HcmStats["g"];
    this.downstream_rq_time = scope.histogram("downstream_rq_time");
    const c = this.c;
    this.byClass = [c.downstream_rq_1xx, c.downstream_rq_1xx, c.downstream_rq_2xx, c.downstream_rq_3xx, c.downstream_rq_4xx, c.downstream_rq_5xx];
  }
}
