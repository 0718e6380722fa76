// The HTTP connection manager of one listener filter chain: request/response bookkeeping (stats, server,
// x-request-id, x-forwarded-*), then hands the stream to the router. Built once per config; a listener
// swaps its ConnectionManager atomically on reload, and in-flight streams keep the one they started on.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import type { HttpConnectionManager as HcmConfig } from "../config/schema";
import type { StatsStore } from "../stats/store";
import { RouteTable } from "../router/route-table";
import { routeStream } from "../router/router-filter";
import type { ClusterManager } from "../upstream/cluster-manager";
import { HcmStats } from "./hcm-stats";
import { kStream, Stream, type StreamReq, type StreamRes } from "./stream";

// request headers that describe one hop and are never forwarded (RFC 9110 §7.6.1), plus `expect`
// (node already answered 100-continue) and the headers we rewrite
const HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer", "expect", "http2-settings"]);

export class ConnectionManager {
  readonly stats: HcmStats;
  readonly routes: RouteTable;
  readonly serverName: string;

  constructor(
    readonly config: HcmConfig,
    store: StatsStore,
    readonly clusters: ClusterManager,
  ) {
    this.stats = new HcmStats(store.scope(`http.${config.stat_prefix}`));
    this.routes = new RouteTable(config.route_config);
    this.serverName = config.server_name ?? "envoy";
  }

  handle(req: IncomingMessage, res: ServerResponse) {
    const c = this.stats.c;
    c.downstream_rq_total.inc();
    c.downstream_rq_http1_total.inc();
    this.stats.g.downstream_rq_active.inc();
    const s = new Stream(this, req, res);
    res.once("close", onResponseClose);
    this.#copyRequestHeaders(s);
    if (s.hasBody) req.once("end", onRequestEnd);
    else {
      s.requestCompleteMs = s.startMs;
      // nothing to read, but the stream must still be consumed for the connection to be reused
      req.resume();
    }
    routeStream(s);
  }

  /** One pass over rawHeaders: upstream header list, host, body presence, XFF/XFP/x-request-id. */
  #copyRequestHeaders(s: Stream) {
    const raw = s.req.rawHeaders;
    const out: string[] = [];
    let xff: string | null = null;
    let xfp = false;
    let rid = false;
    let connectionTokens: string | null = null;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i];
      const lower = name.toLowerCase();
      const value = raw[i + 1];
      if (HOP.has(lower)) {
        if (lower === "transfer-encoding") s.hasBody = true;
        else if (lower === "connection") connectionTokens = value;
        continue;
      }
      switch (lower) {
        case "host":
          s.host = value;
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
      }
      out.push(name, value);
    }
    if (connectionTokens !== null) stripConnectionTokens(out, connectionTokens);
    const remote = s.req.socket.remoteAddress ?? "";
    out.push("x-forwarded-for", xff === null ? remote : `${xff}, ${remote}`);
    if (!xfp) out.push("x-forwarded-proto", "http");
    if (!rid) out.push("x-request-id", randomUUID());
    s.headers = out;
  }

  /** Response done or connection gone: final accounting for the stream. */
  onStreamDone(s: Stream) {
    const st = this.stats;
    st.g.downstream_rq_active.dec();
    const res = s.res;
    if (res.headersSent) {
      st.c.downstream_rq_completed.inc();
      const cls = (res.statusCode / 100) | 0;
      st.byClass[cls]?.inc();
    }
    if (!res.writableFinished) {
      st.c.downstream_rq_rx_reset.inc();
      s.upstream?.onDownstreamReset();
    }
    st.downstream_rq_time.recordMs(performance.now() - s.startMs);
  }
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
