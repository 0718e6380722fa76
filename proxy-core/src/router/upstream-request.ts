// One attempt of a routed request (Envoy's UpstreamRequest): a connection-pool stream and its own undici
// dispatch handler (the low-level callback API, no stream wrappers). It owns the per-try timer and reports
// every event to its RouterRequest, which decides between forwarding, retrying and replying locally.
// Once the router is done with it (`cancel()`), later undici events only release the pool slot.
import type { Dispatcher } from "undici";
import { performance } from "node:perf_hooks";
import type { ConnPool, PoolStream } from "../pool/conn-pool";
import type { PoolConnection } from "../pool/pool-connection";
import type { Host } from "../upstream/host";
import type { RouterRequest } from "./router-request";

export class UpstreamRequest implements PoolStream, Dispatcher.DispatchHandler {
  /** the request was written to a connection: failures from now on are not connect failures */
  attached = false;
  /** response headers arrived (the router may or may not have forwarded them) */
  headersReceived = false;
  dispatchMs = 0;
  /** the connection the pool attached this attempt to, until the attempt ends */
  #conn: PoolConnection | null = null;
  #abort: ((err?: Error) => void) | null = null;
  #resume: (() => void) | null = null;
  #perTryTimer: NodeJS.Timeout | null = null;
  #detached = false;

  constructor(
    readonly router: RouterRequest,
    readonly host: Host,
    readonly pool: ConnPool,
  ) {}

  start() {
    this.pool.newStream(this);
  }

  /** Envoy starts the per-try timer once the request is complete and the stream has a connection. */
  startPerTryTimer(ms: number) {
    if (ms > 0 && this.#perTryTimer === null && !this.#detached && this.#conn !== null) this.#perTryTimer = setTimeout(onPerTryTimeout, ms, this);
  }

  clearPerTryTimer() {
    if (this.#perTryTimer !== null) {
      clearTimeout(this.#perTryTimer);
      this.#perTryTimer = null;
    }
  }

  /** The router no longer wants this attempt (retry, timeout, downstream gone): stop work upstream. */
  cancel() {
    if (this.#detached) return;
    this.#detached = true;
    this.clearPerTryTimer();
    if (this.#abort !== null) this.#abort(new Error("upstream request cancelled by the router"));
    else if (this.#conn === null) this.pool.cancel(this);
    // dispatched but not yet written: onConnect sees #detached and aborts
  }

  resume() {
    this.#resume?.();
  }

  // ---- pool callbacks

  onPoolReady(conn: PoolConnection) {
    this.#conn = conn;
    // the connection's addresses, for access logs (%UPSTREAM_LOCAL_ADDRESS%)
    this.router.stream.upstreamSocket = conn.socket;
    // Envoy counts the route's upstream_rq_total where the pool counts the cluster's: on attach
    const routeStats = this.router.route.stats;
    if (routeStats !== null) routeStats.upstream_rq_total.inc();
    // and the virtual cluster's (UpstreamRequest::onPoolReady charges requestVcluster() alike)
    const vcluster = this.router.vcluster;
    if (vcluster !== null) vcluster.stats.upstream_rq_total.inc();
    this.dispatchMs = performance.now();
    conn.dispatch(this.router.dispatchOptions(), this);
    this.router.onAttemptDispatched(this);
  }

  onPoolOverflow() {
    if (!this.#detached) this.router.onAttemptOverflow(this);
  }

  onPoolFailure(err: Error & { code?: string }) {
    this.clearPerTryTimer();
    if (this.#detached) return;
    this.#detached = true;
    this.router.onAttemptReset(this, err);
  }

  // ---- undici handler (legacy callback API: raw header buffers, no per-request parsing objects)

  onConnect(abort: (err?: Error) => void) {
    this.attached = true;
    this.#abort = abort;
    if (this.#detached) abort(new Error("upstream request cancelled by the router"));
  }

  onHeaders(status: number, raw: Buffer[], resume: () => void): boolean {
    if (status < 200) return true; // 1xx informational: not forwarded
    if (this.#detached) return true;
    this.headersReceived = true;
    this.#resume = resume;
    return this.router.onAttemptHeaders(this, status, raw);
  }

  onData(chunk: Buffer): boolean {
    if (this.#detached) return true;
    return this.router.onAttemptData(chunk);
  }

  onComplete() {
    this.clearPerTryTimer();
    this.#release();
    if (!this.#detached) {
      this.#detached = true;
      this.router.onAttemptComplete(this);
    }
  }

  onError(err: Error & { code?: string }) {
    this.clearPerTryTimer();
    this.#release();
    if (this.#detached) return;
    this.#detached = true;
    this.router.onAttemptReset(this, err);
  }

  perTryTimeout() {
    this.#perTryTimer = null;
    if (!this.#detached) this.router.onAttemptPerTryTimeout(this);
  }

  #release() {
    const conn = this.#conn;
    if (conn !== null) {
      this.#conn = null;
      conn.done();
    }
  }
}

function onPerTryTimeout(up: UpstreamRequest) {
  up.perTryTimeout();
}
