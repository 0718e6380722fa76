// A frame: one node's traffic over one step (a second in memory, ten seconds in a rollup row), reduced to the
// series the console charts. Everything else a worker reports stays out of memory windows and SQLite (the latest
// values of every stat are kept apart, for /api/metrics). Pure data, JSON as it is stored.
//
// The series, by Envoy stat name (Envoy's docs: http_conn_man/stats.rst, cluster_manager/cluster_stats.rst,
// router_filter.rst "Route statistics"):
//   http.<prefix>.downstream_rq_{total,1xx..5xx}, http.<prefix>.downstream_rq_time, http.<prefix>.downstream_cx_active
//   cluster.<name>.upstream_rq_{total,1xx..5xx}, …upstream_rq_time, …upstream_rq_pending_overflow
//   vhost.<vhost>.route.<stat_prefix>.upstream_rq_{total,1xx..5xx}, …upstream_rq_time
import type { SparseHistogram } from "./histogram";
import { mergeSparse } from "./histogram";

/** Requests of one scope: `q` = [total, 1xx, 2xx, 3xx, 4xx, 5xx]; `l` latency buckets; `o` breaker overflows. */
export interface Traffic {
  q?: number[];
  l?: SparseHistogram;
  o?: number;
}

export interface Frame {
  /** downstream: every HTTP connection manager of the node */
  d: Traffic;
  /** downstream connections open at the end of the frame (sum over connection managers) */
  x?: number;
  /** routes: virtual host → stat_prefix → traffic */
  r: Record<string, Record<string, Traffic>>;
  /** clusters by name */
  c: Record<string, Traffic>;
  /**
   * fleet rollup rows only: the console replica that wrote the row. Each replica rolls up the nodes it holds, so a
   * bucket has one fleet row per replica, and their connections add up (rollups.ts addRows)
   */
  rp?: string;
}

export const emptyFrame = (): Frame => ({ d: {}, r: {}, c: {} });

export const CLASS_INDEX: Record<string, number> = { total: 0, "1xx": 1, "2xx": 2, "3xx": 3, "4xx": 4, "5xx": 5 };

/** Where a stat lands in a frame. `field`: a `q` index, "o" (overflow), "l" (latency) or "x" (connections). */
export type Series =
  | { scope: "d"; field: number | "l" | "x" }
  | { scope: "c"; cluster: string; field: number | "l" | "o" }
  | { scope: "r"; vhost: string; route: string; field: number | "l" };

const HTTP_RE = /^http\.(.+)\.downstream_(rq_(?:total|[1-5]xx)|rq_time|cx_active)$/;
const CLUSTER_RE = /^cluster\.(.+)\.upstream_rq_(total|[1-5]xx|time|pending_overflow)$/;
const ROUTE_RE = /^vhost\.(.+?)\.route\.(.+)\.upstream_rq_(total|[1-5]xx|time)$/;

/** The series a stat name feeds, or null for the (many) stats the console does not chart. */
export function classify(name: string): Series | null {
  let m: RegExpExecArray | null;
  switch (name.charCodeAt(0)) {
    case 104 /* h */:
      if ((m = HTTP_RE.exec(name)) === null) return null;
      if (m[2] === "rq_time") return { scope: "d", field: "l" };
      if (m[2] === "cx_active") return { scope: "d", field: "x" };
      return { scope: "d", field: CLASS_INDEX[m[2].slice(3)] };
    case 99 /* c */:
      if ((m = CLUSTER_RE.exec(name)) === null) return null;
      return { scope: "c", cluster: m[1], field: m[2] === "time" ? "l" : m[2] === "pending_overflow" ? "o" : CLASS_INDEX[m[2]] };
    case 118 /* v */:
      if ((m = ROUTE_RE.exec(name)) === null) return null;
      return { scope: "r", vhost: m[1], route: m[2], field: m[3] === "time" ? "l" : CLASS_INDEX[m[3]] };
    default:
      return null;
  }
}

const CACHE_MAX = 50_000;
const cache = new Map<string, Series | null>();

/** `classify` remembered per name: a worker reports the same few hundred names every second. */
export function classifyCached(name: string): Series | null {
  let s = cache.get(name);
  if (s === undefined) {
    s = classify(name);
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(name, s);
  }
  return s;
}

function trafficOf(f: Frame, s: Series): Traffic {
  if (s.scope === "d") return f.d;
  if (s.scope === "c") return (f.c[s.cluster] ??= {});
  const vh = (f.r[s.vhost] ??= {});
  return (vh[s.route] ??= {});
}

/** Adds a counter delta to the frame (a no-op for stats that are not series). */
export function addCount(f: Frame, s: Series, delta: number) {
  if (delta === 0 || s.field === "l" || s.field === "x") return;
  const t = trafficOf(f, s);
  if (s.field === "o") t.o = (t.o ?? 0) + delta;
  else (t.q ??= [0, 0, 0, 0, 0, 0])[s.field] += delta;
}

export function addLatency(f: Frame, s: Series, h: SparseHistogram) {
  if (s.field !== "l" || h.n === 0) return;
  const t = trafficOf(f, s);
  t.l = mergeSparse(t.l, h);
}

function addTraffic(into: Traffic, t: Traffic) {
  if (t.q) {
    const q = (into.q ??= [0, 0, 0, 0, 0, 0]);
    for (let i = 0; i < 6; i++) q[i] += t.q[i];
  }
  if (t.l) into.l = mergeSparse(into.l, t.l);
  if (t.o) into.o = (into.o ?? 0) + t.o;
}

/**
 * Adds `f` (a later step of the same node) into `into`: counts and buckets add up, connections are those at the
 * end, i.e. `f`'s when it has them.
 */
export function mergeInto(into: Frame, f: Frame): Frame {
  addTraffic(into.d, f.d);
  if (f.x !== undefined) into.x = f.x;
  for (const [vh, routes] of Object.entries(f.r)) {
    const target = (into.r[vh] ??= {});
    for (const [sp, t] of Object.entries(routes)) addTraffic((target[sp] ??= {}), t);
  }
  for (const [name, t] of Object.entries(f.c)) addTraffic((into.c[name] ??= {}), t);
  return into;
}
