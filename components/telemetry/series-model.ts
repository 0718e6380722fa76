// Series and summaries as the charts and tiles draw them. Pure: the Overview, the cluster's Traffic tab and the
// tests share these, and the charts get ready rows so they never reshape data while rendering.
import type { Series, SeriesPoint, TrafficSummary, VersionMarker } from "@/lib/contract/telemetry";
import type { ChartConfig, ChartMarker } from "@/components/charts/chart-container";
import { clock } from "@/components/charts/time-scale";

export const RPS_CONFIG: ChartConfig = {
  rps2xx: { label: "2xx", color: "var(--green)" },
  rps3xx: { label: "3xx", color: "var(--chart-1)" },
  rps4xx: { label: "4xx", color: "var(--amber)" },
  rps5xx: { label: "5xx", color: "var(--red)" },
  rps1xx: { label: "1xx", color: "var(--grey)" },
  noResponse: { label: "no response", color: "var(--grey)" },
};

export const LATENCY_CONFIG: ChartConfig = {
  p50: { label: "p50", color: "var(--chart-1)" },
  p90: { label: "p90", color: "var(--amber)" },
  p99: { label: "p99", color: "var(--red)" },
};

export type RpsRow = { t: number; rps1xx: number; rps2xx: number; rps3xx: number; rps4xx: number; rps5xx: number; noResponse: number };
export type LatencyRow = { t: number; p50: number | null; p90: number | null; p99: number | null };

/** Requests/s by class; what no class counts (requests answered without a response) shows as "no response". */
export function rpsRows(points: SeriesPoint[]): RpsRow[] {
  return points.map((p) => {
    const classified = p.rps1xx + p.rps2xx + p.rps3xx + p.rps4xx + p.rps5xx;
    return { t: p.t, rps1xx: p.rps1xx, rps2xx: p.rps2xx, rps3xx: p.rps3xx, rps4xx: p.rps4xx, rps5xx: p.rps5xx, noResponse: Math.max(0, round6(p.rps - classified)) };
  });
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

export function latencyRows(points: SeriesPoint[]): LatencyRow[] {
  return points.map((p) => ({ t: p.t, p50: p.latency?.p50 ?? null, p90: p.latency?.p90 ?? null, p99: p.latency?.p99 ?? null }));
}

/** Only the classes that occur get a legend entry and an area. */
export function usedConfig(config: ChartConfig, rows: Record<string, number | null>[]): ChartConfig {
  const used = Object.entries(config).filter(([k]) => rows.some((r) => (r[k] ?? 0) > 0));
  return Object.fromEntries(used.length ? used : Object.entries(config).slice(0, 1));
}

export const versionHref = (versionId: string) => `/versions?diff=${encodeURIComponent(versionId)}`;

export function markerOf(m: VersionMarker): ChartMarker {
  const what = m.kind === "rollback" ? "rollback" : "publish";
  return {
    key: `${m.versionId}-${m.t}`,
    t: m.t,
    label: `v${m.number} ${what} by ${m.author}${m.message ? `: ${m.message}` : ""}`,
    title: [`v${m.number} · ${what}`, `by ${m.author} at ${clock(m.t)}`, m.message || "(no message)"],
    href: versionHref(m.versionId),
    color: m.kind === "rollback" ? "var(--amber)" : "var(--accent)",
  };
}

export interface TileFigure {
  /** the latest step's value; null when there is none (no samples) */
  now: number | null;
  spark: { t: number; v: number | null }[];
}

export interface TileFigures {
  rps: TileFigure;
  errorRatio: TileFigure;
  p99: TileFigure;
  activeConnections: TileFigure;
  trips: TileFigure;
}

const errorRatio = (p: SeriesPoint) => (p.rps > 0 ? p.rps5xx / p.rps : 0);

/**
 * The KPI tiles: each figure's latest step, and its sparkline over the series. Trips in the last hour come from
 * the summary (a count, not a rate); their sparkline is the requests refused by breakers per step.
 */
export function tileFigures(series: Series | undefined, summary: TrafficSummary | undefined): TileFigures {
  const pts = series?.points ?? [];
  const last = pts[pts.length - 1];
  const fig = (f: (p: SeriesPoint) => number | null): TileFigure => ({ now: last ? f(last) : null, spark: pts.map((p) => ({ t: p.t, v: f(p) })) });
  return {
    rps: fig((p) => p.rps),
    errorRatio: fig(errorRatio),
    p99: fig((p) => p.latency?.p99 ?? null),
    activeConnections: fig((p) => p.activeConnections),
    trips: { now: summary ? summary.fleet.tripsLastHour : null, spark: pts.map((p) => ({ t: p.t, v: p.overflow })) },
  };
}

export const seriesIsQuiet = (series: Series) => series.points.every((p) => p.rps === 0);

/** True when the window saw no request at all (both answers agree): the Overview then offers demo traffic. */
export function noTraffic(seriesQuiet: boolean | undefined, summary: TrafficSummary | undefined): boolean {
  if (seriesQuiet === undefined || !summary) return false;
  return summary.fleet.rps === 0 && seriesQuiet;
}

export interface RankedRoute {
  vhost: string;
  route: string;
  rps: number;
  errorRatio: number;
  errorRps: number;
  p99: number | null;
}

/** Top routes by requests/s, and by errors/s (5xx share × rate), the largest first; ties by name. */
export function topRoutes(summary: TrafficSummary | undefined, n = 5): { byTraffic: RankedRoute[]; byErrors: RankedRoute[] } {
  const all: RankedRoute[] = (summary?.routes ?? []).map((r) => ({
    vhost: r.vhost,
    route: r.route,
    rps: r.rps,
    errorRatio: r.errorRatio,
    errorRps: r.rps * r.errorRatio,
    p99: r.latency?.p99 ?? null,
  }));
  const byName = (a: RankedRoute, b: RankedRoute) => `${a.vhost}/${a.route}`.localeCompare(`${b.vhost}/${b.route}`);
  return {
    byTraffic: all.filter((r) => r.rps > 0).sort((a, b) => b.rps - a.rps || byName(a, b)).slice(0, n),
    byErrors: all.filter((r) => r.errorRps > 0).sort((a, b) => b.errorRps - a.errorRps || byName(a, b)).slice(0, n),
  };
}
