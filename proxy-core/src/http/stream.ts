// Per-request state shared by the connection manager and the router. One object per request; the
// listeners registered on req/res are module-level functions that find it through a symbol, so a request
// allocates no closures.
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import type { Socket } from "node:net";
import type { ConnectionManager } from "./connection-manager";
import type { ServerSpan } from "../tracing/span";
import type { CompiledRoute } from "../router/route-compile";
import type { Cluster } from "../upstream/cluster";
import type { Host } from "../upstream/host";

export const kStream = Symbol("signalbox.stream");

export type StreamReq = IncomingMessage & { [kStream]?: Stream };
export type StreamRes = ServerResponse & { [kStream]?: Stream };

/** What the connection manager tells the side of a request that talks upstream (router/router-request.ts). */
export interface StreamUpstream {
  /** the downstream request was fully received */
  onRequestComplete(): void;
  /** the downstream went away (or its idle timer fired) before the response finished */
  onDownstreamReset(): void;
}

export class Stream {
  readonly startMs = performance.now();
  /** when the downstream request was fully received (NaN until then) */
  requestCompleteMs = NaN;
  upstream: StreamUpstream | null = null;
  /** request headers for the upstream, copied once from rawHeaders */
  headers: string[] = [];
  host = "";
  hasBody = false;
  /** set for an HTTP/1.1 Upgrade (WebSocket) request: the raw client socket and bytes after the head */
  upgrade: { socket: import("node:net").Socket; head: Buffer } | null = null;
  /** sampled requests only (src/tracing/): the spans being recorded */
  trace: ServerSpan | null = null;

  // ---- what happened, for access logs and spans (Envoy's StreamInfo); plain fields, written where it happens
  /** Envoy's response flags (http/response-flags.ts) */
  responseFlags = 0;
  /** %RESPONSE_CODE_DETAILS%, "" until a response or reset decides it */
  details = "";
  /** the response headers as written downstream (forwarded or local reply) */
  responseHeaders: readonly string[] | null = null;
  /** response body bytes written downstream */
  bytesSent = 0;
  /** the body of a local reply */
  localReplyBody: string | Buffer | null = null;
  /** the path sent upstream (after prefix/regex rewrites), null until routed */
  path: string | null = null;
  route: CompiledRoute | null = null;
  cluster: Cluster | null = null;
  /** the host of the last upstream attempt, its connection, and how many attempts there were */
  upstreamHost: Host | null = null;
  upstreamSocket: Socket | null = null;
  attempts = 0;
  /** why the upstream connection failed ("delayed connect error: Connection refused"), "" if it did not */
  transportFailure = "";
  /** the trace id propagated upstream (src/tracing/), null without tracing */
  traceId: string | null = null;
  /** when the first upstream response byte arrived / the stream ended (NaN until then) */
  upstreamResponseMs = NaN;
  endMs = NaN;

  constructor(
    readonly hcm: ConnectionManager,
    readonly req: StreamReq,
    readonly res: StreamRes,
  ) {
    req[kStream] = this;
    res[kStream] = this;
  }
}
