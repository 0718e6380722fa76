// The console's trace memory: the last 5,000 spans the workers sent (`{type:"spans"}` messages), grouped into
// traces and searched for GET /api/traces. In memory only, like the live window next to it: traces are for
// looking at what happens now; a Zipkin collector (settings: zipkinCollectorUrl) is the place to keep them.
import type { ZipkinSpan } from "../../proxy-core/src/config/index";
import type { StoredSpan, TraceView } from "../contract/traces";

export const MAX_SPANS = 5000;

export type { StoredSpan, TraceView };

interface Kept {
  span: StoredSpan;
  /** the route that served it (SERVER spans): the worker's `route_name` tag, else resolved by the console */
  route: string | null;
}

export interface TraceFilter {
  limit: number;
  traceId?: string;
  route?: string;
  cluster?: string;
  /** a text the SERVER span's `http.url` contains */
  path?: string;
  /** "503" or "5xx" */
  status?: string;
  minDurationMs?: number;
  /** epoch ms, on the trace's start */
  since?: number;
  until?: number;
}

const statusMatches = (want: string, got: string | undefined) =>
  got !== undefined && (want.endsWith("xx") ? got.length === 3 && got[0] === want[0] : got === want);

export class TraceStore {
  #spans: Kept[] = [];

  constructor(readonly max = MAX_SPANS) {}

  /**
   * Keeps one message's spans (already checked against the protocol); the oldest beyond `max` are forgotten.
   * `routeOf` names the route of a SERVER span that carries no `route_name` tag.
   */
  add(node: string, spans: readonly ZipkinSpan[], routeOf: (s: ZipkinSpan) => string | null = () => null): number {
    for (const s of spans) {
      const route = s.kind === "SERVER" ? (s.tags.route_name ?? routeOf(s)) : null;
      this.#spans.push({ span: { ...s, node }, route });
    }
    const over = this.#spans.length - this.max;
    if (over > 0) this.#spans.splice(0, over);
    return spans.length;
  }

  /** Traces, newest first (by their latest span's start); spans of a trace in start order. */
  traces(limit = 100): TraceView[] {
    return this.search({ limit });
  }

  /** Every filter narrows; a trace matches when one of its spans does (its SERVER span for status and duration). */
  search(f: TraceFilter): TraceView[] {
    const byId = new Map<string, { kept: Kept[]; latest: number; start: number }>();
    for (const k of this.#spans) {
      const s = k.span;
      if (f.traceId !== undefined && s.traceId !== f.traceId) continue;
      let t = byId.get(s.traceId);
      if (!t) byId.set(s.traceId, (t = { kept: [], latest: -Infinity, start: Infinity }));
      t.kept.push(k);
      if (s.timestamp > t.latest) t.latest = s.timestamp;
      if (s.timestamp < t.start) t.start = s.timestamp;
    }
    const out: TraceView[] = [];
    for (const [traceId, t] of [...byId.entries()].sort((a, b) => b[1].latest - a[1].latest)) {
      if (out.length >= f.limit) break;
      if (!matches(t.kept, t.start, f)) continue;
      out.push({ traceId, spans: t.kept.map((k) => k.span).sort((a, b) => a.timestamp - b.timestamp) });
    }
    return out;
  }
}

function matches(kept: Kept[], startUs: number, f: TraceFilter): boolean {
  const startMs = startUs / 1000;
  if (f.since !== undefined && startMs < f.since) return false;
  if (f.until !== undefined && startMs > f.until) return false;
  if (f.route !== undefined && !kept.some((k) => k.route === f.route)) return false;
  if (f.cluster !== undefined && !kept.some((k) => k.span.tags.upstream_cluster === f.cluster)) return false;
  const servers = kept.filter((k) => k.span.kind === "SERVER");
  if (f.path !== undefined && !servers.some((k) => k.span.tags["http.url"]?.includes(f.path!))) return false;
  if (f.status !== undefined && !servers.some((k) => statusMatches(f.status!, k.span.tags["http.status_code"]))) return false;
  if (f.minDurationMs !== undefined && !servers.some((k) => k.span.duration >= f.minDurationMs! * 1000)) return false;
  return true;
}
