// The access-log sample (GET /api/access-log): each worker sends a bounded sample of the requests it finished
// every second (`access_log` messages, the fields of Envoy's default format); the console keeps the last
// 5,000 entries of the fleet in memory, newest last, and counts what workers could not send.
import type { AccessLogEntry } from "../../proxy-core/src/access-log/entry";
import type { AccessLogRow } from "../contract/access-log";

export const MAX_ENTRIES = 5000;

export interface AccessLogFilter {
  /** "503" or "5xx" */
  status?: string;
  route?: string;
  pathContains?: string;
  node?: string;
  limit: number;
}

export class AccessLogStore {
  #rows: AccessLogRow[] = [];
  /** entries the workers dropped (their per-second sample was full) since the console started */
  dropped = 0;

  constructor(readonly max = MAX_ENTRIES) {}

  add(node: string, entries: readonly AccessLogEntry[], dropped: number) {
    this.dropped += dropped;
    for (const e of entries)
      this.#rows.push({
        node, startTime: e.startTime, method: e.method, authority: e.authority, path: e.path, protocol: e.protocol, status: e.status,
        responseFlags: e.responseFlags, bytesReceived: e.bytesReceived, bytesSent: e.bytesSent, durationMs: e.durationMs,
        upstreamHost: e.upstreamHost, upstreamCluster: e.upstreamCluster, routeName: e.routeName, requestId: e.requestId, traceId: e.traceId,
      });
    const over = this.#rows.length - this.max;
    if (over > 0) this.#rows.splice(0, over);
  }

  /** Newest first (by start time), every filter narrowing. */
  list(f: AccessLogFilter): AccessLogRow[] {
    const cls = f.status?.endsWith("xx") ? Number(f.status[0]) : null;
    const exact = f.status !== undefined && cls === null ? Number(f.status) : null;
    const out: AccessLogRow[] = [];
    const rows = [...this.#rows].sort((a, b) => b.startTime - a.startTime);
    for (const r of rows) {
      if (out.length >= f.limit) break;
      if (exact !== null && r.status !== exact) continue;
      if (cls !== null && Math.floor(r.status / 100) !== cls) continue;
      if (f.route !== undefined && r.routeName !== f.route) continue;
      if (f.pathContains !== undefined && !r.path.includes(f.pathContains)) continue;
      if (f.node !== undefined && r.node !== f.node) continue;
      out.push(r);
    }
    return out;
  }
}
