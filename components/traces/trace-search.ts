// The Traces page's search: what the form holds and how it sits in the URL (so a search is a link). GET
// /api/traces applies it; a trace matches when one of its spans does, its SERVER span for status and duration.
import type { TraceView } from "@/lib/contract/traces";

export const TRACE_WINDOWS = { "5m": 5 * 60_000, "15m": 15 * 60_000, "1h": 60 * 60_000, "24h": 24 * 60 * 60_000 } as const;
export type TraceWindow = keyof typeof TRACE_WINDOWS;

export interface TraceSearch {
  traceId?: string;
  /** the route's name */
  route?: string;
  cluster?: string;
  /** a text the request's URL contains */
  path?: string;
  /** "503" or "5xx" */
  status?: string;
  minDurationMs?: number;
  /** traces that started within this long before the search ran */
  window?: TraceWindow;
}

export const STATUS_PATTERN = /^([1-5]xx|\d{3})$/;

/** The form's text fields as a search; `errors` names the fields that cannot be searched by. */
export function parseSearchForm(form: Record<keyof TraceSearch, string>): { search: TraceSearch; errors: Partial<Record<keyof TraceSearch, string>> } {
  const errors: Partial<Record<keyof TraceSearch, string>> = {};
  const t = (s: string) => s.trim() || undefined;
  const status = t(form.status)?.toLowerCase();
  if (status && !STATUS_PATTERN.test(status)) errors.status = "an exact code (503) or a class (5xx)";
  const min = t(form.minDurationMs);
  const minMs = min === undefined ? undefined : Number(min);
  if (minMs !== undefined && !(Number.isFinite(minMs) && minMs >= 0)) errors.minDurationMs = "milliseconds, 0 or more";
  const traceId = t(form.traceId)?.toLowerCase();
  if (traceId && !/^[0-9a-f]{1,32}$/.test(traceId)) errors.traceId = "hexadecimal, up to 32 digits";
  const window = t(form.window);
  return {
    search: {
      traceId,
      route: t(form.route),
      cluster: t(form.cluster),
      path: t(form.path),
      status,
      minDurationMs: minMs,
      window: window && window in TRACE_WINDOWS ? (window as TraceWindow) : undefined,
    },
    errors,
  };
}

export function searchToForm(s: TraceSearch): Record<keyof TraceSearch, string> {
  return {
    traceId: s.traceId ?? "",
    route: s.route ?? "",
    cluster: s.cluster ?? "",
    path: s.path ?? "",
    status: s.status ?? "",
    minDurationMs: s.minDurationMs === undefined ? "" : String(s.minDurationMs),
    window: s.window ?? "",
  };
}

const KEYS = ["traceId", "route", "cluster", "path", "status", "minDurationMs", "window"] as const;

export function searchFromParams(p: URLSearchParams): TraceSearch {
  const form = Object.fromEntries(KEYS.map((k) => [k, p.get(k) ?? ""])) as Record<keyof TraceSearch, string>;
  const { search, errors } = parseSearchForm(form);
  for (const k of Object.keys(errors) as (keyof TraceSearch)[]) delete search[k];
  return search;
}

export function searchToParams(s: TraceSearch): string {
  const q = new URLSearchParams();
  for (const k of KEYS) if (s[k] !== undefined) q.set(k, String(s[k]));
  return q.toString();
}

export function serverSpan(t: TraceView) {
  return t.spans.find((s) => s.kind === "SERVER" && !t.spans.some((p) => p.id === s.parentId)) ?? t.spans.find((s) => s.kind === "SERVER") ?? t.spans[0];
}

/** The route a span names: Envoy puts no route name on spans; a worker may add a `route_name` tag. */
export const routeNameOf = (t: TraceView): string | undefined => t.spans.map((s) => s.tags.route_name).find(Boolean);

export function traceStartMs(t: TraceView): number {
  return Math.min(...t.spans.map((s) => s.timestamp)) / 1000;
}
