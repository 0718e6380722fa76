// One downstream connection of a tcp_proxy (Envoy's TcpProxy::Filter, source/common/tcp_proxy/tcp_proxy.cc):
//
// - connect (initializeUpstreamConnection): pick the cluster; refuse when its max_connections breaker is full
//   (`upstream_cx_overflow`, flag UO) or max_connect_attempts is spent (`upstream_cx_connect_attempts_exceeded`,
//   URX); pick a host with the cluster's health-aware load balancer (none: `upstream_cx_none_healthy`, UH); then,
//   as Envoy's TCP connection pool (conn_pool_base.cc), the attempt is a pending stream bounded by
//   max_pending_requests (`upstream_rq_pending_overflow`: a failed attempt) on a new connection counted against
//   max_connections. A failed connect (UF) tries again, on another host when there is one, until the attempts are
//   spent. Any refusal closes the downstream connection.
// - pipe: downstream reads are held until the upstream is connected, then bytes flow both ways with
//   backpressure: a side whose peer cannot take more is paused until the peer drains (the
//   `*_flow_control_paused_reading_total` counters). A FIN is passed on, so either side can half-close and keep
//   receiving; each socket closes once both its directions are done.
// - close: the downstream gone, the upstream gets what is buffered for it and is closed (Envoy's FlushWrite and
//   its Drainer, `upstream_flush_*`); the upstream gone, the downstream is flushed and closed. Idle timeout,
//   max_downstream_connection_duration and drains close both at once (NoFlush). The access log line is written
//   when both are closed.
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { loggedAddress, type LoggedAddress, type TcpAccessLog, type TcpConnectionInfo } from "../access-log/tcp-access-log";
import { ResponseFlag } from "../http/response-flags";
import { countFailedConnect, trackConnection } from "../stats/connection-stats";
import type { Cluster } from "../upstream/cluster";
import type { Host } from "../upstream/host";
import { tcpProxyClusterStats, type TcpProxyStats } from "./tcp-proxy-stats";
import { CONNECT_TIMEOUT_CODE, connectFailureReason, dialUpstream, type DialError, type UpstreamDial } from "./upstream-dial";

function ignore() {}

/**
 * What a session needs from the tcp_proxy filter that accepted it (TcpProxy, tcp-proxy.ts): its settings, the stats
 * it counts in, the cluster and hash-key picks, and a word when it closes. Envoy's TcpProxy::Filter holds its
 * TcpProxy::Config the same way. Declared here, by the side that uses it, so the two modules do not import each other.
 */
export interface TcpSessionOwner {
  readonly stats: TcpProxyStats;
  /** 0 = disabled */
  readonly idleTimeoutMs: number;
  readonly maxConnectAttempts: number;
  /** 0 = none */
  readonly maxDurationMs: number;
  /** null unless the filter has `access_log` */
  readonly accessLog: TcpAccessLog | null;
  /** the cluster for one connect attempt; `name` stays set when the cluster is missing */
  pickCluster(): { name: string; cluster: Cluster | null };
  /** the RING_HASH key of a connection, or null (a random host then) */
  hashKey(socket: Socket): number | null;
  onSessionClosed(s: TcpSession): void;
}

export class TcpSession implements TcpConnectionInfo {
  readonly startMs = performance.now();
  endMs = NaN;
  readonly downstreamRemote: LoggedAddress | null;
  readonly downstreamLocal: LoggedAddress | null;
  clusterName: string | null = null;
  upstreamHostLabel: string | null = null;
  upstreamLocal: LoggedAddress | null = null;
  upstreamRemote: LoggedAddress | null = null;
  responseFlags = 0;
  bytesReceived = 0;
  bytesSent = 0;
  attempts = 0;
  transportFailure = "";
  /** both connections are closed and the line is logged */
  closed = false;

