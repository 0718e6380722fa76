// Per-host HTTP/1.1 connection pool with Envoy's circuit-breaker semantics (Envoy's ConnPoolImplBase,
// source/common/conn_pool/conn_pool_base.cc). The pool dials its own connections (pool-connection.ts) and
// decides which one each request goes to, so every limit holds whatever state the connections are in:
// - a request that finds a ready connection is attached to it, if `max_requests` allows (else 503 overflow);
// - otherwise it becomes pending, if `max_pending_requests` allows (else 503 overflow), and a connection is
//   dialed for it when `max_connections` allows (`upstream_cx_overflow` counts when it does not; a host with
//   no connection at all always gets one, so it cannot starve);
// - when a connection becomes ready (connected, or its stream finished and it stays open), pending requests
//   are attached to it in arrival order, each checked against `max_requests` again (attachStreamToClient):
//   a request never reaches the upstream while the requests limit is full;
// - a failed connect fails every pending request (purgePendingStreams), which the router may retry.
// Refusals count `upstream_rq_pending_overflow`, as Envoy's pool does for both limits.
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import type { Dispatcher, buildConnector } from "undici";
import type { Host } from "../upstream/host";
import type { ResourceManager } from "../upstream/resource-manager";
import type { ClusterStats } from "../upstream/cluster-stats";
import type { UpstreamTls } from "../upstream/tls";
import { countFailedConnect, trackConnection } from "../stats/connection-stats";
import { hostConnector, type SocketConnector } from "./connector";
import { ConnState, PoolConnection, type ConnectionOwner } from "./pool-connection";

/** What a pool needs from a request. Implemented by router/upstream-request.ts and the upgrade path. */
export interface PoolStream extends Dispatcher.DispatchHandler {
  /** attached to `conn`: send the request now with `conn.dispatch`, and call `conn.done()` once it ends */
  onPoolReady(conn: PoolConnection): void;
  /** refused by a circuit breaker: 503 overflow */
  onPoolOverflow(): void;
  /** the connection dialed for this pending request failed (connect error or timeout) */
  onPoolFailure(err: Error & { code?: string }): void;
}

export interface ConnPoolOptions {
  connectTimeoutMs: number;
  resources: ResourceManager;
  stats: ClusterStats;
  /** client TLS (cluster transport_socket) */
  tls?: UpstreamTls | null;
}

export class ConnPool implements ConnectionOwner {
  readonly #connector: SocketConnector;
  readonly #origin: string;
  /** idle connections, most recently used last (reused first, so idle ones can time out) */
  readonly #ready: PoolConnection[] = [];
  readonly #all = new Set<PoolConnection>();
  readonly #pending: PoolStream[] = [];
  #connecting = 0;
  #busy = 0;
  /** connections whose stream finished this turn, checked together on the next microtask */
  #finishing: PoolConnection[] = [];
  #closing = false;
  #closed: (() => void) | null = null;
  /** this pool still counts in the cluster's connection pools (circuit_breakers.default.remaining_cx_pools) */
  #counted = true;

  constructor(
    readonly host: Host,
    private readonly opts: ConnPoolOptions,
  ) {
    this.#connector = hostConnector(host, opts.connectTimeoutMs, opts.tls ?? null);
    // TLS is the connector's business: undici only ever sees an established socket, so its origin is
    // plain http (an https origin would make undici reconnect whenever the Host header changes the SNI)
    this.#origin = `http://${host.label}`;
    opts.resources.connectionPools.inc();
  }

  /** streams attached to a connection (including upgraded ones) */
  get active(): number {
    return this.#busy;
  }
  get pending(): number {
    return this.#pending.length;
  }
  /** open or opening connections */
  get connections(): number {
    return this.#all.size;
  }

