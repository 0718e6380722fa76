// A WebSocket (HTTP/1.1 Upgrade) request forwarded upstream. Envoy proxies upgrades on HCMs with
// `upgrade_configs: [{upgrade_type: websocket}]` through the same router as every other request: the route's rewrites
// and header mutations apply, and the request takes a connection from the cluster's pool, so TLS,
// `connect_timeout` and the circuit breakers apply too (router.cc, `UpstreamRequest` with an upgrade). undici
// writes the upgrade request on that connection; on 101 the socket leaves HTTP and bytes flow both ways with
// backpressure until either side closes, the request slot held all along (`upstream_rq_active`). Any other
// status is relayed as a normal response, and the downstream connection then closes.
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import type { Dispatcher } from "undici";
import type { Stream } from "../http/stream";
import type { PoolStream } from "../pool/conn-pool";
import type { PoolConnection } from "../pool/pool-connection";
import type { Cluster } from "../upstream/cluster";
import type { Host } from "../upstream/host";
import { applyMutations, type FormatContext, type HeaderMutation } from "./header-mutation";
import { LocalBodies, resetDetails, resetReply, sendLocalReply } from "./local-reply";
import { ResponseFlag } from "../http/response-flags";

// per-hop response headers node frames itself, and `server`, which Envoy overwrites
const SKIP_RESPONSE = new Set(["keep-alive", "proxy-connection", "server", "transfer-encoding"]);

export interface UpgradeInit {
  cluster: Cluster;
  host: Host;
  /** upstream request headers, finalised (rewrites, mutations); undici adds `connection`/`upgrade` */
  headers: string[];
  path: string;
  /** response mutations, innermost first; null when the route has none */
  responseMutations: readonly (HeaderMutation | null)[] | null;
  format: FormatContext;
}

export class UpgradeRequest implements PoolStream, Dispatcher.DispatchHandler {
  #conn: PoolConnection | null = null;
  #abort: ((err?: Error) => void) | null = null;
  #upstream: Socket | null = null;
  /** the request was written upstream */
  #attached = false;
  /** response head sent downstream (relayed or local) */
  #responded = false;
  #closed = false;

  constructor(
    readonly stream: Stream,
    readonly init: UpgradeInit,
  ) {}

  start() {
    const s = this.stream;
    s.upstreamHost = this.init.host;
    s.attempts = 1;
    const down = s.upgrade!.socket;
    down.on("error", () => this.#close());
    down.once("close", () => this.#close());
    // Envoy's stream idle timeout applies to the upgraded stream too
    if (s.hcm.timeouts.streamIdleMs > 0) {
      down.setTimeout(s.hcm.timeouts.streamIdleMs);
      down.once("timeout", () => {
        s.hcm.stats.c.downstream_rq_idle_timeout.inc();
        this.#close();
      });
    }
    this.init.cluster.poolFor(this.init.host).newStream(this);
  }

  // ---- pool callbacks

  onPoolReady(conn: PoolConnection) {
    this.#conn = conn;
    const s = this.stream;
    s.upstreamSocket = conn.socket;
    conn.dispatch({ path: this.init.path, method: s.req.method ?? "GET", headers: this.init.headers, upgrade: s.req.headers.upgrade ?? "websocket" }, this);
  }

  onPoolOverflow() {
    if (this.#closed) return;
    this.stream.responseFlags |= ResponseFlag.UpstreamOverflow;
    this.stream.details = "upstream_reset_before_response_started{overflow}";
    this.#localReply(503, LocalBodies.overflow, true);
  }

  onPoolFailure(err: Error & { code?: string }) {
    this.#fail(err);
  }

  // ---- undici handler (legacy callback API)

  onConnect(abort: (err?: Error) => void) {
    this.#abort = abort;
    this.#attached = true;
    if (this.#closed) abort(new Error("downstream closed"));
  }

  onUpgrade(status: number, raw: Buffer[] | string[] | null, upstream: Socket) {
    // the pool releases the request slot and the connection when this socket closes
    this.#conn?.upgraded();
    this.#conn = null;
    this.#upstream = upstream;
    upstream.on("error", () => this.#close());
    if (this.#closed) return void upstream.destroy();
    const s = this.stream;
    const down = s.upgrade!.socket;
    this.#writeHead(status, raw ?? []);
    s.res.end();
    s.hcm.stats.c.downstream_cx_upgrades_total.inc();
    s.hcm.stats.g.downstream_cx_upgrades_active.inc();
    down.once("close", () => s.hcm.stats.g.downstream_cx_upgrades_active.dec());
    // frames the client sent right behind its request head go first
    if (s.upgrade!.head.length > 0) upstream.write(s.upgrade!.head);
    upstream.pipe(down);
    down.pipe(upstream);
    upstream.once("close", () => this.#close());
    down.resume();
  }

  /** A refused upgrade (any status but 101): relayed like any response. */
  onHeaders(status: number, raw: Buffer[]): boolean {
    if (status < 200 || this.#closed) return true;
    this.#writeHead(status, raw);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#closed) return true;
    this.stream.writeBody(chunk);
    return true;
  }

  onComplete() {
    this.#release();
    this.stream.endBody();
    this.stream.res.once("finish", () => this.stream.upgrade!.socket.end());
  }

  onError(err: Error & { code?: string }) {
    this.#release();
    if (this.#responded) return this.#close();
    this.#fail(err);
  }

  // ---- internals

  #writeHead(status: number, raw: readonly (Buffer | string)[]) {
    this.#responded = true;
    const { cluster, host } = this.init;
    cluster.stats.chargeResponse(status);
    if (status < 400) host.stats.rq_success++;
    else host.stats.rq_error++;
    const out: string[] = [];
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i].toString();
      if (SKIP_RESPONSE.has(name.toLowerCase())) continue;
      out.push(name, raw[i + 1].toString());
    }
    out.push("server", this.stream.hcm.serverName);
    if (this.init.responseMutations !== null) applyMutations(this.init.responseMutations, out, this.init.format);
    const s = this.stream;
    s.upstreamResponseMs = performance.now();
    s.details = "via_upstream";
    s.writeHead(status, out);
  }

  #release() {
    const conn = this.#conn;
    if (conn !== null) {
      this.#conn = null;
      conn.done();
    }
  }

  #fail(err: Error & { code?: string }) {
    if (this.#closed || this.#responded) return this.#close();
    this.init.host.stats.rq_error++;
    const r = resetReply(err, this.#attached);
    const s = this.stream;
    s.responseFlags |= r.flag;
    s.details = resetDetails(r, false);
    s.transportFailure = r.transportFailure;
    this.#localReply(r.status, r.body || LocalBodies.connectionTermination, false);
  }

  #localReply(status: number, body: string, overloaded: boolean) {
    this.#responded = true;
    this.init.cluster.stats.chargeResponse(status);
    const s = this.stream;
    s.res.shouldKeepAlive = false;
    const mutations = this.init.responseMutations !== null ? { levels: this.init.responseMutations, format: this.init.format } : null;
    sendLocalReply(s.res, s.hcm.serverName, status, body, overloaded, null, mutations);
    s.res.once("finish", () => s.upgrade!.socket.end());
  }

  #close() {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#upstream !== null) this.#upstream.destroy();
    else if (this.#abort !== null) this.#abort(new Error("downstream closed"));
    else if (this.#conn === null) this.init.cluster.poolFor(this.init.host).cancel(this);
    const down = this.stream.upgrade!.socket;
    if (!down.destroyed) down.destroy();
  }
}
