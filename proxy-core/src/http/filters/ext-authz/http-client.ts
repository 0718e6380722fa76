// The HTTP authorization service client (Envoy's RawHttpClientImpl, ext_authz_http_impl.cc): one request per
// check to `server_uri.cluster`, sent the way Envoy's async client sends it, through the cluster itself: a host
// from its load balancer, a connection from that host's pool, so the cluster's circuit breakers, connect
// timeout, upstream TLS, outlier detection and stats apply. `server_uri.timeout` bounds the whole exchange.
// Any failure (no cluster, no healthy host, overflow, connect failure, reset, timeout) is an error answer.
import { performance } from "node:perf_hooks";
import { NO_LB_CONTEXT } from "../../../lb/load-balancer";
import type { ConnPool, PoolStream } from "../../../pool/conn-pool";
import type { PoolConnection } from "../../../pool/pool-connection";
import type { Cluster } from "../../../upstream/cluster";
import type { ClusterManager } from "../../../upstream/cluster-manager";
import type { Host } from "../../../upstream/host";
import { errorResponse, fromHttpResponse, type AuthzResponse, type HeaderPair, type HttpResponseMatchers } from "./authz-response";
import type { AuthzCall } from "./grpc-client";

export interface HttpCheckRequest {
  method: string;
  path: string;
  headers: string[];
  body: Buffer | null;
}

export interface HttpServiceClient {
  readonly clusterName: string;
  readonly timeoutMs: number;
  readonly matchers: HttpResponseMatchers;
}

/** Sends one check; `done` is called exactly once unless the call is cancelled first. */
export function httpCheck(client: HttpServiceClient, clusters: ClusterManager, req: HttpCheckRequest, done: (r: AuthzResponse) => void): AuthzCall {
  const cluster = clusters.get(client.clusterName);
  // the cluster may have gone with a config update (Envoy: "ext_authz cluster does not exist" → error)
  if (cluster === undefined) return answerSoon(done);
  const host = cluster.lb.chooseHost(NO_LB_CONTEXT);
  if (host === null) {
    cluster.stats.c.upstream_cx_none_healthy.inc();
    return answerSoon(done);
  }
  const call = new HttpAuthzRequest(client, cluster, host, cluster.poolFor(host), req, done);
  call.start();
  return call;
}

/** An error answer on the next tick: the filter always hears back after it stopped iteration. */
function answerSoon(done: (r: AuthzResponse) => void): AuthzCall {
  let cancelled = false;
  queueMicrotask(() => {
    if (!cancelled) done(errorResponse());
  });
  return { cancel: () => void (cancelled = true) };
}

class HttpAuthzRequest implements PoolStream, AuthzCall {
  #conn: PoolConnection | null = null;
  #abort: ((err?: Error) => void) | null = null;
  #timer: NodeJS.Timeout | null = null;
  #status = 0;
  #headers: HeaderPair[] = [];
  #chunks: Buffer[] = [];
  #startMs = 0;
  #finished = false;

  constructor(
    readonly client: HttpServiceClient,
    readonly cluster: Cluster,
    readonly host: Host,
    readonly pool: ConnPool,
    readonly req: HttpCheckRequest,
    readonly done: (r: AuthzResponse) => void,
  ) {}

  start() {
    this.#startMs = performance.now();
    if (this.client.timeoutMs > 0) this.#timer = setTimeout(onTimeout, this.client.timeoutMs, this);
    this.pool.newStream(this);
  }

  /** The downstream request went away: drop the call without an answer. */
  cancel() {
    if (this.#finished) return;
    this.#finished = true;
    this.#stop(new Error("ext_authz check cancelled"));
  }

  timeout() {
    this.#timer = null;
    if (this.#finished) return;
    this.cluster.stats.c.upstream_rq_timeout.inc();
    this.#finish(errorResponse());
    this.#stop(new Error("ext_authz check timed out"));
  }

  // ---- pool callbacks

  onPoolReady(conn: PoolConnection) {
    this.#conn = conn;
    const r = this.req;
    conn.dispatch({ method: r.method, path: r.path, headers: r.headers, body: r.body }, this);
  }

  onPoolOverflow() {
    this.#finish(errorResponse());
  }

  onPoolFailure() {
    this.cluster.reportResult(this.host, 0);
    this.#finish(errorResponse());
  }

  // ---- undici handler (the legacy callback API, as the router's UpstreamRequest uses it)

  onConnect(abort: (err?: Error) => void) {
    this.#abort = abort;
    if (this.#finished) abort(new Error("ext_authz check cancelled"));
  }

  onHeaders(status: number, raw: Buffer[]): boolean {
    if (status < 200) return true;
    this.#status = status;
    for (let i = 0; i + 1 < raw.length; i += 2) this.#headers.push([raw[i].toString("latin1").toLowerCase(), raw[i + 1].toString("latin1")]);
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.#chunks.push(chunk);
    return true;
  }

  onComplete() {
    this.#release();
    if (this.#finished) return;
    const status = this.#status;
    const stats = this.cluster.stats;
    stats.chargeResponse(status);
    stats.upstream_rq_time.recordMs(performance.now() - this.#startMs);
    this.cluster.reportResult(this.host, status);
    this.#finish(fromHttpResponse(status, this.#headers, Buffer.concat(this.#chunks), this.client.matchers));
  }

  onError() {
    this.#release();
    if (this.#finished) return;
    this.cluster.reportResult(this.host, 0);
    this.#finish(errorResponse());
  }

  onUpgrade() {
    this.onError();
  }

  #finish(r: AuthzResponse) {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.done(r);
  }

  /** Stops the exchange wherever it is: pending in the pool, dispatched, or answering. */
  #stop(err: Error) {
    if (this.#timer !== null) clearTimeout(this.#timer);
    if (this.#abort !== null) this.#abort(err);
    else if (this.#conn === null) this.pool.cancel(this);
    // dispatched but not yet connected: onConnect sees #finished and aborts
  }

  #release() {
    const conn = this.#conn;
    if (conn !== null) {
      this.#conn = null;
      conn.done();
    }
  }
}

function onTimeout(r: HttpAuthzRequest) {
  r.timeout();
}