  /** Entry point: attach, queue or refuse one request. */
  newStream(s: PoolStream) {
    const conn = this.#ready.pop();
    if (conn !== undefined) {
      if (!this.#attach(conn, s)) this.#ready.push(conn);
      return;
    }
    const { resources, stats } = this.opts;
    if (!resources.pendingRequests.canCreate()) {
      resources.pendingRequests.refuse();
      return this.#overflow(s);
    }
    this.#pending.push(s);
    resources.pendingRequests.inc();
    stats.c.upstream_rq_pending_total.inc();
    stats.g.upstream_rq_pending_active.inc();
    this.#createConnections();
  }

  /** A pending request gave up (timeout, downstream reset). Returns false if it was not pending. */
  cancel(s: PoolStream): boolean {
    const i = this.#pending.indexOf(s);
    if (i < 0) return false;
    this.#pending.splice(i, 1);
    this.#leavePending();
    this.opts.stats.c.upstream_rq_cancelled.inc();
    this.#checkClosed();
    return true;
  }

  /** Stop taking new requests: idle connections close now, the rest once their streams (and pending) finish. */
  close(): Promise<void> {
    this.#closing = true;
    for (const c of this.#ready.splice(0)) this.#retire(c);
    return new Promise<void>((resolve) => {
      this.#closed = resolve;
      this.#checkClosed();
    });
  }

  /** Close every connection now; pending requests are refused. */
  destroy() {
    this.#closing = true;
    for (const s of this.#pending.splice(0)) {
      this.#leavePending();
      s.onPoolOverflow();
    }
    for (const c of [...this.#all]) c.close();
    this.#uncount();
  }

  // ---- ConnectionOwner

  onStreamDone(conn: PoolConnection) {
    if (!conn.hasStream || conn.state === ConnState.Upgraded) return;
    conn.hasStream = false;
    this.#releaseStream();
    // closed meanwhile (destroy): nothing to reuse
    if (conn.state !== ConnState.Busy) return;
    conn.state = ConnState.Finishing;
    // undici destroys a socket it will not reuse (connection: close, HTTP/1.0, reset) right after the
    // handler's completion callback returns: the connection's fate is known on the next microtask
    if (this.#finishing.push(conn) === 1) queueMicrotask(this.#afterStreams);
  }

  onStreamUpgraded(conn: PoolConnection) {
    // the request slot stays taken until the upgraded socket closes (the stream is still active)
    conn.state = ConnState.Upgraded;
  }

  redial(conn: PoolConnection, cb: buildConnector.Callback) {
    // undici's idle-socket check found the socket closed before it wrote the attached request: it dials
    // again for that request, in place of the closed connection (so no limit check)
    this.#dial(conn, (err, socket) => {
      if (err !== null) return cb(err, null);
      conn.socket = socket;
      cb(null, socket!);
    });
  }

  // ---- internals

  #overflow(s: PoolStream) {
    this.opts.stats.c.upstream_rq_pending_overflow.inc();
    s.onPoolOverflow();
  }

  #leavePending() {
    this.opts.resources.pendingRequests.dec();
    this.opts.stats.g.upstream_rq_pending_active.dec();
  }

  /** attachStreamToClient: false (and the request refused) when max_requests is full. */
  #attach(conn: PoolConnection, s: PoolStream): boolean {
    const { resources, stats } = this.opts;
    if (!resources.requests.canCreate()) {
      resources.requests.refuse();
      this.#overflow(s);
      return false;
    }
    conn.state = ConnState.Busy;
    conn.hasStream = true;
    this.#busy++;
    resources.requests.inc();
    stats.g.upstream_rq_active.inc();
    stats.c.upstream_rq_total.inc();
    const hs = this.host.stats;
    hs.rq_active++;
    hs.rq_total++;
    s.onPoolReady(conn);
    return true;
  }

