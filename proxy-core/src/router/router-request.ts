// A routed request on its way upstream (the per-request half of Envoy's router filter, router.cc): it
// finalises the upstream headers, owns the global route timeout, the retry state with its back-off timer
// and the replayable request body, and creates one UpstreamRequest per attempt. Only the attempt's
// outcome reaches the downstream: the forwarded response, or one of Envoy's local replies (router.cc).
// Timers use module-level callbacks with `this` passed as an argument: no closures per request.
import type { Dispatcher } from "undici";
import { PassThrough } from "node:stream";
import { performance } from "node:perf_hooks";
import type { Stream, StreamReq } from "../http/stream";
import { kStream } from "../http/stream";
import { onStreamIdle } from "../http/stream-idle";
import { ResponseFlag } from "../http/response-flags";
import type { LbContext } from "../lb/load-balancer";
import type { Cluster } from "../upstream/cluster";
import type { Host } from "../upstream/host";
import { applyMutations } from "./header-mutation";
import { LocalBodies, RESET_PREFIX, RETRIED_RESET_PREFIX, resetDetails, resetReply, sendLocalReply } from "./local-reply";
import type { CompiledRoute } from "./route-compile";
import { Decision, RetryState, parseRetryOn } from "./retry-state";
import { routerStatsFor, type RouterClusterStats } from "./router-stats";
import { UpstreamRequest } from "./upstream-request";
import { forwardedResponseHeaders, hasHeader } from "./response-head";
import { sendShadows, type Shadow } from "./request-mirror";
import type { VirtualCluster } from "./virtual-clusters";
import { DEFAULT_BUFFER_LIMIT, type RouterRequestInit } from "./router-request-init";

export class RouterRequest {
  readonly route: CompiledRoute;
  readonly cluster: Cluster;
  readonly stats: RouterClusterStats;
  readonly vcluster: VirtualCluster | null;
  readonly #init: RouterRequestInit;
  #shadows: Shadow[] | null;
  #attempt: UpstreamRequest | null = null;
  #retry: RetryState | null = null;
  #excluded: Set<Host> | null = null;
  #timeoutMs: number;
  #perTryMs: number;
  #globalTimer: NodeJS.Timeout | null = null;
  #backoffTimer: NodeJS.Timeout | null = null;
  /** response headers were written downstream: no more retries or local replies */
  #responseStarted = false;
  #done = false;
  /** dispatch body: null (none), the IncomingMessage (streamed), a Buffer (replayable) or a PassThrough */
  #body: Buffer | NodeJS.ReadableStream | null = null;
  #chunks: Buffer[] | null = null;
  #buffered = 0;
  #bufferLimit = 0;

