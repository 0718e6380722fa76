// The HTTP connection manager of one listener filter chain: request/response bookkeeping (stats, server,
// x-request-id, x-forwarded-*), then hands the stream to the router. Built once per config; a listener
// swaps its ConnectionManager atomically on reload, and in-flight streams keep the one they started on.
import { randomUUID } from "node:crypto";
import { ServerResponse, type IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import type { HttpConnectionManager as HcmConfig } from "../config/schema";
import type { StatsStore } from "../stats/store";
import { MatchInput, RouteTable } from "../router/route-table";
import { sendLocalReply } from "../router/local-reply";
import type { ClusterManager } from "../upstream/cluster-manager";
import { durationOr } from "../config/duration";
import { HcmStats } from "./hcm-stats";
import { trackConnection } from "../stats/connection-stats";
import { kStream, Stream, type StreamReq, type StreamRes } from "./stream";
import { onStreamIdle } from "./stream-idle";
import { HttpTracer, type TracingContext } from "../tracing/http-tracer";
import { TracingHub } from "../tracing/span-sink";
import { HcmAccessLog, type AccessLogContext } from "../access-log/hcm-access-log";
import { AccessLogOutputs } from "../access-log/outputs";
import { ResponseFlag } from "./response-flags";
import { countBodyBytes } from "./counting-request";
import { HttpFilterChain } from "./filter-chain";
import { isInternalForwardedFor, removeHeaders } from "./internal-request";
import { HeadCapture, requestSamplerOf } from "./request-sample";

// request headers that describe one hop and are never forwarded (RFC 9110 §7.6.1), plus `expect`
// (node already answered 100-continue) and the headers we rewrite
const HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer", "expect", "http2-settings"]);

/** The HCM's limits and timeouts in ms (0 = disabled), with Envoy's defaults (http_connection_manager.proto). */
export interface HcmTimeouts {
  maxHeaderBytes: number;
  /** request_headers_timeout; unset → the stream idle timeout bounds header receipt (see below) */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  streamIdleMs: number;
  idleTimeoutMs: number;
}

export function hcmTimeouts(c: HcmConfig): HcmTimeouts {
  const ms = durationOr;
  const requestTimeoutMs = ms(c.request_timeout, 0);
  const streamIdleMs = ms(c.stream_idle_timeout, 300_000);
  // Envoy's stream idle timer already runs while headers arrive; node has no idle timer there, so without
  // request_headers_timeout a total header deadline of stream_idle_timeout cuts slowloris clients instead
  let headersTimeoutMs = ms(c.request_headers_timeout, streamIdleMs);
  // node requires headersTimeout <= requestTimeout when both are set
  if (requestTimeoutMs > 0 && (headersTimeoutMs === 0 || headersTimeoutMs > requestTimeoutMs)) headersTimeoutMs = requestTimeoutMs;
  return {
    maxHeaderBytes: (c.max_request_headers_kb ?? 60) * 1024,
    headersTimeoutMs,
    requestTimeoutMs,
    streamIdleMs,
    idleTimeoutMs: ms(c.common_http_protocol_options?.idle_timeout, 3_600_000),
  };
}

type PrivateRes = ServerResponse & { _keepAliveTimeout?: number };

export class ConnectionManager {
  readonly stats: HcmStats;
  readonly routes: RouteTable;
  readonly serverName: string;
  readonly timeouts: HcmTimeouts;
  readonly generateRequestId: boolean;
  readonly websocket: boolean;
  /** null unless the HCM has `tracing` (src/tracing/) */
  readonly tracer: HttpTracer | null;
  /** null unless the HCM has `access_log` (src/access-log/) */
  readonly accessLog: HcmAccessLog | null;
  /** `http_filters` before the router (the tracer first when tracing is on) */
  readonly filters: HttpFilterChain;
  readonly #logging: AccessLogContext | null;
  /** the console's impact-preview sample of request heads (request-sample.ts); records only while enabled */
  readonly #heads: HeadCapture;

  constructor(
    readonly config: HcmConfig,
    store: StatsStore,
    readonly clusters: ClusterManager,
    tracing: TracingContext | null = null,
    logging: AccessLogContext | null = null,
  ) {
    this.stats = new HcmStats(store.scope(`http.${config.stat_prefix}`), config.stat_prefix);
    this.routes = new RouteTable(config.route_config, store, clusters.runtime);
    this.serverName = config.server_name ?? "envoy";
    this.timeouts = hcmTimeouts(config);
    this.generateRequestId = config.generate_request_id ?? true;
    this.websocket = (config.upgrade_configs ?? []).some((u) => u.upgrade_type.toLowerCase() === "websocket" && u.enabled !== false);
    // built without a server's hub (tests): a hub of its own, so a configured `tracing` still works
    const t = config.tracing === undefined ? null : (tracing ?? { hub: new TracingHub(store, () => clusters), direction: "UNSPECIFIED" });
    this.tracer = t === null ? null : new HttpTracer(config.tracing!, config.stat_prefix, store, t.hub, t.direction);
    // the tracer decides and starts the span before any configured filter runs, as Envoy's HCM does
    this.filters = new HttpFilterChain(config.http_filters ?? [], { statPrefix: config.stat_prefix, store, clusters, runtime: clusters.runtime, log: () => {} }, this.tracer === null ? [] : [this.tracer]);
    // likewise access logs get destinations of their own without a server's
    this.#logging = logging;
    const where = `listener ${logging?.listener ?? "?"}: stat_prefix ${config.stat_prefix}`;
    this.accessLog = config.access_log?.length ? new HcmAccessLog(config.access_log, logging?.outputs ?? new AccessLogOutputs(store), where) : null;
    this.#heads = new HeadCapture(requestSamplerOf(store), logging?.listener ?? "", config.stat_prefix, config.route_config);
  }

  /** A connection was handed to this HCM's codec (after the TLS handshake on TLS chains). */
  onConnection(socket: Socket) {
    const st = this.stats;
    st.c.downstream_cx_total.inc();
    st.c.downstream_cx_http1_total.inc();
    st.g.downstream_cx_active.inc();
    const tls = (socket as Socket & { encrypted?: boolean }).encrypted === true;
    if (tls) {
      st.c.downstream_cx_ssl_total.inc();
      st.g.downstream_cx_ssl_active.inc();
    }
    socket.once("close", () => {
      st.g.downstream_cx_active.dec();
      if (tls) st.g.downstream_cx_ssl_active.dec();
    });
    // bytes, destroy (local/remote) and length, read from the socket when it closes
    trackConnection(socket, st.connection, performance.now());
  }

  handle(req: IncomingMessage, res: ServerResponse) {
    const c = this.stats.c;
    c.downstream_rq_total.inc();
    c.downstream_rq_http1_total.inc();
    this.stats.g.downstream_rq_active.inc();
    // Envoy sends no `Keep-Alive: timeout=…` header; node adds one unless this is 0 (the idle timer is unaffected)
    (res as PrivateRes)._keepAliveTimeout = 0;
    const s = new Stream(this, req, res);
    res.on("close", onResponseClose); // emitted once; `once` would allocate a wrapper per request
    const refusal = this.#copyRequestHeaders(s);
    if (refusal !== null) return this.#refuse(s, refusal);
    if (this.timeouts.streamIdleMs > 0) {
      // HTTP/1.1 has one stream per connection, so socket inactivity is stream inactivity
      res.on("timeout", onStreamIdle);
      req.socket.setTimeout(this.timeouts.streamIdleMs);
    }
    if (this.#heads.sampler.enabled) this.#heads.record(s);
    this.selectRoute(s);
    // body bytes, only for requests someone logs (%BYTES_RECEIVED%, the console sample)
    if (s.hasBody && (this.accessLog !== null || this.#logging?.sample?.enabled === true)) countBodyBytes(req);
    if (s.hasBody) req.once("end", onRequestEnd);
    else {
      s.requestCompleteMs = s.startMs;
      // nothing to read, but the stream must still be consumed for the connection to be reused
      req.resume();
    }
    this.filters.decode(s);
  }

  /**
   * Envoy picks the route before the filters run, so they (and per-route filter configs) see it. A filter that
   * changes what routing looks at calls this again (Envoy's clearRouteCache).
   */
  selectRoute(s: Stream) {
    const vh = this.routes.findVirtualHost(s.host);
    if (vh === null) return void (s.route = null);
    // require_tls comes first in a virtual host, before any of its routes (VirtualHostImpl::getRouteFromEntries)
    const tls = vh.tlsRedirect !== null ? this.routes.tlsRedirectFor(vh, s.headers, s.internal) : null;
    s.route = tls ?? this.routes.match(vh, new MatchInput(s.req.url ?? "/", s.headers, s.req.method ?? "GET", s.host));
  }

  /**
   * An HTTP/1.1 Upgrade request (node hands us the raw socket). Without `upgrade_configs` for its type Envoy
   * answers 403 (`downstream_rq_ws_on_non_ws_route`) (Envoy's conn_manager_impl.cc); otherwise the router
   * forwards it through router/upgrade-request.ts. A ServerResponse bound to the socket lets every local
   * reply (404, 403, 503 …) and the relayed 101 head go through the usual code.
   */
  handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer) {
    const res = new ServerResponse(req);
    res.assignSocket(socket);
    res.shouldKeepAlive = false;
    socket.on("error", () => {});
    const isWebSocket = (req.headers.upgrade ?? "").toLowerCase() === "websocket";
    if (!isWebSocket || !this.websocket) {
      const c = this.stats.c;
      c.downstream_rq_total.inc();
      c.downstream_rq_http1_total.inc();
      c.downstream_rq_ws_on_non_ws_route.inc();
      this.stats.chargeCompleted(403);
      sendLocalReply(res, this.serverName, 403, "");
      res.once("finish", () => socket.end());
      return;
    }
    // the socket left node's HTTP parser: it has no idle timer of its own
    socket.setTimeout(0);
    const s = new Stream(this, req, res);
    s.upgrade = { socket, head };
    this.stats.c.downstream_rq_total.inc();
    this.stats.c.downstream_rq_http1_total.inc();
    this.stats.g.downstream_rq_active.inc();
    res.on("close", onResponseClose); // emitted once; `once` would allocate a wrapper per request
    const refusal = this.#copyRequestHeaders(s);
    if (refusal !== null) {
      this.#refuse(s, refusal);
      res.once("finish", () => socket.end());
      return;
    }
    if (this.#heads.sampler.enabled) this.#heads.record(s);
    s.requestCompleteMs = s.startMs;
    this.selectRoute(s);
    this.filters.decode(s);
    if (!s.upgrade.socket.destroyed && res.writableFinished && res.statusCode !== 101) socket.end();
  }

  /**
   * One pass over rawHeaders: upstream header list, host, body presence, XFF/XFP/x-request-id. Answers why the
   * request must be refused as Envoy's HTTP/1 codec refuses it, or null.
   */
  #copyRequestHeaders(s: Stream): Refusal | null {
    const req = s.req;
    const raw = req.rawHeaders;
    const out: string[] = [];
    let xff: string | null = null;
    let xfp = false;
    let rid = false;
    let connectionTokens: string | null = null;
    let hosts = 0;
    let te: string | null = null;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i];
      const lower = name.toLowerCase();
      const value = raw[i + 1];
      if (HOP.has(lower)) {
        if (lower === "transfer-encoding") {
          s.hasBody = true;
          te = te === null ? value : `${te}, ${value}`;
        } else if (lower === "connection") connectionTokens = value;
        continue;
      }
      switch (lower) {
        case "host":
          s.host = value;
          hosts++;
          break;
        case "content-length":
          if (value !== "0") s.hasBody = true;
          break;
        case "x-forwarded-for":
          xff = xff === null ? value : `${xff}, ${value}`;
          continue;
        case "x-forwarded-proto":
          xfp = true;
          break;
        case "x-request-id":
          rid = value.length > 0;
          if (!rid) continue;
          break;
        case "x-envoy-internal":
          // only this proxy says a request is internal (Envoy removes it before deciding)
          continue;
      }
      out.push(name, value);
    }
    const refusal = refusalOf(req.httpVersionMajor, req.url ?? "/", hosts, te);
    if (refusal !== null) return refusal;
    // absolute-form (RFC 9112 §3.2.2): routed by its path, its authority is the Host (Envoy's allow_absolute_url)
    const url = req.url ?? "/";
    if (url.charCodeAt(0) !== 47 /* "/" */ && /^https?:\/\//i.test(url)) {
      const at = url.indexOf("/", url.indexOf("//") + 2);
      const authority = at < 0 ? url.slice(url.indexOf("//") + 2) : url.slice(url.indexOf("//") + 2, at);
      req.url = at < 0 ? "/" : url.slice(at);
      s.host = authority;
      setHost(out, authority);
    }
    if (connectionTokens !== null) stripConnectionTokens(out, connectionTokens);
    const remote = s.req.socket.remoteAddress ?? "";
    out.push("x-forwarded-for", xff === null ? remote : `${xff}, ${remote}`);
    if (xff !== null && isInternalForwardedFor(xff)) {
      s.internal = true;
      out.push("x-envoy-internal", "true");
    }
    const internalOnly = this.routes.internalOnlyHeaders;
    if (internalOnly !== null && !s.internal) removeHeaders(out, internalOnly);
    if (!xfp) out.push("x-forwarded-proto", (s.req.socket as Socket & { encrypted?: boolean }).encrypted ? "https" : "http");
    if (!rid && this.generateRequestId) out.push("x-request-id", randomUUID());
    s.headers = out;
    return null;
  }

  /** Envoy's HTTP/1 codec refusal: the local reply, counted as a downstream protocol error, and the connection closes. */
  #refuse(s: Stream, r: Refusal) {
    this.stats.c.downstream_cx_protocol_error.inc();
    s.res.shouldKeepAlive = false;
    s.responseFlags |= ResponseFlag.DownstreamProtocolError;
    s.details = r.details;
    s.requestCompleteMs = s.startMs;
    s.req.resume();
    sendLocalReply(s.res, this.serverName, r.status, r.body);
  }

  /** Response done or connection gone: final accounting for the stream. */
  onStreamDone(s: Stream) {
    const st = this.stats;
    st.g.downstream_rq_active.dec();
    const res = s.res;
    if (res.headersSent) st.chargeCompleted(res.statusCode);
    if (!res.writableFinished) {
      st.c.downstream_rq_rx_reset.inc();
      s.upstream?.onDownstreamReset();
      // not ended by the proxy (a reset, a timeout): the client went away
      if (s.responseFlags === 0) {
        s.responseFlags = ResponseFlag.DownstreamConnectionTermination;
        if (s.details === "") s.details = "downstream_remote_disconnect";
      }
    }
    const now = performance.now();
    s.endMs = now;
    st.downstream_rq_time.recordMs(now - s.startMs);
    this.filters.complete(s);
    if (this.accessLog !== null) this.accessLog.log(s);
    const sample = this.#logging?.sample;
    if (sample != null && sample.enabled) sample.offer(s, this.#logging!.listener, this.config.stat_prefix);
  }
}

interface Refusal {
  status: number;
  body: string;
  /** %RESPONSE_CODE_DETAILS% */
  details: string;
}

/**
 * What Envoy's HTTP/1 codec (source/common/http/http1/codec_impl.cc) refuses that node's parser lets through: a
 * version other than 1.x (HTTP/0.9 request lines, "HTTP/2.0"), a fragment in the target, more than one Host, and a
 * transfer-coding other than `chunked` alone (501: Envoy decodes no other coding).
 */
function refusalOf(major: number, url: string, hosts: number, te: string | null): Refusal | null {
  if (major !== 1) return { status: 400, body: "Bad Request", details: "http1.codec_error" };
  if (url.includes("#")) return { status: 400, body: "Bad Request", details: "http1.invalid_url" };
  if (hosts > 1) return { status: 400, body: "Bad Request", details: "http1.codec_error" };
  if (te !== null && te.trim().toLowerCase() !== "chunked") return { status: 501, body: "Not Implemented", details: "http1.invalid_transfer_encoding" };
  return null;
}

function setHost(out: string[], authority: string) {
  for (let i = 0; i < out.length; i += 2)
    if (out[i].length === 4 && out[i].toLowerCase() === "host") {
      out[i + 1] = authority;
      return;
    }
  out.push("host", authority);
}

function stripConnectionTokens(out: string[], tokens: string) {
  // headers named by `connection:` are hop-by-hop too (RFC 9110 §7.6.1)
  const names = tokens.toLowerCase().split(",").map((t) => t.trim()).filter((t) => t && t !== "close" && t !== "keep-alive");
  if (names.length === 0) return;
  for (let i = out.length - 2; i >= 0; i -= 2) if (names.includes(out[i].toLowerCase())) out.splice(i, 2);
}

function onResponseClose(this: StreamRes) {
  const s = this[kStream]!;
  s.hcm.onStreamDone(s);
}

function onRequestEnd(this: StreamReq) {
  const s = this[kStream]!;
  s.requestCompleteMs = performance.now();
  s.upstream?.onRequestComplete();
}
