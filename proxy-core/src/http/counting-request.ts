// Request body bytes as the HTTP parser pushes them (decoded: chunked framing excluded), which is Envoy's
// %BYTES_RECEIVED%. Only requests someone logs are counted: their `push` is swapped for one that adds up the
// chunks. The parser pushes the body only after the 'request' event, so nothing is missed; and unlike a 'data'
// listener, this leaves the stream's flow to whoever consumes it (the router, undici).
import { IncomingMessage } from "node:http";

type CountedRequest = IncomingMessage & { bodyBytes?: number };

const push = IncomingMessage.prototype.push;

function countingPush(this: CountedRequest, chunk: unknown, encoding?: BufferEncoding): boolean {
  if (chunk !== null && chunk !== undefined) this.bodyBytes! += (chunk as Buffer).length;
  return push.call(this, chunk, encoding);
}

/** From now on `req` counts its body bytes (read them with requestBodyBytes). */
export function countBodyBytes(req: IncomingMessage) {
  (req as CountedRequest).bodyBytes = 0;
  req.push = countingPush;
}

/** The body bytes received so far; 0 for a request that was not counted. */
export function requestBodyBytes(req: IncomingMessage): number {
  return (req as CountedRequest).bodyBytes ?? 0;
}
