// Stats of one HTTP connection manager (`http.<stat_prefix>.`), including the router's, resolved once; and its
// per listener statistics (`listener.<address>.http.<stat_prefix>.`), bound once the listener's stat scope is
// known. Names and meanings: Envoy's docs/root/configuration/http/http_conn_man/stats.rst.
import type { ConnectionStatSet } from "../stats/connection-stats";
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
  // the router reset the downstream stream (response already started): ActiveStream::resetStream
  "downstream_rq_tx_reset",
  "downstream_cx_total",
  "downstream_cx_http1_total",
  "downstream_cx_protocol_error",
  "downstream_cx_ssl_total",
  "downstream_cx_upgrades_total",
  "downstream_cx_destroy",
  "downstream_cx_destroy_local",
  "downstream_cx_destroy_remote",
  // common_http_protocol_options.idle_timeout closed a connection without a request (listener/codec.ts)
  "downstream_cx_idle_timeout",
  "downstream_cx_rx_bytes_total",
  "downstream_cx_tx_bytes_total",
  "downstream_rq_timeout",
  "downstream_rq_idle_timeout",
  "downstream_rq_ws_on_non_ws_route",
  // a request body over the buffer limit of a filter that buffers it (413, conn_manager_impl.cc)
  "downstream_rq_too_large",
  "no_route",
  "no_cluster",
  "rq_direct_response",
  "rq_redirect", // router (router/router-filter.ts)
  "rq_total",
] as const;

export const HCM_GAUGES = ["downstream_rq_active", "downstream_cx_active", "downstream_cx_ssl_active", "downstream_cx_upgrades_active"] as const;

export const HCM_HISTOGRAMS = ["downstream_rq_time", "downstream_cx_length_ms"] as const;

/** Envoy's "HTTP per listener statistics" (CONN_MAN_LISTENER_STATS): responses by listener and HCM. */
export const LISTENER_HTTP_COUNTERS = ["downstream_rq_completed", "downstream_rq_1xx", "downstream_rq_2xx", "downstream_rq_3xx", "downstream_rq_4xx", "downstream_rq_5xx"] as const;

export class ListenerHttpStats {
  readonly completed: Counter;
  /** by status / 100 (index 0 is counted as 1xx, as the HCM's own) */
  readonly byClass: Counter[];

  /** `scope`: `listener.<address>.http.<stat_prefix>.` */
  constructor(scope: Scope) {
    const c = Object.fromEntries(LISTENER_HTTP_COUNTERS.map((n) => [n, scope.counter(n)])) as { [K in (typeof LISTENER_HTTP_COUNTERS)[number]]: Counter };
    this.completed = c.downstream_rq_completed;
    this.byClass = [c.downstream_rq_1xx, c.downstream_rq_1xx, c.downstream_rq_2xx, c.downstream_rq_3xx, c.downstream_rq_4xx, c.downstream_rq_5xx];
  }
}

export class HcmStats {
  readonly c: { [K in (typeof HCM_COUNTERS)[number]]: Counter };
  readonly g: { [K in (typeof HCM_GAUGES)[number]]: Gauge };
  readonly downstream_rq_time: Histogram;
  readonly byClass: Counter[];
  /** bytes, destroy (local/remote) and length of the HCM's connections (stats/connection-stats.ts) */
  readonly connection: ConnectionStatSet;
  /** set by the listener that serves this HCM, once its stat scope is known (listener/listener.ts) */
  listener: ListenerHttpStats | null = null;

  constructor(
    scope: Scope,
    readonly statPrefix: string,
  ) {
    this.c = Object.fromEntries(HCM_COUNTERS.map((n) => [n, scope.counter(n)])) as HcmStats["c"];
    this.g = Object.fromEntries(HCM_GAUGES.map((n) => [n, scope.gauge(n)])) as HcmStats["g"];
    this.downstream_rq_time = scope.histogram("downstream_rq_time");
    const c = this.c;
    this.byClass = [c.downstream_rq_1xx, c.downstream_rq_1xx, c.downstream_rq_2xx, c.downstream_rq_3xx, c.downstream_rq_4xx, c.downstream_rq_5xx];
    this.connection = {
      rxBytes: c.downstream_cx_rx_bytes_total,
      txBytes: c.downstream_cx_tx_bytes_total,
      destroy: c.downstream_cx_destroy,
      destroyLocal: c.downstream_cx_destroy_local,
      destroyRemote: c.downstream_cx_destroy_remote,
      lengthMs: scope.histogram("downstream_cx_length_ms"),
    };
  }

  /** `listener.<address>.` of the listener serving this HCM: its per listener HTTP stats live below it */
  bindListener(listenerScope: Scope) {
    this.listener = new ListenerHttpStats(listenerScope.scope("http").scope(this.statPrefix));
  }

  /** A response went downstream: downstream_rq_completed and downstream_rq_<N>xx, in the HCM's tree and the
   *  listener's (Envoy's ActiveStream::chargeStats charges both) */
  chargeCompleted(status: number) {
    const cls = (status / 100) | 0;
    this.c.downstream_rq_completed.inc();
    this.byClass[cls]?.inc();
    const l = this.listener;
    if (l !== null) {
      l.completed.inc();
      l.byClass[cls]?.inc();
    }
  }
}
