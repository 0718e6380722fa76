// The read side of telemetry, what the API answers: series and summaries over 5m (per second, from memory),
// 1h (10 s steps) and 24h (1 min steps) from SQLite rollups plus the recent seconds not written yet; a cluster
// right now from the latest reports; trips paired from the event feed; events; traces; Prometheus text.
import type { z } from "zod";
import type { ClusterLive, ScopeQuery, Series, TrafficSummary, TripList, VersionMarker, Window } from "../contract/telemetry";
import type { EventList, EventsQuery } from "../contract/events";
import type { LivePoint } from "../contract/stats";
import type { TraceFilter } from "./trace-store";
import { eventsOfKind, listEvents } from "../repos/event-repo";
import { listRollups } from "../repos/rollup-repo";
import { versionsCreatedBetween } from "../repos/version-repo";
import { renderPrometheusText, type PrometheusSource } from "../../proxy-core/src/stats/prometheus";
import { seriesPoints, summarize, windowBounds, WINDOWS, type TimedFrame } from "./aggregate";
import type { ClusterReports } from "./cluster-reports";
import type { EventLog } from "./event-log";
import type { Frame } from "./frame";
import type { TelemetryIngest } from "./ingest";
import type { LiveWindow } from "./live-window";
import { WINDOW_SECONDS } from "./live-window";
import { addRows, FLEET, type Rollups } from "./rollups";
import type { TraceStore } from "./trace-store";
import { pairTrips } from "./trips";
import { currentEnvironment } from "../environment/scope";

export interface QueryParts {
  window: LiveWindow;
  rollups: Rollups;
  events: EventLog;
  traces: TraceStore;
  clusters: ClusterReports;
  ingest: TelemetryIngest;
  /** cluster names of the live version (a cluster nobody reports yet still exists) */
  liveClusters: () => string[];
  /**
   * the oldest bucket of `step` the other live replicas have not written yet (frame-exchange.ts; Infinity: none):
   * their nodes' seconds from it on are read from this replica's memory window, where their frames are merged
   */
  remoteUnpersistedSince?: (step: number) => number;
  now: () => number;
}

/** how far back an open trip is looked for when a window starts in its middle */
const TRIP_LOOKBACK_MS = 60 * 60_000;
/** the cluster page's "now": the last minute */
const CLUSTER_TRAFFIC_MS = 60_000;

export class TelemetryQueries {
  constructor(private readonly p: QueryParts) {}

  /**
   * Frames of [from, to): rollup rows (10 s for 1h, 60 s for 24h; the node's, or the fleet's sums) from SQLite up
   * to what is written, then the in-memory seconds. The two never overlap, so nothing counts twice. With several
   * console replicas the seam is the oldest bucket one of them has not written yet, and a bucket's rows (one per
   * replica that rolled up some of it) are added up into one frame.
   */
  async *frames(window: Window, from: number, to: number, node?: string): AsyncGenerator<TimedFrame> {
    if (window === "5m") {
      yield* this.p.window.frames(from, to, node);
      return;
    }
    const step = WINDOWS[window].stepMs === 60_000 ? 60_000 : 10_000;
    await this.p.rollups.flush();
    const now = this.p.now();
    // the memory window covers the last 5 minutes; should writes lag behind more than that, the rows written
    // so far are all there is (aligned to a bucket, so no bucket is read from both)
    const oldestInMemory = Math.ceil((now - (WINDOW_SECONDS - 1) * 1000) / step) * step;
    const unpersisted = Math.min(this.p.rollups.unpersistedSince(step), this.p.remoteUnpersistedSince?.(step) ?? Infinity);
    const memoryFrom = Math.max(Math.min(unpersisted, to), oldestInMemory, from);
    const rows = await listRollups(step, node ?? FLEET, from, Math.min(memoryFrom, to));
    for (let i = 0; i < rows.length; ) {
      const t = rows[i].t;
      const bucket: Frame[] = [];
      for (; i < rows.length && rows[i].t === t; i++) bucket.push(JSON.parse(rows[i].data) as Frame);
      yield { t, node: node ?? FLEET, frame: addRows(node ?? FLEET, bucket) };
    }
    yield* this.p.window.frames(memoryFrom, to, node);
  }

  async series(q: ScopeQuery): Promise<z.input<typeof Series>> {
    const { from, to, stepMs } = windowBounds(q.window, this.p.now());
    const frames: TimedFrame[] = [];
    for await (const f of this.frames(q.window, from, to, q.node)) frames.push(f);
    // rows are in time order and so are memory frames, but the two overlap nowhere: the concatenation is sorted
    return { window: q.window, stepMs, from, to, points: seriesPoints(frames, q, from, to, stepMs), markers: await this.markers(from, to) };
  }

