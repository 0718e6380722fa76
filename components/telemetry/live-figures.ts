// Figures per route and per cluster for table cells: from the live tick (the last second) while the live channel
// is open, otherwise from the 5-minute summary. Lists are indexed once per answer (cached by identity), so a
// table of many rows looks each one up in constant time on every tick.
import type { ClusterTraffic, RouteTraffic } from "@/lib/contract/telemetry";

export type FigureKind = "rps" | "errorRatio" | "p99";

export type TrafficTarget = { type: "route"; vhost: string; route: string } | { type: "cluster"; name: string };

type Figures = { rps: number; errorRatio: number; latency: { p50: number; p90: number; p99: number } | null };

const routeIndexes = new WeakMap<readonly RouteTraffic[], Map<string, Figures>>();
const clusterIndexes = new WeakMap<readonly ClusterTraffic[], Map<string, Figures>>();

export const routeKey = (vhost: string, route: string) => `${vhost}\u0000${route}`;

function routeIndex(list: readonly RouteTraffic[]) {
  let m = routeIndexes.get(list);
  if (!m) routeIndexes.set(list, (m = new Map(list.map((r) => [routeKey(r.vhost, r.route), r]))));
  return m;
}

function clusterIndex(list: readonly ClusterTraffic[]) {
  let m = clusterIndexes.get(list);
  if (!m) clusterIndexes.set(list, (m = new Map(list.map((c) => [c.name, c]))));
  return m;
}

export function lookup(src: { routes: readonly RouteTraffic[]; clusters: readonly ClusterTraffic[] }, t: TrafficTarget): Figures | undefined {
  return t.type === "route" ? routeIndex(src.routes).get(routeKey(t.vhost, t.route)) : clusterIndex(src.clusters).get(t.name);
}

/**
 * One figure of a target. A target missing from a tick had no request that second: 0 requests/s and no ratio or
 * latency to show (null). Missing from a summary: the same over its window.
 */
export function pickFigure(f: Figures | undefined, kind: FigureKind): number | null {
  if (!f) return kind === "rps" ? 0 : null;
  if (kind === "rps") return f.rps;
  if (kind === "errorRatio") return f.rps > 0 ? f.errorRatio : null;
  return f.latency?.p99 ?? null;
}

/** The Envoy route's `stat_prefix`, when it has one: route stats exist only for routes that set it. */
export function statPrefixOf(route: object): string | undefined {
  const p = (route as { stat_prefix?: unknown }).stat_prefix;
  return typeof p === "string" && p.length > 0 ? p : undefined;
}
