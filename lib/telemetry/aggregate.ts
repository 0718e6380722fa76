// Adding frames up into what the API answers: a series (one point per step) or a summary (one figure per route
// and cluster over the window). Pure: frames in, contract shapes out, whichever store the frames came from.
import type { Latency, RouteTraffic, ClusterTraffic, SeriesPoint, Window } from "../contract/telemetry";
import type { z } from "zod";
import type { Frame, Traffic } from "./frame";
import { HistogramAccumulator } from "./histogram";

export const WINDOWS: Record<Window, { windowMs: number; stepMs: number }> = {
  "5m": { windowMs: 5 * 60_000, stepMs: 1000 },
  "1h": { windowMs: 60 * 60_000, stepMs: 10_000 },
  "24h": { windowMs: 24 * 60 * 60_000, stepMs: 60_000 },
};

/** The window ends at the start of the step still filling (it is left out: its rates would read low). */
export function windowBounds(window: Window, now: number): { from: number; to: number; stepMs: number } {
  const { windowMs, stepMs } = WINDOWS[window];
  const to = Math.floor(now / stepMs) * stepMs;
  return { from: to - windowMs, to, stepMs };
}

/** What a query is about: the whole node, or one route (by stat_prefix, in one or every virtual host), or a cluster. */
export interface Scope {
  node?: string;
  route?: string;
  vhost?: string;
  cluster?: string;
}

/** The traffic of `scope` in a frame (several entries for a route named in more than one virtual host). */
export function pick(f: Frame, scope: Scope, out: Traffic[]): Traffic[] {
  out.length = 0;
  if (scope.cluster !== undefined) {
    const t = f.c[scope.cluster];
    if (t) out.push(t);
  } else if (scope.route !== undefined) {
    if (scope.vhost !== undefined) {
      const t = f.r[scope.vhost]?.[scope.route];
      if (t) out.push(t);
    } else {
      for (const routes of Object.values(f.r)) if (routes[scope.route]) out.push(routes[scope.route]);
    }
  } else {
    out.push(f.d);
    let o = 0;
    for (const c of Object.values(f.c)) o += c.o ?? 0;
    if (o > 0) out.push({ o });
  }
  return out;
}

/** Requests, latency buckets and overflows of one scope, added up. */
export class TrafficAgg {
  readonly q = [0, 0, 0, 0, 0, 0];
  readonly lat = new HistogramAccumulator();
  o = 0;

  add(t: Traffic) {
    if (t.q) for (let i = 0; i < 6; i++) this.q[i] += t.q[i];
    if (t.l) this.lat.add(t.l);
    if (t.o) this.o += t.o;
  }

  figures(seconds: number): { rps: number; errorRatio: number; latency: z.input<typeof Latency> } {
    // rates count responses (the <N>xx counters, bumped when a response is sent), not the *_rq_total counters:
    // those move when a request starts, often in another second than its response, and a cluster's
    // upstream_rq_total leaves out the local replies Envoy charges to it (a breaker's 503 overflow)
    const total = this.q[1] + this.q[2] + this.q[3] + this.q[4] + this.q[5];
    return { rps: rate(total, seconds), errorRatio: total > 0 ? this.q[5] / total : 0, latency: this.lat.latency() };
  }
}

// rates are not rounded: rate × step must give back the exact count (a 60 s step of 1,000 requests is 16.67/s)
const rate = (count: number, seconds: number) => count / seconds;

export interface TimedFrame {
  t: number;
  node: string;
  frame: Frame;
}

/**
 * One point per step from frames in any order of nodes but ascending time. Rates are per second over the step;
 * active connections are each node's last value, carried over steps without a report for up to 5 s (a worker
 * reports once a second, so a second can miss its report while the next has two).
 */
export function seriesPoints(frames: Iterable<TimedFrame>, scope: Scope, from: number, to: number, stepMs: number): SeriesPoint[] {
  const n = Math.max(0, Math.round((to - from) / stepMs));
  const aggs: (TrafficAgg | undefined)[] = new Array(n);
  const connections: Map<string, { t: number; v: number }>[] = new Array(n);
  const scratch: Traffic[] = [];
  const wantsConnections = scope.route === undefined && scope.cluster === undefined;
  for (const { t, node, frame } of frames) {
    if (t < from || t >= to || (scope.node !== undefined && node !== scope.node)) continue;
    const i = Math.floor((t - from) / stepMs);
    const agg = (aggs[i] ??= new TrafficAgg());
    for (const tr of pick(frame, scope, scratch)) agg.add(tr);
    if (wantsConnections && frame.x !== undefined) (connections[i] ??= new Map()).set(node, { t, v: frame.x });
  }
  const points: SeriesPoint[] = [];
  const carried = new Map<string, { t: number; v: number }>();
  const staleMs = Math.max(stepMs, 5000);
  const seconds = stepMs / 1000;
  for (let i = 0; i < n; i++) {
    const t = from + i * stepMs;
    const agg = aggs[i];
    const q = agg?.q ?? [0, 0, 0, 0, 0, 0];
    let active: number | null = null;
    if (wantsConnections) {
      for (const [node, c] of connections[i] ?? []) carried.set(node, c);
      active = 0;
      for (const [node, c] of carried) {
        if (t + stepMs - c.t > staleMs) carried.delete(node);
        else active += c.v;
      }
    }
    points.push({
      t,
      rps: rate(q[1] + q[2] + q[3] + q[4] + q[5], seconds),
      rps1xx: rate(q[1], seconds),
      rps2xx: rate(q[2], seconds),
      rps3xx: rate(q[3], seconds),
      rps4xx: rate(q[4], seconds),
      rps5xx: rate(q[5], seconds),
      latency: agg?.lat.latency() ?? null,
      activeConnections: active,
      overflow: agg?.o ?? 0,
    });
  }
  return points;
}

export interface SummaryFigures {
  fleet: ReturnType<TrafficAgg["figures"]>;
  routes: z.input<typeof RouteTraffic>[];
  clusters: z.input<typeof ClusterTraffic>[];
}

/** Per route and per cluster figures (and the node or fleet's) over `seconds`, busiest first. */
export function summarize(frames: Iterable<TimedFrame>, node: string | undefined, seconds: number): SummaryFigures {
  const fleet = new TrafficAgg();
  const routes = new Map<string, { vhost: string; route: string; agg: TrafficAgg }>();
  const clusters = new Map<string, TrafficAgg>();
  for (const { node: n, frame } of frames) {
    if (node !== undefined && n !== node) continue;
    fleet.add(frame.d);
    for (const [vhost, rs] of Object.entries(frame.r))
      for (const [route, t] of Object.entries(rs)) {
        const key = vhost + "\u0000" + route;
        let r = routes.get(key);
        if (!r) routes.set(key, (r = { vhost, route, agg: new TrafficAgg() }));
        r.agg.add(t);
      }
    for (const [name, t] of Object.entries(frame.c)) {
      let c = clusters.get(name);
      if (!c) clusters.set(name, (c = new TrafficAgg()));
      c.add(t);
    }
  }
  const byRps = (a: { rps: number }, b: { rps: number }) => b.rps - a.rps;
  return {
    fleet: fleet.figures(seconds),
    routes: [...routes.values()].map((r) => ({ vhost: r.vhost, route: r.route, ...r.agg.figures(seconds) })).sort(byRps),
    clusters: [...clusters.entries()].map(([name, agg]) => ({ name, overflow: agg.o, ...agg.figures(seconds) })).sort(byRps),
  };
}
