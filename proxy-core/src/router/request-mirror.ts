// request_mirror_policies (route_components.proto `RouteAction.RequestMirrorPolicy`; source/common/router/router.cc
// shadowing and shadow_writer_impl.cc): a fire-and-forget copy of a routed request to another cluster. The most
// specific level with policies wins (route, else virtual host, else route configuration). Per request each policy
// asks the runtime (`featureEnabled(runtime_key, default_value)`, 100 % without a runtime_fraction); the copy has the
// upstream request's headers with the host suffixed `-shadow` (before a port: `api-shadow:8080`), goes through the
// shadow cluster's load balancer and pool, counts that cluster's upstream_rq_* stats, and its response is read and
// dropped. Nothing about it reaches the downstream response. A shadow to an unknown cluster (a cluster_header naming
// none) is skipped, as ShadowWriterImpl skips it. The body is sent once complete: the router buffers it up to the
// cluster's buffer limit, past which the shadows are abandoned (`retry_or_shadow_abandoned`).
import type { Dispatcher } from "undici";
import { performance } from "node:perf_hooks";
import type { RequestMirrorPolicy } from "../config/schema";
import type { PoolStream } from "../pool/conn-pool";
import type { PoolConnection } from "../pool/pool-connection";
import { NO_LB_CONTEXT } from "../lb/load-balancer";
import { fraction, type Fraction } from "../runtime/runtime";
import type { Cluster } from "../upstream/cluster";
import type { ClusterManager } from "../upstream/cluster-manager";
import type { Host } from "../upstream/host";

export interface MirrorPolicy {
  readonly cluster: string | null;
  /** lower-cased request header naming the cluster (its first value) */
  readonly clusterHeader: string | null;
  readonly runtimeKey: string;
  readonly fraction: Fraction;
  /** trace_sampled; null: the shadow keeps the request's sampling decision */
  readonly traceSampled: boolean | null;
  readonly hostSuffix: boolean;
  readonly hostRewrite: string | null;
}

const ALWAYS: Fraction = { numerator: 100, denominator: 100 };

export function compileMirrorPolicies(list: readonly RequestMirrorPolicy[] | undefined): readonly MirrorPolicy[] | null {
  if (!list?.length) return null;
  return list.map((p) => ({
    cluster: p.cluster ?? null,
    clusterHeader: p.cluster_header?.toLowerCase() ?? null,
    runtimeKey: p.runtime_fraction?.runtime_key ?? "",
    fraction: p.runtime_fraction ? fraction(p.runtime_fraction.default_value) : ALWAYS,
    traceSampled: p.trace_sampled ?? null,
    // host_rewrite_literal implies disable_shadow_host_suffix_append (route_components.proto)
    hostSuffix: !(p.disable_shadow_host_suffix_append ?? false) && p.host_rewrite_literal === undefined,
    hostRewrite: p.host_rewrite_literal ?? null,
  }));
}

/** One copy to send: its cluster and its request headers. */
export interface Shadow {
  readonly cluster: Cluster;
  readonly headers: string[];
}

function firstValue(headers: readonly string[], lowerName: string): string | null {
  for (let i = 0; i < headers.length; i += 2) if (headers[i].length === lowerName.length && headers[i].toLowerCase() === lowerName) return headers[i + 1];
  return null;
}

/** ShadowWriterImpl's shadowAppendedHost: `-shadow` before the port, if there is one (HeaderUtility::getPortStart). */
export function shadowHost(host: string): string {
  const colon = host.lastIndexOf(":");
  const v6End = host.lastIndexOf("]");
  if (colon < 0 || (v6End >= 0 && v6End > colon)) return `${host}-shadow`;
  return `${host.slice(0, colon)}-shadow${host.slice(colon)}`;
}

/** The sampling flag of the propagated trace context, for a policy's explicit trace_sampled. */
function setSampled(h: string[], sampled: boolean) {
  for (let i = 0; i < h.length; i += 2) {
    const n = h[i].toLowerCase();
    if (n === "x-b3-sampled") h[i + 1] = sampled ? "1" : "0";
    else if (n === "traceparent" && h[i + 1].length >= 2) h[i + 1] = h[i + 1].slice(0, -2) + (sampled ? "01" : "00");
    else if (n === "b3") {
      const parts = h[i + 1].split("-");
      if (parts.length >= 3) h[i + 1] = [...parts.slice(0, 2), sampled ? "1" : "0", ...parts.slice(3)].join("-");
    }
  }
}

/**
 * The shadows of one request (Envoy's FilterUtility::shouldShadow per policy, one random value for all of them),
 * from the upstream request headers; null when there are none.
 */
