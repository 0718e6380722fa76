// One HCM's tracing (Envoy's http_tracer_impl.cc): the trace decision right after the request headers were copied, B3
// propagation upstream, and a ServerSpan for sampled requests only. An unsampled request costs one pass over
// its header list, an integer hash of its x-request-id, one or two pooled ids and the injected header strings:
// no span object, no closure, no timer, no Date. Per-request scan results live in this object's fields
// (requests are handled synchronously, one at a time per process).
import type { Tracing } from "../config/schema";
import type { Stream } from "../http/stream";
import { FilterStatus, type HttpFilter } from "../http/filter";
import type { CompiledRoute } from "../router/route-compile";
import type { StatsStore } from "../stats/store";
import { isHexId, newId128, newId64 } from "./ids";
import { TraceStatus, canCarryStatus, percentNumerator, requestIdBucket, traceStatusOf, withTraceStatus } from "./sampling";
import { ServerSpan, setHeader } from "./span";
import type { TracingHub } from "./span-sink";
import { hcmTracingCounters, type HcmTracingCounters } from "./tracing-stats";
import type { ZipkinReporter } from "./zipkin-reporter";
import type { ZipkinSpan } from "../protocol";

export type TrafficDirection = "UNSPECIFIED" | "INBOUND" | "OUTBOUND";

/** What a ConnectionManager needs to trace: the process's hub and its listener's direction. */
export interface TracingContext {
  hub: TracingHub;
  direction: TrafficDirection;
}

const ZERO_PAD_64 = "0000000000000000";

/** `name` equals an all-lower-case `lower` in any case, without allocating. */
function eqLower(name: string, lower: string): boolean {
  for (let i = name.length - 1; i >= 0; i--) if ((name.charCodeAt(i) | 32) !== lower.charCodeAt(i)) return false;
  return true;
}

/** x-b3-sampled / b3 sampling state: 1 sampled, 0 not, -1 absent or unreadable. */
function sampledFlag(v: string): number {
  if (v === "1" || v === "d" || v === "true") return 1;
  if (v === "0" || v === "false") return 0;
  return -1;
}

/**
 * The HCM's tracing, as the first filter of its chain: it decides and starts the server span when a request's
 * headers are in (before any configured filter, as Envoy's HCM does), names it after the route, and reports it
 * when the stream completes. The router reports the upstream attempts of a sampled request (`s.trace`).
 */
export class HttpTracer implements HttpFilter {
  readonly name = "tracing";
  readonly counters: HcmTracingCounters;
  readonly reporter: ZipkinReporter | null;
  readonly egress: boolean;
  readonly w3c: boolean;
  readonly #random: number;
  readonly #client: number;
  readonly #overall: number;
  readonly #trace128: boolean;
  readonly #sharedContext: boolean;
  // header positions of the request being scanned (-1 absent)
  #rid = -1;
  #clientTraceId = -1;
  #forceTrace = -1;
  #traceId = -1;
  #spanId = -1;
  #parentSpanId = -1;
  #sampled = -1;
  #flags = -1;
  #b3 = -1;
  #traceparent = -1;
  #decorator = -1;

  constructor(
    config: Tracing,
    statPrefix: string,
    store: StatsStore,
    readonly hub: TracingHub,
    direction: TrafficDirection,
  ) {
    this.counters = hcmTracingCounters(store.scope(`http.${statPrefix}`));
    this.#random = percentNumerator(config.random_sampling);
    this.#client = percentNumerator(config.client_sampling);
    this.#overall = percentNumerator(config.overall_sampling);
    const z = config.provider?.typed_config;
    this.reporter = z !== undefined ? hub.zipkin(z) : null;
    this.#trace128 = z?.trace_id_128bit ?? false;
    this.#sharedContext = z?.shared_span_context ?? true;
    this.w3c = z?.trace_context_option === "USE_B3_WITH_W3C_PROPAGATION";
    this.egress = direction === "OUTBOUND";
  }

  decodeHeaders(s: Stream): FilterStatus {
    this.onRequest(s);
    if (s.route !== null) this.onRoute(s, s.route);
    return FilterStatus.Continue;
  }

  onStreamComplete(s: Stream) {
    if (s.trace !== null) s.trace.finish(s);
  }