  /** the connect attempt in progress */
  #pending: { dial: UpstreamDial; cluster: Cluster; host: Host } | null = null;
  /** the connected upstream, its cluster and host (their counts are released when it closes) */
  #up: Socket | null = null;
  #upCluster: Cluster | null = null;
  #upHost: Host | null = null;
  #downOpen = true;
  #upOpen = false;
  /** hosts whose connect failed, avoided by later attempts while others are left */
  #failedHosts: Set<Host> | null = null;
  /** we closed the downstream ourselves (idle, duration, refusal, drain): the upstream is not flushed either */
  #localClose = false;
  #flushing = false;
  #downPaused = false;
  #upPaused = false;
  /** this connection's share of downstream_cx_tx_bytes_buffered */
  #txBuffered = 0;
  #idleTimer: NodeJS.Timeout | null = null;
  #durationTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly proxy: TcpSessionOwner,
    readonly downstream: Socket,
  ) {
    this.downstreamRemote = loggedAddress(downstream.remoteAddress, downstream.remotePort);
    this.downstreamLocal = loggedAddress(downstream.localAddress, downstream.localPort);
    proxy.stats.c.downstream_cx_total.inc();
    // the downstream's FIN is passed upstream and our side stays open for the upstream's bytes (enableHalfClose)
    downstream.allowHalfOpen = true;
    // nothing is read until there is an upstream to write it to (readDisable(true) until connected)
    downstream.pause();
    downstream.on("error", ignore);
    downstream.on("data", this.#onDownData);
    downstream.on("end", this.#onDownEnd);
    downstream.on("drain", this.#onDownDrain);
    downstream.once("close", this.#onDownClose);
    if (proxy.maxDurationMs > 0) this.#durationTimer = setTimeout(this.#onMaxDuration, proxy.maxDurationMs);
    if (downstream.destroyed) this.#onDownClose();
    else this.#connect();
  }

  /** Closes both connections now, unflushed (a drain ran out of time, the listener closed). */
  close() {
    this.#closeNoFlush();
  }

  // ---- connecting

  #connect(): void {
    if (!this.#downOpen) return;
    const proxy = this.proxy;
    const { name, cluster } = proxy.pickCluster();
    this.clusterName = name;
    if (cluster === null) {
      proxy.stats.c.downstream_cx_no_route.inc();
      return this.#refuse(ResponseFlag.NoClusterFound);
    }
    const limits = cluster.resources;
    const st = cluster.stats;
    // checked here, not by the pool, "because the TCP conn pool will queue our request waiting for a connection
    // that will never be released" (tcp_proxy.cc)
    if (!limits.connections.canCreate()) {
      st.c.upstream_cx_overflow.inc();
      limits.connections.refuse();
      return this.#refuse(ResponseFlag.UpstreamOverflow);
    }
    if (this.attempts >= proxy.maxConnectAttempts) {
      tcpProxyClusterStats(cluster).upstream_cx_connect_attempts_exceeded.inc();
      return this.#refuse(ResponseFlag.UpstreamRetryLimitExceeded);
    }
    const host = cluster.lb.chooseHost({ hashKey: proxy.hashKey(this.downstream), excluded: this.#failedHosts });
    if (host === null) {
      st.c.upstream_cx_none_healthy.inc();
      return this.#refuse(ResponseFlag.NoHealthyUpstream);
    }
    this.attempts++;
    // the pool's newStream: with no ready connection the attempt waits as a pending stream. A refusal is a pool
    // failure (Overflow), which tcp_proxy treats as a failed attempt: the next one is tried at once
    if (!limits.pendingRequests.canCreate()) {
      limits.pendingRequests.refuse();
      st.c.upstream_rq_pending_overflow.inc();
      this.upstreamHostLabel = null;
      return this.#connect();
    }
    this.upstreamHostLabel = host.label;
    limits.pendingRequests.inc();
    st.c.upstream_rq_pending_total.inc();
    st.g.upstream_rq_pending_active.inc();
    // a connection counts from its creation (ConnPoolImplBase::tryCreateNewConnection)
    limits.connections.inc();
    st.c.upstream_cx_total.inc();
    st.g.upstream_cx_active.inc();
    host.stats.cx_total++;
    host.stats.cx_active++;
    const openedMs = performance.now();
    const dial = dialUpstream(host, cluster.connectTimeoutMs, cluster.tls, (err, socket) => this.#onDialed(cluster, host, openedMs, err, socket));
    this.#pending = { dial, cluster, host };
  }

  #onDialed(cluster: Cluster, host: Host, openedMs: number, err: DialError | null, socket: Socket | null) {
    this.#pending = null;
    const limits = cluster.resources;
    const st = cluster.stats;
    limits.pendingRequests.dec();
    st.g.upstream_rq_pending_active.dec();
    if (err !== null) {
      this.#releaseConnection(cluster, host);
      countFailedConnect(st.connection, err);
      st.c.upstream_cx_connect_fail.inc();
      if (err.code === CONNECT_TIMEOUT_CODE) st.c.upstream_cx_connect_timeout.inc();
      host.stats.cx_connect_fail++;
      // a connect failure fails the pool's pending streams (purgePendingStreams): this one
      st.c.upstream_rq_pending_failure_eject.inc();
      this.transportFailure = connectFailureReason(err);
      this.responseFlags |= ResponseFlag.UpstreamConnectionFailure;
      cluster.reportResult(host, 0);
      (this.#failedHosts ??= new Set()).add(host);
      return this.#connect();
    }
    const up = socket!;
    // tcp_proxy reports a connection as the final result of the attempt (LocalOriginConnectSuccessFinal), which
    // outlier detection's default, non-split mode counts as a 200
    cluster.reportResult(host, 200);
    st.upstream_cx_connect_ms.recordMs(performance.now() - openedMs);
    trackConnection(up, st.connection, openedMs);
    // attachStreamToClient: this downstream connection is the connection's one stream until it closes
    st.c.upstream_rq_total.inc();
    st.g.upstream_rq_active.inc();
    host.stats.rq_total++;
    host.stats.rq_active++;
    limits.requests.inc();
    this.#up = up;
    this.#upCluster = cluster;
    this.#upHost = host;
    this.#upOpen = true;
    this.upstreamLocal = loggedAddress(up.localAddress, up.localPort);
    this.upstreamRemote = loggedAddress(up.remoteAddress, up.remotePort);
    up.on("error", ignore);
    up.on("data", this.#onUpData);
    up.on("end", this.#onUpEnd);
    up.on("drain", this.#onUpDrain);
    up.once("close", this.#onUpClose);
    // Envoy arms the idle timer once connected; bytes either way re-arm it
    if (this.proxy.idleTimeoutMs > 0) this.#idleTimer = setTimeout(this.#onIdle, this.proxy.idleTimeoutMs);
    if (this.downstream.readableEnded) up.end();
    else this.downstream.resume();
  }

  #releaseConnection(cluster: Cluster, host: Host) {
    cluster.resources.connections.dec();
    cluster.stats.g.upstream_cx_active.dec();
    host.stats.cx_active--;
  }

  /** onInitFailure: the downstream connection is closed without flushing. */
  #refuse(flag: number) {
    this.responseFlags |= flag;
    this.#closeNoFlush();
  }

  // ---- bytes

  #onDownData = (chunk: Buffer) => {
    const up = this.#up;
    if (!this.#upOpen || up === null) return;
    this.bytesReceived += chunk.length;
    this.proxy.stats.c.downstream_cx_rx_bytes_total.add(chunk.length);
    if (!up.write(chunk, this.#onUpWritten) && !this.#downPaused) {
      // the upstream's write buffer is over its high watermark: stop reading the downstream
      this.#downPaused = true;
      this.downstream.pause();
      this.proxy.stats.c.downstream_flow_control_paused_reading_total.inc();
    }
    this.#idleTimer?.refresh();
  };

  #onUpDrain = () => {
    if (!this.#downPaused) return;
    this.#downPaused = false;
    this.proxy.stats.c.downstream_flow_control_resumed_reading_total.inc();
    this.downstream.resume();
  };

  #onUpWritten = () => {
    this.#idleTimer?.refresh();
  };

  #onUpData = (chunk: Buffer) => {
    if (!this.#downOpen) {
      // Envoy's Drainer: the upstream sent data nobody can receive, which the kernel would answer with a reset
      this.#up?.destroy();
      return;
    }
    this.bytesSent += chunk.length;
    this.proxy.stats.c.downstream_cx_tx_bytes_total.add(chunk.length);
    if (!this.downstream.write(chunk, this.#onDownWritten) && !this.#upPaused) {
      this.#upPaused = true;
      this.#up!.pause();
      tcpProxyClusterStats(this.#upCluster!).upstream_flow_control_paused_reading_total.inc();
    }
    this.#syncTxBuffered();
    this.#idleTimer?.refresh();
  };

  #onDownDrain = () => {
    this.#syncTxBuffered();
    if (!this.#upPaused) return;
    this.#upPaused = false;
    tcpProxyClusterStats(this.#upCluster!).upstream_flow_control_resumed_reading_total.inc();
    this.#up?.resume();
  };

  #onDownWritten = () => {
    this.#syncTxBuffered();
    this.#idleTimer?.refresh();
  };

  /** downstream_cx_tx_bytes_buffered follows the downstream's write buffer */
  #syncTxBuffered() {
    const now = this.#downOpen ? this.downstream.writableLength : 0;
    if (now === this.#txBuffered) return;
    const g = this.proxy.stats.g.downstream_cx_tx_bytes_buffered;
    g.set(g.value + now - this.#txBuffered);
    this.#txBuffered = now;
  }

  // ---- half-close and close

  /** the downstream's FIN: the upstream gets it after the bytes before it (or once connected, when it came
   *  first: node reports the end of a paused socket that has nothing buffered at once) */
  #onDownEnd = () => {
    if (this.#upOpen) this.#up!.end();
  };

  #onUpEnd = () => {
    if (this.#downOpen) this.downstream.end();
  };

  #onDownClose = () => {
    if (!this.#downOpen) return;
    this.#downOpen = false;
    this.#syncTxBuffered();
    if (this.#durationTimer !== null) clearTimeout(this.#durationTimer);
    if (this.#pending !== null) this.#cancelPending();
    const up = this.#up;
    if (this.#upOpen && up !== null) {
      if (this.#localClose) up.destroy();
      else {
        // RemoteClose: close(FlushWrite); with bytes still buffered the upstream drains them first
        if (up.writableLength > 0) {
          this.#flushing = true;
          this.proxy.stats.c.upstream_flush_total.inc();
          this.proxy.stats.g.upstream_flush_active.inc();
        }
        up.destroySoon();
      }
    }
    this.#finishIfClosed();
  };

  #onUpClose = () => {
    this.#upOpen = false;
    const cluster = this.#upCluster!;
    const host = this.#upHost!;
    this.#releaseConnection(cluster, host);
    cluster.stats.g.upstream_rq_active.dec();
    host.stats.rq_active--;
    cluster.resources.requests.dec();
    if (this.#flushing) {
      this.#flushing = false;
      this.proxy.stats.g.upstream_flush_active.dec();
    }
    // the upstream closed: the downstream gets what is buffered for it, then closes (FlushWrite)
    if (this.#downOpen) this.downstream.destroySoon();
    this.#finishIfClosed();
  };

  /** The downstream left while connecting: the pending attempt is cancelled and its connection closed. */
  #cancelPending() {
    const { dial, cluster, host } = this.#pending!;
    this.#pending = null;
    dial.cancel();
    cluster.resources.pendingRequests.dec();
    cluster.stats.g.upstream_rq_pending_active.dec();
    cluster.stats.c.upstream_rq_cancelled.inc();
    this.#releaseConnection(cluster, host);
    // closed by us before it connected
    countFailedConnect(cluster.stats.connection, {});
  }

  #onIdle = () => {
    this.#idleTimer = null;
    this.proxy.stats.c.idle_timeout.inc();
    this.#closeNoFlush();
  };

  #onMaxDuration = () => {
    this.#durationTimer = null;
    this.proxy.stats.c.max_downstream_connection_duration.inc();
    this.responseFlags |= ResponseFlag.DurationTimeout;
    this.#closeNoFlush();
  };

  #closeNoFlush() {
    this.#localClose = true;
    this.downstream.destroy();
    this.#up?.destroy();
  }

  #finishIfClosed() {
    if (this.closed || this.#downOpen || this.#upOpen || this.#pending !== null) return;
    this.closed = true;
    this.endMs = performance.now();
    if (this.#idleTimer !== null) clearTimeout(this.#idleTimer);
    if (this.#durationTimer !== null) clearTimeout(this.#durationTimer);
    this.proxy.onSessionClosed(this);
    this.proxy.accessLog?.log(this);
  }
}
