// A sampled request's spans (Envoy's tracer_impl.cc): the SERVER span (the downstream request; CLIENT on egress
// listeners) and one CLIENT child span per upstream attempt, so retries show as separate children. Only sampled
// requests get a ServerSpan; it is the Stream's `trace`. The router reports attempts through three calls (start,
// response headers, given up for a retry); the connection manager calls finish() when the response is done.
// Timestamps are µs since the epoch from performance.timeOrigin + performance.now(): integers, no Date.
import { performance } from "node:perf_hooks";
import type { Stream } from "../http/stream";
import type { ZipkinSpan } from "../protocol";
import type { CompiledRoute } from "../router/route-compile";
import type { Cluster } from "../upstream/cluster";
import type { Host } from "../upstream/host";
import type { HttpTracer } from "./http-tracer";
import { responseFlagsShort } from "../http/response-flags";
import { newId64 } from "./ids";

/** Envoy's default max_path_tag_length. */
const MAX_PATH_TAG_LENGTH = 256;

export function epochUs(perfMs: number): number {
  return Math.floor((performance.timeOrigin + perfMs) * 1000);
}

/** Sets a header (first match, any case) or appends it. */
export function setHeader(headers: string[], lowerName: string, value: string) {
  const n = lowerName.length;
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i].length === n && headers[i].toLowerCase() === lowerName) {
      headers[i + 1] = value;
      return;
    }
  }
  headers.push(lowerName, value);
}

export function headerOf(headers: readonly string[], lowerName: string): string | null {
  const n = lowerName.length;
  for (let i = 0; i < headers.length; i += 2) if (headers[i].length === n && headers[i].toLowerCase() === lowerName) return headers[i + 1];
  return null;
}

class Attempt {
  readonly startUs = epochUs(performance.now());
  endUs = 0;
  /** response status of this attempt, 0 if none came */
  status = 0;
  constructor(
    readonly id: string,
    readonly cluster: string,
    readonly address: string,
  ) {}
}

export class ServerSpan {
  readonly startUs: number;
  /** the matched route (null: no route), set by the router */
  route: CompiledRoute | null = null;
  #attempts: Attempt[] = [];

  constructor(
    readonly tracer: HttpTracer,
    readonly traceId: string,
    readonly id: string,
    readonly parentId: string | null,
    /** the span id came from the incoming context (shared_span_context) */
    readonly shared: boolean,
    /** x-request-id after the trace decision was written into it */
    readonly requestId: string,
    /** ingress: the request's x-envoy-decorator-operation, which names the span */
    readonly operation: string | null,
    startMs: number,
  ) {
    this.startUs = epochUs(startMs);
  }

  /** A new upstream attempt: its own span id goes upstream, with this span as the parent. */
  attemptStarted(host: Host, cluster: Cluster, headers: string[]) {
    this.#closeLast();
    const a = new Attempt(newId64(), cluster.name, host.label);
    this.#attempts.push(a);
    setHeader(headers, "x-b3-spanid", a.id);
    setHeader(headers, "x-b3-parentspanid", this.id);
    if (this.tracer.w3c) setHeader(headers, "traceparent", this.tracer.traceparent(this.traceId, a.id, true));
  }

  attemptHeaders(status: number) {
    const a = this.#attempts[this.#attempts.length - 1];
    if (a !== undefined) a.status = status;
  }

  /** The router gave up on the current attempt and will retry. */
  attemptRetried() {
    this.#closeLast();
  }

  #closeLast() {
    const a = this.#attempts[this.#attempts.length - 1];
    if (a !== undefined && a.endUs === 0) a.endUs = epochUs(performance.now());
  }

  finish(s: Stream) {
    const endUs = epochUs(performance.now());
    const tracer = this.tracer;
    const res = s.res;
    const status = res.headersSent ? res.statusCode : 0;
    const last = this.#attempts[this.#attempts.length - 1];
    const clusterName = last?.cluster ?? this.route?.cluster ?? "-";
    const sock = s.req.socket;
    const local = endpoint(tracer.hub.serviceName, sock.localAddress, sock.localPort);
    const proto = headerOf(s.headers, "x-forwarded-proto") ?? ((sock as { encrypted?: boolean }).encrypted ? "https" : "http");
    const url = `${proto}://${s.host}${s.req.url ?? "/"}`;
    const tags: Record<string, string> = {
      "node_id": tracer.hub.node.id,
      "guid:x-request-id": this.requestId,
      "http.url": url.length > MAX_PATH_TAG_LENGTH ? url.slice(0, MAX_PATH_TAG_LENGTH) : url,
      "http.method": s.req.method ?? "GET",
      "downstream_cluster": headerOf(s.headers, "x-envoy-downstream-service-cluster") ?? "-",
      "user_agent": headerOf(s.headers, "user-agent") ?? "-",
      "http.protocol": `HTTP/${s.req.httpVersion}`,
      "peer.address": sock.remoteAddress ?? "-",
      "component": "proxy",
      "upstream_cluster": clusterName,
      "upstream_cluster.name": clusterName,
      "http.status_code": String(status),
      // the same flags as %RESPONSE_FLAGS%, set by the router and the HCM where they happen
      "response_flags": responseFlagsShort(s.responseFlags),
    };
    if (last !== undefined) tags.upstream_address = last.address;
    if (status === 0 || status >= 500) tags.error = "true";
    const server: ZipkinSpan = {
      traceId: this.traceId,
      id: this.id,
      name: this.operation ?? this.route?.config.decorator?.operation ?? s.host,
      kind: tracer.egress ? "CLIENT" : "SERVER",
      timestamp: this.startUs,
      duration: Math.max(0, endUs - this.startUs),
      localEndpoint: local,
      tags,
    };
    if (this.parentId !== null) server.parentId = this.parentId;
    if (this.shared) server.shared = true;
    const spans = [server];
    this.#attempts.forEach((a, i) => {
      const t: Record<string, string> = {
        "node_id": tracer.hub.node.id,
        "guid:x-request-id": this.requestId,
        "component": "proxy",
        "upstream_cluster": a.cluster,
        "upstream_cluster.name": a.cluster,
        "upstream_address": a.address,
        "http.status_code": String(a.status),
      };
      if (i > 0) t["retry.count"] = String(i);
      if (a.status === 0 || a.status >= 500) t.error = "true";
      const end = a.endUs === 0 ? endUs : a.endUs;
      spans.push({ traceId: this.traceId, id: a.id, parentId: this.id, name: `router ${a.cluster} egress`, kind: "CLIENT", timestamp: a.startUs, duration: Math.max(0, end - a.startUs), localEndpoint: local, tags: t });
    });
    tracer.report(spans);
  }
}

function endpoint(serviceName: string, address: string | undefined, port: number | undefined): ZipkinSpan["localEndpoint"] {
  const ep: ZipkinSpan["localEndpoint"] = { serviceName };
  if (address !== undefined) {
    if (address.startsWith("::ffff:")) ep.ipv4 = address.slice(7);
    else if (address.includes(":")) ep.ipv6 = address;
    else ep.ipv4 = address;
  }
  if (port !== undefined) ep.port = port;
  return ep;
}
