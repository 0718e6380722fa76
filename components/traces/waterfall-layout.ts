// The trace waterfall's view model: spans as a tree (the proxy's SERVER span, its upstream attempts as CLIENT
// children, a retry as one more child), each placed on the trace's shared time scale. Zipkin times are µs.
import type { StoredSpan, TraceView } from "@/lib/contract/traces";

export interface WaterfallRow {
  span: StoredSpan;
  depth: number;
  /** percent of the trace's duration */
  left: number;
  width: number;
  /** from the trace's start, ms */
  offsetMs: number;
  durationMs: number;
  /** 1, 2, … for the upstream attempts under a span, in start order */
  attempt: number | null;
  retry: boolean;
  status: string | null;
  error: boolean;
  cluster: string | null;
}

export interface Waterfall {
  startUs: number;
  durationMs: number;
  rows: WaterfallRow[];
}

export function waterfallLayout(trace: TraceView): Waterfall {
  const spans = trace.spans;
  if (!spans.length) return { startUs: 0, durationMs: 0, rows: [] };
  const startUs = Math.min(...spans.map((s) => s.timestamp));
  const endUs = Math.max(...spans.map((s) => s.timestamp + s.duration));
  const total = Math.max(1, endUs - startUs);
  const ids = new Set(spans.map((s) => s.id));
  const children = new Map<string, StoredSpan[]>();
  const roots: StoredSpan[] = [];
  for (const s of spans) {
    // a parent outside this trace (the caller's span) makes this span a root here
    if (s.parentId && ids.has(s.parentId) && s.parentId !== s.id) {
      const list = children.get(s.parentId) ?? [];
      list.push(s);
      children.set(s.parentId, list);
    } else roots.push(s);
  }
  const byStart = (a: StoredSpan, b: StoredSpan) => a.timestamp - b.timestamp || (a.kind === "SERVER" ? -1 : 1);
  const rows: WaterfallRow[] = [];
  const seen = new Set<StoredSpan>();
  const visit = (s: StoredSpan, depth: number, attempt: number | null) => {
    if (seen.has(s)) return;
    seen.add(s);
    const status = s.tags["http.status_code"] ?? null;
    rows.push({
      span: s,
      depth,
      left: ((s.timestamp - startUs) / total) * 100,
      width: (s.duration / total) * 100,
      offsetMs: (s.timestamp - startUs) / 1000,
      durationMs: s.duration / 1000,
      attempt,
      retry: attempt !== null && (attempt > 1 || s.tags["retry.count"] !== undefined),
      status,
      error: s.tags.error === "true" || status === "0" || (status !== null && Number(status) >= 500),
      cluster: s.tags.upstream_cluster ?? null,
    });
    let n = 0;
    for (const c of (children.get(s.id) ?? []).sort(byStart)) visit(c, depth + 1, c.kind === "CLIENT" ? ++n : null);
  };
  for (const r of roots.sort(byStart)) visit(r, 0, null);
  return { startUs, durationMs: total / 1000, rows };
}

/** The row's name in the waterfall: the proxy span by its operation, an attempt by number and cluster. */
export function rowLabel(r: WaterfallRow): string {
  if (r.span.kind === "SERVER") return `${r.span.name} (proxy)`;
  if (r.attempt !== null) return `${r.retry ? "retry" : "attempt"} ${r.attempt} → ${r.cluster ?? "?"}`;
  return r.span.name;
}
