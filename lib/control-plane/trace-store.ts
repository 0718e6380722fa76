// The console's trace memory: the last 5,000 spans the workers sent (`{type:"spans"}` messages), grouped into
// traces for GET /api/traces. In memory only, like the live stats next to it: traces are for looking at what
// happens now, a Zipkin provider is the place to keep them.
import type { ZipkinSpan } from "../../proxy-core/src/config/index";

export const MAX_SPANS = 5000;

export interface StoredSpan extends ZipkinSpan {
  /** the worker that sent it */
  node: string;
}

export interface TraceView {
  traceId: string;
  spans: StoredSpan[];
}

function isSpan(v: unknown): v is ZipkinSpan {
  const s = v as ZipkinSpan;
  return !!s && typeof s === "object" && typeof s.traceId === "string" && typeof s.id === "string" && typeof s.name === "string" && typeof s.timestamp === "number";
}

export class TraceStore {
  #spans: StoredSpan[] = [];

  constructor(readonly max = MAX_SPANS) {}

  /** Keeps the well-formed spans of one message; the oldest beyond `max` are forgotten. */
  add(node: string, spans: unknown): number {
    if (!Array.isArray(spans)) return 0;
    let n = 0;
    for (const s of spans) {
      if (!isSpan(s)) continue;
      this.#spans.push({ ...s, node });
      n++;
    }
    const over = this.#spans.length - this.max;
    if (over > 0) this.#spans.splice(0, over);
    return n;
  }

  /** Traces, newest first (by their latest span's start); spans of a trace in start order. */
  traces(limit = 100): TraceView[] {
    const byId = new Map<string, { spans: StoredSpan[]; latest: number }>();
    for (const s of this.#spans) {
      let t = byId.get(s.traceId);
      if (!t) byId.set(s.traceId, (t = { spans: [], latest: -Infinity }));
      t.spans.push(s);
      if (s.timestamp > t.latest) t.latest = s.timestamp;
    }
    return [...byId.entries()]
      .sort((a, b) => b[1].latest - a[1].latest)
      .slice(0, Math.max(0, limit))
      .map(([traceId, t]) => ({ traceId, spans: t.spans.sort((a, b) => a.timestamp - b.timestamp) }));
  }
}
