// Per-request state shared by the connection manager and the router. One object per request; the
// listeners registered on req/res are module-level functions that find it through a symbol, so a request
// allocates no closures.
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import type { ConnectionManager } from "./connection-manager";
import type { ServerSpan } from "../tracing/span";

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
  /** set for an HTTP/1.1 Upgrade (WebSocket) request: the raw client socket and bytes after the head (listener engineer, issue #3) */
  upgrade: { socket: import("node:net").Socket; head: Buffer } | null = null;
  /** sampled requests only (src/tracing/): the spans being recorded */
  trace: ServerSpan | null = null;

  constructor(
    readonly hcm: ConnectionManager,
    readonly req: StreamReq,
    readonly res: StreamRes,
  ) {
    req[kStream] = this;
    res[kStream] = this;
  }
}
