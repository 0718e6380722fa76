// The console's view of traffic: a compact entry per finished request (entry.ts), only while someone drains the
// queue (the xDS client sets `enabled`), at most `perSecond` of them kept each second, the rest counted as
// dropped. Nothing is built or allocated for a request while the queue is disabled.
import { performance } from "node:perf_hooks";
import type { Stream } from "../http/stream";
import { responseFlagsShort } from "../http/response-flags";
import { ACCESS_LOG_ENTRY_MAX_TEXT, type AccessLogEntry } from "./entry";
import { requestBodyBytes } from "../http/counting-request";

function firstHeader(headers: readonly string[], lowerName: string): string | null {
  const n = lowerName.length;
  for (let i = 0; i < headers.length; i += 2) if (headers[i].length === n && headers[i].toLowerCase() === lowerName) return headers[i + 1];
  return null;
}

const clip = (v: string) => (v.length > ACCESS_LOG_ENTRY_MAX_TEXT ? v.slice(0, ACCESS_LOG_ENTRY_MAX_TEXT) : v);

/** The entry of a finished stream. */
export function accessLogEntry(s: Stream, listener: string, statPrefix: string): AccessLogEntry {
  const res = s.res;
  return {
    startTime: Math.floor(performance.timeOrigin + s.startMs),
    listener,
    statPrefix,
    method: s.req.method ?? "GET",
    authority: clip(s.host),
    path: clip(s.req.url ?? "/"),
    protocol: `HTTP/${s.req.httpVersion}`,
    status: res.headersSent ? res.statusCode : 0,
    responseFlags: responseFlagsShort(s.responseFlags),
    responseCodeDetails: s.details === "" ? null : s.details,
    bytesReceived: requestBodyBytes(s.req),
    bytesSent: s.bytesSent,
    durationMs: Math.max(0, Math.floor(s.endMs - s.startMs)),
    upstreamHost: s.upstreamHost?.label ?? null,
    upstreamCluster: s.cluster?.name ?? null,
    routeName: s.route?.config.name ?? null,
    requestId: firstHeader(s.headers, "x-request-id"),
    traceId: s.trace?.traceId ?? null,
  };
}

export class AccessLogSampleQueue {
  /** set by whoever drains the queue (the xDS client, a cluster worker's reporter) */
  enabled = false;
  /** entries not kept: over `perSecond`, or pushed out of a queue nobody drained */
  dropped = 0;
  #entries: AccessLogEntry[] = [];
  #second = 0;
  #keptThisSecond = 0;

  constructor(
    readonly perSecond = 100,
    /** the most entries held between two take() calls */
    readonly max = 1000,
  ) {}

  /** A stream finished (call only while `enabled`). */
  offer(s: Stream, listener: string, statPrefix: string) {
    const second = Math.floor(Date.now() / 1000);
    if (second !== this.#second) {
      this.#second = second;
      this.#keptThisSecond = 0;
    }
    if (this.#keptThisSecond >= this.perSecond) {
      this.dropped++;
      return;
    }
    this.#keptThisSecond++;
    this.#entries.push(accessLogEntry(s, listener, statPrefix));
    if (this.#entries.length > this.max) {
      this.#entries.shift();
      this.dropped++;
    }
  }

  /** Entries another process sampled (a --concurrency worker's report), kept under the same bound. */
  push(entries: readonly AccessLogEntry[], dropped: number) {
    this.dropped += dropped;
    if (!this.enabled) {
      this.dropped += entries.length;
      return;
    }
    for (const e of entries) this.#entries.push(e);
    const over = this.#entries.length - this.max;
    if (over > 0) {
      this.#entries.splice(0, over);
      this.dropped += over;
    }
  }

  /** Drops counted since the last call. */
  takeDropped(): number {
    const n = this.dropped - this.#reportedDropped;
    this.#reportedDropped = this.dropped;
    return n;
  }
  #reportedDropped = 0;

  /** Everything queued (oldest first), or null when empty. */
  take(): AccessLogEntry[] | null {
    if (this.#entries.length === 0) return null;
    const out = this.#entries;
    this.#entries = [];
    return out;
  }
}