  #releaseStream() {
    this.#busy--;
    this.host.stats.rq_active--;
    this.opts.resources.requests.dec();
    this.opts.stats.g.upstream_rq_active.dec();
  }

  /** onUpstreamReady: pending requests first (each checked against max_requests), else the ready list. */
  #onReady(conn: PoolConnection) {
    conn.state = ConnState.Ready;
    while (this.#pending.length > 0) {
      const s = this.#pending.shift()!;
      this.#leavePending();
      if (this.#attach(conn, s)) return;
    }
    if (this.#closing) this.#retire(conn);
    else this.#ready.push(conn);
    this.#checkClosed();
  }

  #afterStreams = () => {
    const list = this.#finishing;
    this.#finishing = [];
    for (const conn of list) {
      if (conn.state !== ConnState.Finishing) continue;
      if (conn.socket === null || conn.socket.destroyed) this.#retire(conn);
      else this.#onReady(conn);
    }
    // a connection that went away may leave room for requests waiting on max_connections
    this.#createConnections();
    this.#checkClosed();
  };

  /** tryCreateNewConnections: one connection per pending request not already covered by a dial. */
  #createConnections() {
    const { resources, stats } = this.opts;
    while (this.#pending.length > this.#connecting) {
      const allowed = resources.connections.canCreate();
      if (!allowed) {
        stats.c.upstream_cx_overflow.inc();
        resources.connections.refuse();
      }
      // a host without any connection always gets one, so it can never be starved by other hosts' use
      if (!allowed && this.#all.size > 0) return;
      this.#newConnection();
      if (!allowed) return;
    }
  }

  #newConnection() {
    const conn = new PoolConnection(this, this.#origin);
    this.#all.add(conn);
    this.#connecting++;
    this.#dial(conn, (err, socket) => {
      this.#connecting--;
      if (err !== null) return this.#connectFailed(conn, err);
      if (conn.state === ConnState.Closed) return void socket!.destroy();
      conn.connected(socket!);
      this.#onReady(conn);
    });
  }

  /** Dials one socket for `conn` with its connection accounting (Envoy counts a connection from its creation). */
  #dial(conn: PoolConnection, cb: (err: (Error & { code?: string }) | null, socket: Socket | null) => void) {
    const { resources, stats } = this.opts;
    const hs = this.host.stats;
    resources.connections.inc();
    stats.c.upstream_cx_total.inc();
    stats.g.upstream_cx_active.inc();
    hs.cx_total++;
    hs.cx_active++;
    const openedMs = performance.now();
    this.#connector((err, socket) => {
      if (err !== null) {
        this.#socketGone();
        countFailedConnect(stats.connection, err);
        stats.c.upstream_cx_connect_fail.inc();
        if (err.code === "UND_ERR_CONNECT_TIMEOUT") stats.c.upstream_cx_connect_timeout.inc();
        hs.cx_connect_fail++;
        return cb(err, null);
      }
      socket!.once("close", () => this.#onSocketClose(conn, socket!));
      // Envoy's upstream_cx_connect_ms ends once connected (TLS handshake included); bytes, destroy and
      // length are read when the socket closes (stats/connection-stats.ts)
      stats.upstream_cx_connect_ms.recordMs(performance.now() - openedMs);
      trackConnection(socket!, stats.connection, openedMs);
      cb(null, socket);
    });
  }

  #socketGone() {
    this.opts.resources.connections.dec();
    this.opts.stats.g.upstream_cx_active.dec();
    this.host.stats.cx_active--;
  }

  #connectFailed(conn: PoolConnection, err: Error & { code?: string }) {
    this.#all.delete(conn);
    conn.close();
    // Envoy fails every pending request on a connect failure, so the router can retry or answer now
    const failed = this.#pending.splice(0);
    for (const s of failed) {
      this.#leavePending();
      this.opts.stats.c.upstream_rq_pending_failure_eject.inc();
      s.onPoolFailure(err);
    }
    this.#checkClosed();
  }

  #onSocketClose(conn: PoolConnection, socket: Socket) {
    this.#socketGone();
    if (conn.socket === socket) conn.socket = null;
    switch (conn.state) {
      case ConnState.Ready: {
        const i = this.#ready.indexOf(conn);
        if (i >= 0) this.#ready.splice(i, 1);
        this.#retire(conn);
        break;
      }
      case ConnState.Upgraded:
        if (conn.hasStream) {
          conn.hasStream = false;
          this.#releaseStream();
        }
        this.#retire(conn);
        break;
      // Busy: undici fails the stream (→ onStreamDone) or dials again for it (→ redial);
      // Finishing: the next microtask retires it
    }
    this.#createConnections();
    this.#checkClosed();
  }

  #retire(conn: PoolConnection) {
    if (conn.state === ConnState.Closed) return;
    this.#all.delete(conn);
    conn.close();
  }

  #checkClosed() {
    if (this.#closed === null || this.#busy > 0 || this.#pending.length > 0 || this.#connecting > 0) return;
    for (const c of this.#ready.splice(0)) this.#retire(c);
    const done = this.#closed;
    this.#closed = () => {};
    this.#uncount();
    done();
  }

  #uncount() {
    if (!this.#counted) return;
    this.#counted = false;
    this.opts.resources.connectionPools.dec();
  }
}
