// One request forwarded upstream. It is its own undici dispatch handler (the low-level callback API, no
// stream wrappers): the response is written to the downstream as it arrives, with backpressure through
// undici's pause/resume, and the request body is streamed from the IncomingMessage.
import type { Dispatcher } from "undici";
import { performance } from "node:perf_hooks";
import type { Stream } from "../http/stream";
import type { ConnPool, PoolStream } from "../pool/conn-pool";
import type { Cluster } from "../upstream/cluster";
import type { Host } from "../upstream/host";
import { LocalBodies, resetReply, sendLocalReply } from "./local-reply";

// response headers that are per hop, and `server`, which Envoy overwrites
const SKIP_RESPONSE = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "server"]);

const kUp = Symbol("signalbox.upstream");

export class UpstreamRequest implements PoolStream, Dispatcher.DispatchHandler {
  pending = false;
  #pool: ConnPool | null = null;
  #dispatched = false;
  #attached = false;
  #abort: ((err?: Error) => void) | null = null;
  #resume: (() => void) | null = null;
  #timer: NodeJS.Timeout | null = null;
  /** a reply (local or upstream) was decided; later events are only cleanup */
  #done = false;
  #dispatchMs = 0;

  constructor(
    readonly stream: Stream,
    readonly cluster: Cluster,
    readonly host: Host,
    readonly timeoutMs: number,
  ) {}

  start() {
    if (!Number.isNaN(this.stream.requestCompleteMs)) this.onRequestComplete();
    this.cluster.poolFor(this.host).newStream(this);
  }

  /** The downstream request was fully received: the route timeout starts now (Envoy). */
  onRequestComplete() {
    if (this.timeoutMs > 0 && this.#timer === null && !this.#done) {
      this.#timer = setTimeout(onTimeout, this.timeoutMs, this);
    }
  }

  // ---- pool callbacks

  onPoolReady(pool: ConnPool) {
    this.#pool = pool;
    this.#dispatched = true;
    this.#dispatchMs = performance.now();
    const s = this.stream;
    pool.dispatch({ path: s.req.url ?? "/", method: s.req.method ?? "GET", headers: s.headers, body: s.hasBody ? s.req : null }, this);
  }

  onPoolOverflow() {
    if (this.#done) return;
    this.#finishLocal(503, LocalBodies.overflow, true);
  }

  // ---- undici handler (legacy callback API: raw header buffers, no per-request parsing objects)

  onConnect(abort: (err?: Error) => void) {
    this.#attached = true;
    this.#abort = abort;
    if (this.pending) this.#pool!.attached(this);
    if (this.#done) abort(new Error("request finished before it was sent"));
  }

  onHeaders(status: number, raw: Buffer[], resume: () => void): boolean {
    if (status < 200) return true; // 1xx informational: not forwarded
    if (this.#done) return true;
    this.#done = true;
    this.#clearTimer();
    this.#resume = resume;
    const s = this.stream;
    const out: string[] = [];
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i].toString("latin1");
      if (SKIP_RESPONSE.has(name.toLowerCase())) continue;
      out.push(name, raw[i + 1].toString("latin1"));
    }
    out.push("server", s.hcm.serverName);
    // Envoy sets it only once the whole downstream request had been received
    if (!Number.isNaN(s.requestCompleteMs)) out.push("x-envoy-upstream-service-time", String(Math.round(performance.now() - s.requestCompleteMs)));
    this.cluster.stats.chargeResponse(status);
    if (status >= 500) this.host.stats.rq_error++;
    else this.host.stats.rq_success++;
    const res = s.res;
    if (res.destroyed) return false;
    res.writeHead(status, out);
    return true;
  }

  onData(chunk: Buffer): boolean {
    const res = this.stream.res;
    if (res.destroyed) return true;
    if (res.write(chunk)) return true;
    (res as typeof res & { [kUp]?: UpstreamRequest })[kUp] = this;
    res.once("drain", onDrain);
    return false;
  }

  onComplete() {
    this.stream.res.end();
    this.cluster.stats.upstream_rq_time.recordMs(performance.now() - this.#dispatchMs);
    this.#release();
  }

  onError(err: Error & { code?: string }) {
    if (this.pending) this.#pool!.attached(this);
    this.#release();
    this.#clearTimer();
    const res = this.stream.res;
    if (this.#done) {
      // reply already decided (timeout, downstream gone) or the response had started: reset downstream
      if (res.headersSent && !res.writableFinished) res.destroy();
      return;
    }
    if (this.#attached && !this.stream.res.headersSent) this.host.stats.rq_error++;
    const { status, body } = resetReply(err, this.#attached);
    if (status === 503 && body.includes("connection termination")) this.cluster.stats.c.upstream_cx_destroy_remote_with_active_rq.inc();
    this.#finishLocal(status, body, false);
  }

  // ---- downstream side

  /** The downstream closed before the response finished: stop work upstream. */
  onDownstreamReset() {
    const wasDone = this.#done;
    this.#done = true;
    this.#clearTimer();
    if (this.#abort) this.#abort(new Error("downstream reset"));
    else if (!this.#dispatched && this.#pool === null) {
      // still queued in the pool for a connection
      const pool = this.cluster.poolFor(this.host);
      if (!wasDone) pool.cancel(this);
    }
  }

  resumeUpstream() {
    this.#resume?.();
  }

  timeout() {
    if (this.#done) return;
    this.cluster.stats.c.upstream_rq_timeout.inc();
    this.host.stats.rq_timeout++;
    this.#finishLocal(504, LocalBodies.timeout, false);
    if (this.#abort) this.#abort(new Error("upstream request timeout"));
    else if (!this.#dispatched) this.cluster.poolFor(this.host).cancel(this);
    // dispatched but not yet on a socket: onConnect sees #done and aborts
  }

  #finishLocal(status: number, body: string, overloaded: boolean) {
    this.#done = true;
    this.#clearTimer();
    this.cluster.stats.chargeResponse(status);
    sendLocalReply(this.stream.res, this.stream.hcm.serverName, status, body, overloaded);
  }

  #clearTimer() {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
  }

  #release() {
    if (this.#dispatched) {
      this.#dispatched = false;
      this.#pool!.release();
    }
  }
}

function onTimeout(up: UpstreamRequest) {
  up.timeout();
}

function onDrain(this: { [kUp]?: UpstreamRequest }) {
  this[kUp]?.resumeUpstream();
}
