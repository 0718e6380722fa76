// Per-host HTTP/1.1 keep-alive pool on undici's Pool, with Envoy's circuit-breaker semantics (spec §3.2):
// - a request that finds an idle connection is attached at once (max_requests checked);
// - otherwise it is *pending* (max_pending_requests checked, else overflow) and a new connection is opened
//   for it if max_connections allows (or the host has none at all);
// - at max_connections the request is not rejected: it waits for a connection to free up
//   (`upstream_cx_overflow` counts).
// undici's own Pool never queues: we only hand it a request when a connection is free or being opened for it,
// so the pool's connection count is exactly what we account for. Requests use undici's low-level
// `dispatch(opts, handler)`; the handler is the caller's UpstreamRequest object itself.
import { Pool, type Dispatcher } from "undici";
import type { Host } from "../upstream/host";
import type { ResourceManager } from "../upstream/resource-manager";
import type { ClusterStats } from "../upstream/cluster-stats";
import type { UpstreamTls } from "../upstream/tls";
import { TLS_DISPATCH_SERVERNAME, hostConnector } from "./connector";

/** What a pool needs from a request. Implemented by router/upstream-request.ts. */
export interface PoolStream extends Dispatcher.DispatchHandler {
  /** the pool could not take the request: 503 overflow */
  onPoolOverflow(): void;
  /** the request is on its way to a connection; the stream must call `pool.dispatch` now */
  onPoolReady(pool: ConnPool): void;
  /** set by the pool while the request waits in its queue or for a new connection */
  pending: boolean;
}

export interface ConnPoolOptions {
  connectTimeoutMs: number;
  resources: ResourceManager;
  stats: ClusterStats;
  /** client TLS (cluster transport_socket); the host's origin is https:// then */
  tls?: UpstreamTls | null;
}

export class ConnPool {
  readonly pool: Pool;
  #connected = 0;
  #connecting = 0;
  #busy = 0;
  /** requests waiting because max_connections was reached */
  readonly #queue: PoolStream[] = [];
  #closed = false;

  constructor(
    readonly host: Host,
    private readonly opts: ConnPoolOptions,
  ) {
    this.pool = new Pool(host.origin, {
      // our accounting decides when a connection may open; undici's cap is only a backstop so a
      // request dispatched while its client is being released queues in undici instead of connecting
      connections: opts.resources.connections.max || null,
      pipelining: 1,
      connect: hostConnector(host, opts.connectTimeoutMs, opts.tls ?? null),
      // the router owns request timeouts (route `timeout`); undici's would fire first with other errors
      headersTimeout: 0,
      bodyTimeout: 300_000,
      keepAliveTimeout: 60_000,
      keepAliveMaxTimeout: 600_000,
    });
    this.pool.on("connect", this.#onConnect);
    this.pool.on("disconnect", this.#onDisconnect);
    this.pool.on("connectionError", this.#onConnectionError);
  }

  get busy() {
    return this.#busy;
  }
  get connected() {
    return this.#connected;
  }

  /** Entry point: attach, queue or reject one request. */
  newStream(s: PoolStream) {
    const { resources, stats } = this.opts;
    if (this.#connected + this.#connecting - this.#busy > 0) {
      // a ready connection: only max_requests applies
      if (!resources.requests.canCreate()) return this.#overflow(s);
      return this.#attach(s);
    }
    if (!resources.pendingRequests.canCreate()) return this.#overflow(s);
    s.pending = true;
    resources.pendingRequests.inc();
    stats.c.upstream_rq_pending_total.inc();
    stats.g.upstream_rq_pending_active.inc();
    if (this.#canOpenConnection()) {
      this.#openConnectionFor(s);
    } else {
      stats.c.upstream_cx_overflow.inc();
      this.#queue.push(s);
    }
  }

  /** Called by the stream once undici attached it to a socket (handler.onConnect). */
  attached(s: PoolStream) {
    if (s.pending) this.#leavePending(s);
  }

  /** The stream finished (completed, failed or aborted) after `dispatch`. */
  release() {
    this.#busy--;
    this.host.stats.rq_active--;
    this.opts.resources.requests.dec();
    this.opts.stats.g.upstream_rq_active.dec();
    // deferred to the next turn: undici fails a request before it emits the matching
    // connectionError/disconnect, and marks a client free again only after this callback returns;
    // dispatching now would make undici open a connection we did not account for
    if (this.#queue.length > 0 && !this.#drainScheduled) {
      this.#drainScheduled = true;
      setImmediate(this.#scheduledDrain);
    }
  }

  #drainScheduled = false;
  #scheduledDrain = () => {
    this.#drainScheduled = false;
    this.#drainQueue();
  };

  /** The stream gave up while queued (timeout, downstream reset). */
  cancel(s: PoolStream) {
    const i = this.#queue.indexOf(s);
    if (i >= 0) this.#queue.splice(i, 1);
    if (s.pending) this.#leavePending(s);
    this.opts.stats.c.upstream_rq_cancelled.inc();
  }

  dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
    if (this.opts.tls) opts = { ...opts, servername: TLS_DISPATCH_SERVERNAME } as Dispatcher.DispatchOptions;
    return this.pool.dispatch(opts, handler);
  }

  /** Stop taking requests and close idle connections once in-flight requests finish. */
  async close() {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of this.#queue.splice(0)) {
      this.#leavePending(s);
      s.onPoolOverflow();
    }
    await this.pool.close().catch(() => {});
  }

  destroy() {
    this.#closed = true;
    return this.pool.destroy().catch(() => {});
  }

  #overflow(s: PoolStream) {
    this.opts.stats.c.upstream_rq_pending_overflow.inc();
    s.onPoolOverflow();
  }

