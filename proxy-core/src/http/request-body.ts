// Reading a request body whole, for filters that need all of it before the request goes on (Envoy's decoder
// buffering: the buffer filter, ext_authz with_request_body). The chunks become `s.bufferedBody`, which the
// router then sends as is. Past `max` bytes the caller decides: Envoy answers 413 (buffer) or sends what it has
// (ext_authz with allow_partial_message).
import type { Stream, StreamReq } from "./stream";
import { kStream } from "./stream";

export interface BodyReader {
  max: number;
  /** stop at `max` and report `tooLarge` (else read on and keep only the first `max` bytes) */
  stopAtMax: boolean;
  done(s: Stream, body: Buffer, tooLarge: boolean): void;
}

interface Reading {
  reader: BodyReader;
  chunks: Buffer[];
  bytes: number;
  over: boolean;
}

const kReading = Symbol("signalbox.bodyReading");
type ReadingReq = StreamReq & { [kReading]?: Reading };

/** Reads `s`'s body (a request without one completes at once with an empty buffer). */
export function readRequestBody(s: Stream, reader: BodyReader) {
  if (!s.hasBody || s.bufferedBody !== null) return reader.done(s, s.bufferedBody ?? EMPTY, false);
  const req = s.req as ReadingReq;
  req[kReading] = { reader, chunks: [], bytes: 0, over: false };
  req.on("data", onData);
  req.once("end", onEnd);
}

const EMPTY = Buffer.alloc(0);

function onData(this: ReadingReq, chunk: Buffer) {
  const r = this[kReading]!;
  if (r.over) return;
  if (r.bytes + chunk.length > r.reader.max) {
    r.over = true;
    const room = r.reader.max - r.bytes;
    if (room > 0) r.chunks.push(chunk.subarray(0, room));
    r.bytes = r.reader.max;
    if (r.reader.stopAtMax) finish(this, true);
    return;
  }
  r.chunks.push(chunk);
  r.bytes += chunk.length;
}

function onEnd(this: ReadingReq) {
  if (this[kReading] !== undefined) finish(this, this[kReading].over);
}

function finish(req: ReadingReq, tooLarge: boolean) {
  const r = req[kReading]!;
  req[kReading] = undefined;
  req.off("data", onData);
  req.off("end", onEnd);
  const s = req[kStream]!;
  const body = r.chunks.length === 1 ? r.chunks[0] : Buffer.concat(r.chunks, r.bytes);
  // what was read is the whole body unless it was cut short; the rest (if any) is drained with the request
  if (!tooLarge) s.bufferedBody = body;
  else req.resume();
  r.reader.done(s, body, tooLarge);
}
