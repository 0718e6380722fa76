// Stats of one tcp_proxy, rooted at `tcp.<stat_prefix>.`, and the cluster counters only the TCP proxy moves.
// Names and meanings: Envoy's docs/root/configuration/listeners/network_filters/tcp_proxy_filter.rst
// (ALL_TCP_PROXY_STATS in source/common/tcp_proxy/tcp_proxy.h) and upstream/cluster_manager/cluster_stats.rst.
// Not declared: on_demand_cluster_* and early_data_received_count_total, whose features Signalbox refuses.
import type { Counter, Gauge, Scope } from "../stats/store";
import type { Cluster } from "../upstream/cluster";

export const TCP_PROXY_COUNTERS = [
  "downstream_cx_total",
  // no cluster for the connection (the config refuses unknown clusters, so only a cluster missing at runtime)
  "downstream_cx_no_route",
  "downstream_cx_tx_bytes_total",
  "downstream_cx_rx_bytes_total",
  "downstream_flow_control_paused_reading_total",
  "downstream_flow_control_resumed_reading_total",
  "idle_timeout",
  "max_downstream_connection_duration",
  // the downstream closed while bytes for the upstream were still buffered: they are flushed first
  "upstream_flush_total",
] as const;

export const TCP_PROXY_GAUGES = [
  // bytes read from the downstream and not yet handed on: always 0, every read goes straight to the upstream
  // socket (what waits there is the upstream's write buffer)
  "downstream_cx_rx_bytes_buffered",
  "downstream_cx_tx_bytes_buffered",
  "upstream_flush_active",
] as const;

type Counters = { [K in (typeof TCP_PROXY_COUNTERS)[number]]: Counter };
type Gauges = { [K in (typeof TCP_PROXY_GAUGES)[number]]: Gauge };

export class TcpProxyStats {
  readonly c: Counters;
  readonly g: Gauges;

  /** `scope`: `tcp.<stat_prefix>` */
  constructor(readonly scope: Scope) {
    this.c = Object.fromEntries(TCP_PROXY_COUNTERS.map((n) => [n, scope.counter(n)])) as Counters;
    this.g = Object.fromEntries(TCP_PROXY_GAUGES.map((n) => [n, scope.gauge(n)])) as Gauges;
  }
}

/** Cluster counters (`cluster.<name>.`) that only a TCP proxy moves; the rest are the cluster's own (cluster-stats.ts). */
export const TCP_PROXY_CLUSTER_COUNTERS = [
  // every attempt of max_connect_attempts failed (response flag URX)
  "upstream_cx_connect_attempts_exceeded",
  // the downstream could not take the upstream's bytes fast enough: reading from the upstream paused/resumed
  "upstream_flow_control_paused_reading_total",
  "upstream_flow_control_resumed_reading_total",
] as const;

export type TcpProxyClusterStats = { [K in (typeof TCP_PROXY_CLUSTER_COUNTERS)[number]]: Counter };

const byCluster = new WeakMap<Cluster, TcpProxyClusterStats>();

/** Resolved once per Cluster object (a TcpProxy asks for its clusters when it is built, so they show at 0). */
export function tcpProxyClusterStats(cluster: Cluster): TcpProxyClusterStats {
  let s = byCluster.get(cluster);
  if (s === undefined) {
    const scope = cluster.stats.scope;
    byCluster.set(cluster, (s = Object.fromEntries(TCP_PROXY_CLUSTER_COUNTERS.map((n) => [n, scope.counter(n)])) as TcpProxyClusterStats));
  }
  return s;
}
