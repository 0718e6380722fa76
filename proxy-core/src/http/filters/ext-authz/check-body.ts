// The request body for a check (ExtAuthz.with_request_body, Envoy's Filter::decodeData / isBufferFull):
// - by default the whole body is read first, up to max_request_bytes; past that the connection manager answers
//   413 and no check is made (BufferSettings.max_request_bytes). The router then sends the buffered body.
// - with allow_partial_message the check starts once max_request_bytes have arrived (or the body ended), with
//   at most that much of it; the service is told with `x-envoy-auth-partial-body: true`. What was read is put
//   back at the front of the request stream, so the upstream still gets the whole body, streamed.
import { readRequestBody } from "../../request-body";
import type { Stream } from "../../stream";
import type { CheckBody } from "./check-request";

/** null: the body is over max_request_bytes (the caller answers 413) */
export type BodyDone = (s: Stream, body: CheckBody | null) => void;

export function readCheckBody(s: Stream, max: number, allowPartial: boolean, done: BodyDone): void {
  const already = s.bufferedBody;
  if (already !== null) return done(s, { data: already.length > max ? already.subarray(0, max) : already, partial: already.length > max });
  if (!allowPartial)
    return readRequestBody(s, { max, stopAtMax: true, done: (st, body, tooLarge) => done(st, tooLarge ? null : { data: body, partial: false }) });
  readPartial(s, max, done);
}

function readPartial(s: Stream, max: number, done: BodyDone) {
  const req = s.req;
  const chunks: Buffer[] = [];
  let bytes = 0;
  const onData = (chunk: Buffer) => {
    chunks.push(chunk);
    bytes += chunk.length;
    if (bytes < max) return;
    stop();
    const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, bytes);
    // the rest of the body stays in the request stream, behind what was read; the router streams it all
    req.pause();
    req.unshift(all);
    done(s, { data: all.subarray(0, max), partial: all.length > max });
  };
  const onEnd = () => {
    stop();
    const all = Buffer.concat(chunks, bytes);
    s.bufferedBody = all;
    done(s, { data: all, partial: false });
  };
  const stop = () => {
    req.off("data", onData);
    req.off("end", onEnd);
    req.off("close", stop);
  };
  req.on("data", onData);
  req.once("end", onEnd);
  req.once("close", stop);
}

/**
 * After the check let the request go on: a stream paused by readPartial flows again once someone reads it (the
 * router's retry buffer listens for "data" and would otherwise wait forever; undici resumes it by itself).
 */
export function resumeIfRead(s: Stream) {
  const req = s.req;
  if (req.readableFlowing === false && req.listenerCount("data") > 0) req.resume();
}