  #leavePending(s: PoolStream) {
    s.pending = false;
    this.opts.resources.pendingRequests.dec();
    this.opts.stats.g.upstream_rq_pending_active.dec();
  }

  #canOpenConnection() {
    // a host with no connection at all always gets one, so it can never be starved by the limit
    return this.opts.resources.connections.canCreate() || this.#connected + this.#connecting === 0;
  }

  #openConnectionFor(s: PoolStream) {
    this.#connecting++;
    this.opts.resources.connections.inc();
    this.#attach(s);
  }

  #attach(s: PoolStream) {
    this.#busy++;
    this.host.stats.rq_active++;
    this.host.stats.rq_total++;
    this.opts.resources.requests.inc();
    this.opts.stats.g.upstream_rq_active.inc();
    this.opts.stats.c.upstream_rq_total.inc();
    s.onPoolReady(this);
  }

  #drainQueue() {
    const q = this.#queue;
    while (q.length > 0) {
      if (this.#connected + this.#connecting - this.#busy > 0) {
        if (!this.opts.resources.requests.canCreate()) return;
        this.#attach(q.shift()!);
      } else if (this.#canOpenConnection()) {
        this.#openConnectionFor(q.shift()!);
      } else return;
    }
  }

  #onConnect = () => {
    if (this.#connecting > 0) this.#connecting--;
    else this.opts.resources.connections.inc(); // undici reopened an idle client on its own
    this.#connected++;
    this.host.stats.cx_total++;
    this.host.stats.cx_active++;
    this.opts.stats.c.upstream_cx_total.inc();
    this.opts.stats.g.upstream_cx_active.inc();
  };

  #onDisconnect = () => {
    this.#connected--;
    this.host.stats.cx_active--;
    this.opts.resources.connections.dec();
    this.opts.stats.g.upstream_cx_active.dec();
    this.#drainQueue();
  };

  #onConnectionError = (_origin: unknown, _targets: unknown, err: Error & { code?: string }) => {
    if (this.#connecting > 0) {
      this.#connecting--;
      this.opts.resources.connections.dec();
    }
    this.host.stats.cx_connect_fail++;
    this.opts.stats.c.upstream_cx_connect_fail.inc();
    if (err?.code === "UND_ERR_CONNECT_TIMEOUT") this.opts.stats.c.upstream_cx_connect_timeout.inc();
    this.#drainQueue();
  };
}