  async markers(from: number, to: number): Promise<z.input<typeof VersionMarker>[]> {
    const versions = await versionsCreatedBetween(currentEnvironment(), new Date(from), new Date(to));
    return versions.map((v) => ({
      t: v.createdAt.getTime(), versionId: v.id, number: v.number, author: v.author, message: v.message, kind: v.rollbackOfId ? "rollback" : "publish",
    }));
  }

  async summary(q: ScopeQuery): Promise<z.input<typeof TrafficSummary>> {
    const now = this.p.now();
    const { from, to } = windowBounds(q.window, now);
    const frames: TimedFrame[] = [];
    for await (const f of this.frames(q.window, from, to, q.node)) frames.push(f);
    const s = summarize(frames, q.node, WINDOWS[q.window].windowMs / 1000);
    const trips = await this.trips({ window: "1h" });
    return {
      window: q.window, from, to,
      fleet: { ...s.fleet, activeConnections: this.activeConnections(q.node), tripsLastHour: trips.trips.filter((t) => q.node === undefined || t.node === q.node).length },
      routes: s.routes.filter((r) => (q.route === undefined || r.route === q.route) && (q.vhost === undefined || r.vhost === q.vhost)),
      clusters: s.clusters.filter((c) => q.cluster === undefined || c.name === q.cluster),
    };
  }

  /** Downstream connections open at second `sec` (default: now): each node's last report up to 5 s before. */
  activeConnections(node?: string, sec = Math.floor(this.p.now() / 1000)): number {
    let total = 0;
    for (const n of this.p.window.nodes()) {
      if (node !== undefined && n !== node) continue;
      for (let s = sec; s > sec - 5; s--) {
        const x = this.p.window.get(n, s)?.x;
        if (x !== undefined) {
          total += x;
          break;
        }
      }
    }
    return total;
  }

  /** null when neither a worker nor the live version knows the cluster. */
  clusterLive(name: string): z.input<typeof ClusterLive> | null {
    if (!this.p.clusters.has(name) && !this.p.liveClusters().includes(name)) return null;
    const now = this.p.now();
    const to = Math.floor(now / 1000) * 1000;
    const s = summarize(this.p.window.frames(to - CLUSTER_TRAFFIC_MS, to), undefined, CLUSTER_TRAFFIC_MS / 1000);
    const c = s.clusters.find((x) => x.name === name);
    return this.p.clusters.live(name, c ? { rps: c.rps, errorRatio: c.errorRatio, latency: c.latency } : { rps: 0, errorRatio: 0, latency: null });
  }

  async trips(q: { window: Window; cluster?: string }): Promise<z.input<typeof TripList>> {
    await this.p.events.flush();
    const to = this.p.now();
    const from = to - WINDOWS[q.window].windowMs;
    const events = await eventsOfKind("circuit_breaker", from - TRIP_LOOKBACK_MS, to);
    const trips = pairTrips(events, from, to).filter((t) => q.cluster === undefined || t.cluster === q.cluster);
    return { window: q.window, trips };
  }

  async events(q: z.infer<typeof EventsQuery>): Promise<z.input<typeof EventList>> {
    await this.p.events.flush();
    return { events: await listEvents(q) };
  }

  searchTraces(f: TraceFilter) {
    return this.p.traces.search(f);
  }

  /** The old per-node live view (GET /api/stats/live): requests per second by class, last complete seconds. */
  liveStats(node: string, seconds: number): LivePoint[] {
    const to = Math.floor(this.p.now() / 1000) * 1000;
    const n = Math.min(Math.max(1, seconds), WINDOW_SECONDS);
    const points = seriesPoints(this.p.window.frames(to - n * 1000, to, node), { node }, to - n * 1000, to, 1000);
    return points.map((p) => ({ t: p.t, rps: p.rps, rq2xx: p.rps2xx, rq4xx: p.rps4xx, rq5xx: p.rps5xx }));
  }

  /** Every connected node's latest counters, gauges and histograms as one Prometheus exposition, `node`-labelled. */
  metricsText(): string {
    const sources: PrometheusSource[] = [];
    for (const [node, stats] of [...this.p.ingest.nodes].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const histograms = new Map<string, { b: number[]; n: number; s: number }>();
      for (const [name, acc] of stats.histograms) histograms.set(name, acc.sparse());
      sources.push({ labels: { node }, counters: stats.counters, gauges: stats.gauges, histograms });
    }
    return renderPrometheusText(sources);
  }
}