export function selectShadows(policies: readonly MirrorPolicy[], clusters: ClusterManager, headers: readonly string[], traced: boolean): Shadow[] | null {
  const runtime = clusters.runtime;
  const random = runtime.random();
  let out: Shadow[] | null = null;
  for (const p of policies) {
    if (!runtime.featureEnabled(p.runtimeKey, p.fraction, random)) continue;
    const name = p.cluster ?? firstValue(headers, p.clusterHeader!);
    const cluster = name === null ? undefined : clusters.get(name);
    if (cluster === undefined) continue;
    const copy = headers.slice();
    let host = -1;
    for (let i = 0; i < copy.length; i += 2) if (copy[i].length === 4 && copy[i].toLowerCase() === "host") host = i + 1;
    if (p.hostRewrite !== null) {
      if (host < 0) copy.push("host", p.hostRewrite);
      else copy[host] = p.hostRewrite;
    } else if (p.hostSuffix && host >= 0 && copy[host] !== "") copy[host] = shadowHost(copy[host]);
    if (traced && p.traceSampled !== null) setSampled(copy, p.traceSampled);
    (out ??= []).push({ cluster, headers: copy });
  }
  return out;
}

/** Sends every shadow; never throws, never reports back. `timeoutMs` is the route's global timeout (0: none). */
export function sendShadows(shadows: readonly Shadow[], method: string, path: string, body: Buffer | null, timeoutMs: number) {
  for (const sh of shadows) {
    const host = sh.cluster.lb.chooseHost(NO_LB_CONTEXT);
    if (host === null) {
      // what the shadow's own router would answer: 503 no healthy upstream
      sh.cluster.stats.c.upstream_cx_none_healthy.inc();
      sh.cluster.stats.chargeResponse(503);
      continue;
    }
    new ShadowRequest(sh.cluster, host, { path, method, headers: sh.headers, body }, timeoutMs).start();
  }
}

/** One shadow request on the cluster's pool: counted like a routed request, its response discarded. */
class ShadowRequest implements PoolStream {
  #conn: PoolConnection | null = null;
  #abort: ((err?: Error) => void) | null = null;
  #timer: NodeJS.Timeout | null = null;
  #status = 0;
  #dispatchMs = 0;
  #done = false;

  constructor(
    readonly cluster: Cluster,
    readonly host: Host,
    readonly options: Dispatcher.DispatchOptions,
    timeoutMs: number,
  ) {
    if (timeoutMs > 0) this.#timer = setTimeout(onShadowTimeout, timeoutMs, this);
  }

  start() {
    this.cluster.poolFor(this.host).newStream(this);
  }

  onPoolReady(conn: PoolConnection) {
    this.#conn = conn;
    this.#dispatchMs = performance.now();
    conn.dispatch(this.options, this);
  }

  onPoolOverflow() {
    this.#fail(503);
  }

  onPoolFailure() {
    this.cluster.reportResult(this.host, 0);
    this.#fail(503);
  }

  onConnect(abort: (err?: Error) => void) {
    this.#abort = abort;
    if (this.#done) abort(new Error("shadow request timed out"));
  }

  onHeaders(status: number): boolean {
    if (status < 200 || this.#done) return true;
    this.#status = status;
    this.cluster.reportResult(this.host, status);
    this.cluster.stats.chargeResponse(status);
    if (status >= 500) this.host.stats.rq_error++;
    else this.host.stats.rq_success++;
    return true;
  }

  onData(): boolean {
    return true;
  }

  onComplete() {
    this.#release();
    if (this.#done) return;
    this.#finish();
    this.cluster.stats.upstream_rq_time.recordMs(performance.now() - this.#dispatchMs);
  }

  onError() {
    this.#release();
    if (this.#done) return;
    if (this.#status === 0) {
      this.cluster.reportResult(this.host, 0);
      this.host.stats.rq_error++;
      this.#fail(503);
    } else this.#finish();
  }

  timeout() {
    this.#timer = null;
    if (this.#done) return;
    this.host.stats.rq_timeout++;
    this.cluster.stats.c.upstream_rq_timeout.inc();
    this.#fail(504);
    if (this.#abort !== null) this.#abort(new Error("shadow request timed out"));
    else if (this.#conn === null) this.cluster.poolFor(this.host).cancel(this);
  }

  /** What the shadow's own router would have answered, charged to the shadow cluster (headers never came). */
  #fail(status: number) {
    if (this.#done) return;
    this.#finish();
    if (this.#status === 0) this.cluster.stats.chargeResponse(status);
  }

  #finish() {
    this.#done = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #release() {
    const conn = this.#conn;
    if (conn !== null) {
      this.#conn = null;
      conn.done();
    }
  }
}

function onShadowTimeout(r: ShadowRequest) {
  r.timeout();
}