  constructor(
    readonly stream: Stream,
    init: RouterRequestInit,
  ) {
    this.#init = init;
    this.route = init.route;
    this.cluster = init.cluster;
    this.stats = routerStatsFor(init.cluster);
    this.vcluster = init.vcluster ?? null;
    this.#shadows = init.shadows ?? null;
    const policy = init.route.retryPolicy;
    const retryOn = policy.retryOn | (init.envoy.retryOn !== null ? parseRetryOn(init.envoy.retryOn) : 0);
    if (retryOn !== 0) this.#retry = new RetryState(policy, retryOn, init.envoy.maxRetries ?? policy.numRetries, init.cluster, this.stats, init.route.stats, this.vcluster?.stats ?? null);
    this.#timeoutMs = init.envoy.timeoutMs ?? init.route.timeoutMs;
    let perTry = init.envoy.perTryTimeoutMs ?? policy.perTryTimeoutMs;
    // Envoy ignores a per-try timeout that would not fire before the global one
    if (this.#timeoutMs > 0 && perTry >= this.#timeoutMs) perTry = 0;
    this.#perTryMs = perTry;
  }

  start() {
    const s = this.stream;
    s.upstream = this;
    const idle = this.route.idleTimeoutMs;
    if (idle !== null) {
      // the route's idle_timeout replaces the HCM stream_idle_timeout for this stream; with HTTP/1.1 the
      // connection carries one stream at a time, so the socket's inactivity timer is the stream's
      if (idle > 0 && s.res.listenerCount("timeout") === 0) s.res.on("timeout", onStreamIdle); // route idle_timeout with the HCM idle timer off
      s.req.socket.setTimeout(idle);
    }
    if (s.bufferedBody !== null) {
      // a filter read the whole body already (buffer, ext_authz with_request_body): replayable as it is
      this.#body = s.bufferedBody;
    } else if (s.hasBody) {
      if ((this.#retry !== null || this.#shadows !== null) && Number.isNaN(s.requestCompleteMs)) {
        // retries and shadows need the body again: buffer it (up to the cluster's limit) before the first attempt
        this.#bufferLimit = this.cluster.config.per_connection_buffer_limit_bytes ?? DEFAULT_BUFFER_LIMIT;
        this.#chunks = [];
        s.req.on("data", onBodyData);
        return;
      }
      // no retries (or the body was already consumed): stream it as it comes; a shadow would have no body to send
      this.#body = s.req;
      this.#shadows = null;
    }
    if (!Number.isNaN(s.requestCompleteMs)) this.onRequestComplete();
    this.#newAttempt(this.#init.host);
  }

  dispatchOptions(): Dispatcher.DispatchOptions {
    const s = this.stream;
    return { path: this.#init.path, method: s.req.method ?? "GET", headers: this.#init.headers, body: this.#body as Dispatcher.DispatchOptions["body"] };
  }

  // ---- downstream events

  /** The downstream request was fully received: the route timeout starts now (Envoy). */
  onRequestComplete() {
    if (this.#done) return;
    if (this.#chunks !== null) {
      this.stream.req.off("data", onBodyData);
      this.#body = Buffer.concat(this.#chunks);
      this.#chunks = null;
      this.#newAttempt(this.#init.host);
    }
    if (this.#shadows !== null) {
      const shadows = this.#shadows;
      this.#shadows = null;
      sendShadows(shadows, this.stream.req.method ?? "GET", this.#init.path, Buffer.isBuffer(this.#body) ? this.#body : null, this.#timeoutMs);
    }
    if (this.#timeoutMs > 0 && this.#globalTimer === null) this.#globalTimer = setTimeout(onGlobalTimeout, this.#timeoutMs, this);
    this.#attempt?.startPerTryTimer(this.#perTryMs);
  }

  onBodyChunk(chunk: Buffer) {
    this.#chunks!.push(chunk);
    this.#buffered += chunk.length;
    if (this.#buffered <= this.#bufferLimit) return;
    // too big to replay: Envoy gives up retrying and shadowing, and streams the request
    this.stats.retry_or_shadow_abandoned.inc();
    this.#retry = null;
    this.#shadows = null;
    const req = this.stream.req;
    req.off("data", onBodyData);
    req.pause();
    const body = new PassThrough();
    for (const c of this.#chunks!) body.write(c);
    this.#chunks = null;
    req.pipe(body);
    this.#body = body;
    this.#newAttempt(this.#init.host);
  }

  onDownstreamReset() {
    if (this.#done) return;
    this.#finish();
    this.#attempt?.cancel();
  }

  resumeUpstream() {
    this.#attempt?.resume();
  }

  // ---- attempt events

  onAttemptDispatched(a: UpstreamRequest) {
    if (!Number.isNaN(this.stream.requestCompleteMs)) a.startPerTryTimer(this.#perTryMs);
  }

  onAttemptHeaders(a: UpstreamRequest, status: number, raw: Buffer[]): boolean {
    this.cluster.reportResult(a.host, status);
    if (this.stream.trace !== null) this.stream.trace.attemptHeaders(status);
    const retry = this.#retry;
    if (retry !== null) {
      const decision = retry.decide(retry.wouldRetryStatus(status, hasHeader(raw, "x-envoy-overloaded")));
      if (decision === Decision.Retry) {
        this.stats.chargeRetriedResponse(status);
        if (status >= 500) a.host.stats.rq_error++;
        a.cancel();
        this.#scheduleRetry(a);
        return true;
      }
      this.#noteRetryDenied(decision);
    }
    this.#responseStarted = true;
    const s = this.stream;
    const now = performance.now();
    s.upstreamResponseMs = now;
    s.details = "via_upstream";
    const out = forwardedResponseHeaders(raw, s.hcm.serverName, s.requestCompleteMs, now);
    const cookies = this.#init.setCookies;
    if (cookies != null) for (const c of cookies) out.push("set-cookie", c);
    if (this.route.hasMutations) applyMutations(this.#init.responseMutations, out, this.#init.format);
    this.cluster.stats.chargeResponse(status);
    this.route.stats?.chargeResponse(status);
    this.vcluster?.stats.chargeResponse(status);
    if (status >= 500) a.host.stats.rq_error++;
    else a.host.stats.rq_success++;
    if (s.res.destroyed) return false;
    s.writeHead(status, out);
    return true;
  }

  onAttemptData(chunk: Buffer): boolean {
    const s = this.stream;
    if (s.res.destroyed) return true;
    if (s.writeBody(chunk)) return true;
    s.bodySink.once("drain", onDrain);
    return false;
  }

  onAttemptComplete(a: UpstreamRequest) {
    const ms = performance.now() - a.dispatchMs;
    this.cluster.stats.upstream_rq_time.recordMs(ms);
    this.route.stats?.recordResponseTime(ms);
    this.vcluster?.stats.recordResponseTime(ms);
    if (this.#done) return;
    this.#finish();
    this.stream.endBody();
  }

  onAttemptOverflow(_a: UpstreamRequest) {
    // overflow is never retried and never reported to outlier detection (Envoy's router.cc, retry_state_impl.cc)
    if (this.#done) return;
    this.#attempt = null;
    this.stream.responseFlags |= ResponseFlag.UpstreamOverflow;
    this.stream.details = "upstream_reset_before_response_started{overflow}";
    this.#localReply(503, this.#resetBody(LocalBodies.overflow), true);
  }

  onAttemptReset(a: UpstreamRequest, err: Error & { code?: string }) {
    if (this.#done) return;
    this.#attempt = null;
    if (this.#responseStarted) {
      // the response was already on its way: all Envoy can do is reset the downstream
      const r = resetReply(err, a.attached);
      this.stream.responseFlags |= r.flag;
      this.stream.details = resetDetails(r, true);
      this.#finish();
      this.stream.hcm.stats.c.downstream_rq_tx_reset.inc();
      this.stream.res.destroy();
      return;
    }
    this.cluster.reportResult(a.host, 0);
    if (a.attached) a.host.stats.rq_error++;
    const r = resetReply(err, a.attached);
    if (r.status === 503 && r.body.endsWith("connection termination")) this.cluster.stats.c.upstream_cx_destroy_remote_with_active_rq.inc();
    const retry = this.#retry;
    if (retry !== null) {
      const d = retry.decide(retry.wouldRetryReset(!a.attached));
      if (d === Decision.Retry) return this.#scheduleRetry(a);
      this.#noteRetryDenied(d);
    }
    const s = this.stream;
    s.responseFlags |= r.flag;
    s.details = resetDetails(r, false);
    s.transportFailure = r.transportFailure;
    this.#localReply(r.status, this.#resetBody(r.body), false);
  }

  onAttemptPerTryTimeout(a: UpstreamRequest) {
    this.stats.upstream_rq_per_try_timeout.inc();
    if (this.#abandonOnTimeout(a, "upstream_per_try_timeout")) return;
    const retry = this.#retry;
    if (retry !== null) {
      const d = retry.decide(retry.wouldRetryPerTryTimeout());
      if (d === Decision.Retry) return this.#scheduleRetry(a);
      this.#noteRetryDenied(d);
    }
    this.#timeoutReply("upstream_per_try_timeout");
  }

  onGlobalTimeout() {
    this.#globalTimer = null;
    if (this.#done) return;
    this.cluster.stats.c.upstream_rq_timeout.inc();
    this.route.stats?.upstream_rq_timeout.inc();
    this.vcluster?.stats.upstream_rq_timeout.inc();
    if (this.#abandonOnTimeout(this.#attempt, "upstream_response_timeout")) return;
    this.#timeoutReply("upstream_response_timeout");
  }

  /**
   * A timeout fired: the attempt (if any) is a local-origin failure for outlier detection and is cancelled.
   * Returns true when the response had already started downstream, which leaves only a reset (Envoy).
   */
  #abandonOnTimeout(a: UpstreamRequest | null, details: string): boolean {
    if (a !== null) {
      a.host.stats.rq_timeout++;
      this.cluster.reportResult(a.host, 0);
      a.cancel();
      this.#attempt = null;
    }
    if (!this.#responseStarted) return false;
    this.stream.responseFlags |= ResponseFlag.UpstreamRequestTimeout;
    this.stream.details = details;
    this.#finish();
    // Envoy's router resets the downstream stream: downstream_rq_tx_reset (ActiveStream::resetStream)
    this.stream.hcm.stats.c.downstream_rq_tx_reset.inc();
    this.stream.res.destroy();
    return true;
  }

  onBackoffDone() {
    this.#backoffTimer = null;
    if (this.#done) return;
    const lb = this.#init.lb;
    const ctx: LbContext = this.#excluded !== null ? { hashKey: lb.hashKey, excluded: this.#excluded } : lb;
    let host = this.cluster.lb.chooseHost(ctx);
    // Envoy's host selection retries: re-pick a host the predicate rejects, then accept the last pick
    for (let i = 0; host !== null && this.#excluded?.has(host) && i < this.route.retryPolicy.hostSelectionMaxAttempts; i++) host = this.cluster.lb.chooseHost(ctx);
    if (host === null) {
      this.cluster.stats.c.upstream_cx_none_healthy.inc();
      this.stream.responseFlags |= ResponseFlag.NoHealthyUpstream;
      this.stream.details = "no_healthy_upstream";
      return this.#localReply(503, LocalBodies.noHealthyUpstream, false);
    }
    this.#newAttempt(host);
  }

  // ---- internals

  #newAttempt(host: Host) {
    const a = new UpstreamRequest(this, host, this.cluster.poolFor(host));
    this.#attempt = a;
    this.stream.upstreamHost = host;
    this.stream.attempts++;
    if (this.stream.trace !== null) this.stream.trace.attemptStarted(host, this.cluster, this.#init.headers); // tracing: a CLIENT span per attempt
    a.start();
  }

  #scheduleRetry(a: UpstreamRequest) {
    this.#attempt = null;
    if (this.stream.trace !== null) this.stream.trace.attemptRetried();
    if (this.#retry!.policy.previousHosts) (this.#excluded ??= new Set()).add(a.host);
    this.#backoffTimer = setTimeout(onBackoff, this.#retry!.backOffMs(), this);
  }

  /** The body of a reset reply: after a retry Envoy says "retried and the latest reset reason: …". */
  #resetBody(body: string): string {
    if (this.#retry === null || this.#retry.retried === 0 || !body.startsWith(RESET_PREFIX)) return body;
    return RETRIED_RESET_PREFIX + body.slice(RESET_PREFIX.length);
  }

  /** Envoy's router: a retriable failure not retried says why (URX: num_retries spent, UO: retry breaker open). */
  #noteRetryDenied(d: Decision) {
    if (d === Decision.LimitExceeded) this.stream.responseFlags |= ResponseFlag.UpstreamRetryLimitExceeded;
    else if (d === Decision.Overflow) this.stream.responseFlags |= ResponseFlag.UpstreamOverflow;
  }

  /** UT with either alternative: the 504, or the 204 x-envoy-upstream-rq-timeout-alt-response asks for. */
  #timeoutReply(details: string) {
    this.stream.responseFlags |= ResponseFlag.UpstreamRequestTimeout;
    this.stream.details = details;
    if (this.#init.envoy.altResponse) this.#localReply(204, "", false);
    else this.#localReply(504, LocalBodies.timeout, false);
  }

  #localReply(status: number, body: string, overloaded: boolean) {
    this.#finish();
    this.cluster.stats.chargeResponse(status);
    this.route.stats?.chargeResponse(status);
    this.vcluster?.stats.chargeResponse(status);
    const mutations = this.route.hasMutations ? { levels: this.#init.responseMutations, format: this.#init.format } : null;
    sendLocalReply(this.stream.res, this.stream.hcm.serverName, status, body, overloaded, null, mutations);
  }

  #finish() {
    this.#done = true;
    // give the connection back the HCM's idle timer for its next stream
    if (this.route.idleTimeoutMs !== null) this.stream.req.socket.setTimeout(this.stream.hcm.timeouts.streamIdleMs);
    if (this.#globalTimer !== null) clearTimeout(this.#globalTimer);
    if (this.#backoffTimer !== null) clearTimeout(this.#backoffTimer);
    this.#globalTimer = this.#backoffTimer = null;
    this.#retry?.release();
    if (this.#chunks !== null) {
      this.stream.req.off("data", onBodyData);
      this.#chunks = null;
    }
  }
}


function onGlobalTimeout(r: RouterRequest) {
  r.onGlobalTimeout();
}

function onBackoff(r: RouterRequest) {
  r.onBackoffDone();
}

function onBodyData(this: StreamReq, chunk: Buffer) {
  (this[kStream]!.upstream as RouterRequest).onBodyChunk(chunk);
}

function onDrain(this: { [kStream]?: Stream }) {
  (this[kStream]?.upstream as RouterRequest | null | undefined)?.resumeUpstream();
}