  /** Once the upstream header list exists, before routing. */
  onRequest(s: Stream) {
    const h = s.headers;
    this.#scan(h);
    const c = this.counters;

    // ---- the decision, recorded in x-request-id (Envoy's mutateTracingRequestHeader + shouldTraceRequest)
    let status = TraceStatus.NoTrace;
    let rid = "";
    if (this.#rid >= 0) {
      rid = h[this.#rid + 1];
      const bucket = requestIdBucket(rid);
      if (bucket >= 0 && canCarryStatus(rid)) {
        const initial = traceStatusOf(rid);
        status = initial;
        if (status === TraceStatus.NoTrace) {
          if (this.#clientTraceId >= 0 && Math.random() * 10000 < this.#client) status = TraceStatus.Client;
          else if (this.#forceTrace >= 0) status = TraceStatus.Forced;
          else if (bucket < this.#random) status = TraceStatus.Sampled;
        }
        let write = status !== initial;
        if (bucket >= this.#overall) {
          status = TraceStatus.NoTrace;
          write = rid.charCodeAt(14) !== 57; // already "9"
        }
        if (write) h[this.#rid + 1] = rid = withTraceStatus(rid, status);
      }
    }
    if (status === TraceStatus.Sampled) c.random_sampling.inc();
    else if (status === TraceStatus.NoTrace) c.not_traceable.inc();
    else if (status === TraceStatus.Client) c.client_enabled.inc();
    else c.service_forced.inc();

    // ---- the incoming context (the Zipkin driver honours x-b3-sampled / b3 / x-b3-flags over the decision)
    let sampled = status !== TraceStatus.NoTrace;
    let traceId: string | null = null;
    let parentSpan: string | null = null; // the caller's span
    let grandParent: string | null = null; // the caller's parent
    if (this.#sampled >= 0) {
      const f = sampledFlag(h[this.#sampled + 1]);
      if (f >= 0) sampled = f === 1;
    }
    if (this.#flags >= 0 && h[this.#flags + 1] === "1") sampled = true;
    if (this.#traceId >= 0 && this.#spanId >= 0) {
      const t = h[this.#traceId + 1];
      const sp = h[this.#spanId + 1];
      if (isHexId(t, true) && isHexId(sp, false)) {
        traceId = t;
        parentSpan = sp;
        if (this.#parentSpanId >= 0 && isHexId(h[this.#parentSpanId + 1], false)) grandParent = h[this.#parentSpanId + 1];
      }
    } else if (this.#b3 >= 0) {
      // b3: {traceid}-{spanid}[-{sampled}[-{parentspanid}]], or only the sampling state
      const v = h[this.#b3 + 1];
      const d1 = v.indexOf("-");
      if (d1 < 0) {
        const f = sampledFlag(v);
        if (f >= 0) sampled = f === 1;
      } else {
        const d2 = v.indexOf("-", d1 + 1);
        const t = v.slice(0, d1);
        const sp = d2 < 0 ? v.slice(d1 + 1) : v.slice(d1 + 1, d2);
        if (isHexId(t, true) && isHexId(sp, false)) {
          traceId = t;
          parentSpan = sp;
          if (d2 >= 0) {
            const d3 = v.indexOf("-", d2 + 1);
            const f = sampledFlag(d3 < 0 ? v.slice(d2 + 1) : v.slice(d2 + 1, d3));
            if (f >= 0) sampled = f === 1;
            if (d3 >= 0 && isHexId(v.slice(d3 + 1), false)) grandParent = v.slice(d3 + 1);
          }
        }
      }
    } else if (this.w3c && this.#traceparent >= 0) {
      // traceparent: 00-{32 hex trace id}-{16 hex parent id}-{2 hex flags}
      const v = h[this.#traceparent + 1];
      if (v.length === 55 && v.charCodeAt(2) === 45 && v.charCodeAt(35) === 45 && v.charCodeAt(52) === 45) {
        const t = v.slice(3, 35);
        const sp = v.slice(36, 52);
        if (isHexId(t, true) && isHexId(sp, false)) {
          traceId = t;
          parentSpan = sp;
          sampled = (parseInt(v.slice(53), 16) & 1) === 1;
        }
      }
    }

    // ---- ids: with shared_span_context the server span continues the caller's span id
    const shared = this.#sharedContext && parentSpan !== null;
    if (traceId === null) traceId = this.#trace128 ? newId128() : newId64();
    s.traceId = traceId;
    const spanId = shared ? parentSpan! : newId64();
    const parentId = shared ? grandParent : parentSpan;
    this.#inject(h, traceId, spanId, parentId, sampled);
    if (!sampled) return;
    const op = this.#decorator >= 0 && !this.egress ? h[this.#decorator + 1] : null;
    s.trace = new ServerSpan(this, traceId, spanId, parentId, shared, rid, op, s.startMs);
  }

  /** The router matched `route` (before any upstream attempt or local reply). */
  onRoute(s: Stream, route: CompiledRoute) {
    if (s.trace !== null) s.trace.route = route;
    if (!this.egress) return;
    // egress: the receiving service may name its server span after our decorator (Envoy's router_filter.rst)
    const d = route.config.decorator;
    if (d !== undefined && d.propagate !== false) setHeader(s.headers, "x-envoy-decorator-operation", d.operation);
  }

  /** A sampled request finished: its spans go to the provider and the console. */
  report(spans: ZipkinSpan[]) {
    this.hub.console.push(spans);
    const r = this.reporter;
    if (r !== null) for (const sp of spans) r.add(sp);
  }

  /** W3C traceparent for a (possibly 64-bit) B3 context. */
  traceparent(traceId: string, spanId: string, sampled: boolean): string {
    return `00-${traceId.length === 16 ? ZERO_PAD_64 + traceId : traceId}-${spanId}-${sampled ? "01" : "00"}`;
  }

  #inject(h: string[], traceId: string, spanId: string, parentId: string | null, sampled: boolean) {
    // replace incoming values in place; indices stay valid because we only append
    this.#put(h, this.#traceId, "x-b3-traceid", traceId);
    this.#put(h, this.#spanId, "x-b3-spanid", spanId);
    if (parentId !== null) this.#put(h, this.#parentSpanId, "x-b3-parentspanid", parentId);
    this.#put(h, this.#sampled, "x-b3-sampled", sampled ? "1" : "0");
    if (this.w3c) this.#put(h, this.#traceparent, "traceparent", this.traceparent(traceId, spanId, sampled));
  }

  #put(h: string[], at: number, name: string, value: string) {
    if (at >= 0) h[at + 1] = value;
    else h.push(name, value);
  }

  #scan(h: readonly string[]) {
    this.#rid = this.#clientTraceId = this.#forceTrace = this.#traceId = this.#spanId = this.#parentSpanId = -1;
    this.#sampled = this.#flags = this.#b3 = this.#traceparent = this.#decorator = -1;
    for (let i = 0; i < h.length; i += 2) {
      const n = h[i];
      const c0 = n.charCodeAt(0) | 32;
      if (c0 === 120 /* x */) {
        switch (n.length) {
          case 12:
            if (this.#rid < 0 && eqLower(n, "x-request-id")) this.#rid = i;
            else if (eqLower(n, "x-b3-traceid")) this.#traceId = i;
            else if (eqLower(n, "x-b3-sampled")) this.#sampled = i;
            break;
          case 11:
            if (eqLower(n, "x-b3-spanid")) this.#spanId = i;
            break;
          case 17:
            if (eqLower(n, "x-client-trace-id")) this.#clientTraceId = i;
            else if (eqLower(n, "x-b3-parentspanid")) this.#parentSpanId = i;
            break;
          case 19:
            if (eqLower(n, "x-envoy-force-trace")) this.#forceTrace = i;
            break;
          case 10:
            if (eqLower(n, "x-b3-flags")) this.#flags = i;
            break;
          case 27:
            if (eqLower(n, "x-envoy-decorator-operation")) this.#decorator = i;
            break;
        }
      } else if (c0 === 98 /* b */) {
        if (n.length === 2 && n.charCodeAt(1) === 51) this.#b3 = i;
      } else if (c0 === 116 /* t */ && n.length === 11 && eqLower(n, "traceparent")) this.#traceparent = i;
    }
  }
}
