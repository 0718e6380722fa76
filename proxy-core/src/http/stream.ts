// Per-request state shared by the connection manager and the router. One object per request; the
// listeners registered on req/res are module-level functions that find it through a symbol, so a request
// allocates no closures.
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import type { Socket } from "node:net";
import type { ConnectionManager } from "./connection-manager";
import type { ServerSpan } from "../tracing/span";
import type { CompiledRoute } from "../router/route-compile";
import type { VirtualCluster } from "../router/virtual-clusters";
import type { Cluster } from "../upstream/cluster";
import type { Host } from "../upstream/host";
import type { Writable } from "node:stream";
import { FilterStatus, type ResponseHead } from "./filter";

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
  /** the virtual cluster the router counted the request in (%VIRTUAL_CLUSTER_NAME%), null when none */
  virtualCluster: VirtualCluster | null = null;
  /** Envoy's internal request: x-forwarded-for held one internal address (http/internal-request.ts) */
  internal = false;
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

  // ---- the HTTP filter chain (http/filter-chain.ts)
  /** the next filter to decode (filters before it continued) */
  filterIndex = 0;
  /** per-filter state, by filter index; null until a filter keeps something */
  filterState: unknown[] | null = null;
  /** the request body a filter read in full (buffer, ext_authz with_request_body): the router sends it as is */
  bufferedBody: Buffer | null = null;
  /** where the response body goes: the client, or an encoder's transform in front of it (compressor) */
  bodySink: Writable;

  constructor(
    readonly hcm: ConnectionManager,
    readonly req: StreamReq,
    readonly res: StreamRes,
  ) {
    req[kStream] = this;
    res[kStream] = this;
    this.bodySink = res;
  }

  /** A filter that stopped decoding goes on with the next filter (then the router). */
  continueDecoding() {
    if (this.res.headersSent || this.res.destroyed) return;
    this.hcm.filters.decode(this);
  }

  /**
   * Writes the response head downstream, through the encoder filters. Every response goes through here: the
   * router's forwarded ones and every local reply.
   */
  writeHead(status: number, headers: string[]) {
    const chain = this.hcm.filters;
    if (chain.encoders === 0) {
      this.responseHeaders = headers;
      this.res.writeHead(status, headers);
      return;
    }
    const head: ResponseHead = { status, headers, transform: null };
    chain.encodeHeaders(this, head);
    this.responseHeaders = head.headers;
    this.res.writeHead(head.status, head.headers);
    if (head.transform !== null) {
      const t = head.transform as Writable & { [kStream]?: Stream };
      t[kStream] = this;
      // %BYTES_SENT% is what reaches the client: count after the transform
      t.on("data", (c: Buffer) => (this.bytesSent += c.length));
      t.pipe(this.res);
      this.bodySink = t;
    }
  }

  /** A response body chunk; false when the client (or the transform) asks to wait for "drain" on `bodySink`. */
  writeBody(chunk: Buffer): boolean {
    const sink = this.bodySink;
    if (sink === this.res) this.bytesSent += chunk.length;
    return sink.write(chunk);
  }

  endBody(chunk?: string | Buffer) {
    const sink = this.bodySink;
    if (chunk !== undefined && sink === this.res) this.bytesSent += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
    sink.end(chunk);
  }

  /** A filter's per-request state (`filterState[index]`). */
  state<T>(index: number): T | undefined {
    return this.filterState?.[index] as T | undefined;
  }

  setState(index: number, value: unknown) {
    (this.filterState ??= [])[index] = value;
  }
}

export { FilterStatus };
