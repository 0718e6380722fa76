// The tcp_proxy network filter of one filter chain (Envoy's TcpProxy::Config, source/common/tcp_proxy/tcp_proxy.cc):
// built once per config, like the HCM; each downstream connection the listener hands over becomes a TcpSession
// (tcp-session.ts) that picks a cluster and a host, dials, and pipes bytes both ways. A config swap builds a new
// TcpProxy; connections keep the one they started on.
import type { Socket } from "node:net";
import type { TcpProxy as TcpProxyConfig } from "../config/schema";
import { durationOr } from "../config/duration";
import { TcpAccessLog } from "../access-log/tcp-access-log";
import { AccessLogOutputs } from "../access-log/outputs";
import { hash32 } from "../lb/hash";
import type { StatsStore } from "../stats/store";
import type { Cluster } from "../upstream/cluster";
import type { ClusterManager } from "../upstream/cluster-manager";
import { TcpProxyStats, tcpProxyClusterStats } from "./tcp-proxy-stats";
import { TcpSession, type TcpSessionOwner } from "./tcp-session";

/** Envoy's tcp_proxy idle_timeout default: 1 hour. */
export const DEFAULT_TCP_IDLE_TIMEOUT_MS = 3_600_000;

interface WeightedCluster {
  readonly name: string;
  readonly weight: number;
}

/** What a TcpProxy needs for access logging: the process's destinations, and the listener it serves (for errors). */
export interface TcpProxyLogging {
  outputs: AccessLogOutputs;
  listener: string;
}

export class TcpProxy implements TcpSessionOwner {
  readonly stats: TcpProxyStats;
  /** 0 = disabled */
  readonly idleTimeoutMs: number;
  readonly maxConnectAttempts: number;
  /** 0 = none */
  readonly maxDurationMs: number;
  /** null unless the filter has `access_log` */
  readonly accessLog: TcpAccessLog | null;
  /** open sessions, so a drain can close them */
  readonly sessions = new Set<TcpSession>();
  readonly #weighted: readonly WeightedCluster[];
  readonly #totalWeight: number;
  readonly #hashSourceIp: boolean;

  constructor(
    readonly config: TcpProxyConfig,
    store: StatsStore,
    readonly clusters: ClusterManager,
    logging: TcpProxyLogging | null = null,
  ) {
    this.stats = new TcpProxyStats(store.scope(`tcp.${config.stat_prefix}`));
    this.idleTimeoutMs = durationOr(config.idle_timeout, DEFAULT_TCP_IDLE_TIMEOUT_MS);
    this.maxConnectAttempts = config.max_connect_attempts ?? 1;
    this.maxDurationMs = durationOr(config.max_downstream_connection_duration, 0);
    this.#weighted = config.cluster !== undefined ? [{ name: config.cluster, weight: 1 }] : config.weighted_clusters!.clusters;
    this.#totalWeight = this.#weighted.reduce((n, c) => n + c.weight, 0);
    this.#hashSourceIp = config.hash_policy?.[0]?.source_ip !== undefined;
    for (const w of this.#weighted) {
      const c = clusters.get(w.name);
      if (c !== undefined) tcpProxyClusterStats(c);
    }
    const where = `listener ${logging?.listener ?? "?"}: tcp_proxy ${config.stat_prefix}`;
    this.accessLog = config.access_log?.length ? new TcpAccessLog(config.access_log, logging?.outputs ?? new AccessLogOutputs(store), where) : null;
  }

  /** A downstream connection for this filter chain (after the TLS handshake on TLS chains). */
  onConnection(socket: Socket) {
    const s = new TcpSession(this, socket);
    if (!s.closed) this.sessions.add(s);
  }

  /**
   * The cluster for one connect attempt: the cluster, or one of the weighted clusters drawn in [0, total weight)
   * and walked cumulatively (Envoy's WeightedClusterUtil::pickCluster); a retry draws again, as Envoy picks the
   * route again before each attempt. `name` stays set when the cluster is missing, for the no-route count.
   */
  pickCluster(): { name: string; cluster: Cluster | null } {
    let pick = this.#weighted[0];
    if (this.#weighted.length > 1) {
      const r = Math.floor(Math.random() * this.#totalWeight);
      let acc = 0;
      for (const w of this.#weighted) {
        acc += w.weight;
        if (r < acc) {
          pick = w;
          break;
        }
      }
    }
    return { name: pick.name, cluster: this.clusters.get(pick.name) ?? null };
  }

  /** hash_policy `source_ip` → the RING_HASH key of a connection; null without a policy (a random host then). */
  hashKey(socket: Socket): number | null {
    return this.#hashSourceIp && socket.remoteAddress !== undefined ? hash32(socket.remoteAddress) : null;
  }

  /** A drain ran out of time, or the listener closed: every open connection is closed now (Envoy's NoFlush). */
  closeAll() {
    for (const s of [...this.sessions]) s.close();
  }

  /** TcpSession: it has closed. */
  onSessionClosed(s: TcpSession) {
    this.sessions.delete(s);
  }
}
