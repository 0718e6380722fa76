// Per-request state shared by the connection manager and the router. One object per request; the
// listeners registered on req/res are module-level functions that find it through a symbol, so a request
// allocates no closures.
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import type { ConnectionManager } from "./connection-manager";
import type { UpstreamRequest } from "../router/upstream-request";

export const kStream = Symbol("signalbox.stream");

export type StreamReq = IncomingMessage & { [kStream]?: Stream };
export type StreamRes = ServerResponse & { [kStream]?: Stream };

export class Stream {
  readonly startMs = performance.now();
  /** when the downstream request was fully received (NaN until then) */
  requestCompleteMs = NaN;
  upstream: UpstreamRequest | null = null;
  /** request headers for the upstream, copied once from rawHeaders */
  headers: string[] = [];
  host = "";
  hasBody = false;

  constructor(
    readonly hcm: ConnectionManager,
    readonly req: StreamReq,
    readonly res: StreamRes,
  ) {
    req[kStream] = this;
    res[kStream] = this;
  }
}
