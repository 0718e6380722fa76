// Live and historical traffic as the console serves it. The workers report counters, gauges and histogram
// buckets once a second; the console keeps the last minutes per second in memory and 10-second rollups in
// SQLite, and answers these from whichever covers the window.
import { z } from "zod";

export const Window = z.enum(["5m", "1h", "24h"]);
export type Window = z.infer<typeof Window>;

/** What a series or summary is about: the whole fleet or one node, optionally narrowed to a route or a cluster. */
export const ScopeQuery = z.object({
  window: Window.optional().default("5m"),
  /** one node; absent: every node */
  node: z.string().min(1).optional(),
  /** a route by its Envoy route `stat_prefix` (the `vhost.<vhost>.route.<stat_prefix>.` stats) */
  route: z.string().min(1).optional(),
  /** the virtual host of `route` (stat prefixes are unique per virtual host) */
  vhost: z.string().min(1).optional(),
  /** a cluster by name (`cluster.<name>.` stats) */
  cluster: z.string().min(1).optional(),
});
export type ScopeQuery = z.infer<typeof ScopeQuery>;

/** Latency percentiles in ms, merged from the histogram buckets of every node in scope; null when no samples. */
export const Latency = z.object({ p50: z.number(), p90: z.number(), p99: z.number() }).nullable();

/** One step of a series: rates are per second, averaged over the step. */
export const SeriesPoint = z.object({
  /** start of the step, epoch ms */
  t: z.number(),
  rps: z.number(),
  /** by response class */
  rps1xx: z.number(),
  rps2xx: z.number(),
  rps3xx: z.number(),
  rps4xx: z.number(),
  rps5xx: z.number(),
  latency: Latency,
  /** downstream connections open at the end of the step (fleet/node scope; null for routes and clusters) */
  activeConnections: z.number().nullable(),
  /** requests refused by circuit breakers during the step (cluster `upstream_rq_pending_overflow`) */
  overflow: z.number(),
});
export type SeriesPoint = z.infer<typeof SeriesPoint>;

/** A publish or rollback, drawn as a marker on every time chart. */
export const VersionMarker = z.object({
  t: z.number(),
  versionId: z.string(),
  number: z.number().int(),
  author: z.string(),
  message: z.string(),
  kind: z.enum(["publish", "rollback"]),
});
export type VersionMarker = z.infer<typeof VersionMarker>;

/** GET /api/telemetry/series: 1 s steps for 5m, 10 s for 1h, 1 min for 24h. */
export const Series = z.object({
  window: Window,
  stepMs: z.number().int().positive(),
  from: z.number(),
  to: z.number(),
  points: z.array(SeriesPoint),
  markers: z.array(VersionMarker),
});
export type Series = z.infer<typeof Series>;

export const TrafficFigures = z.object({
  rps: z.number(),
  /** 5xx (and local replies counted as 5xx) over all responses in the window; 0 without traffic */
  errorRatio: z.number(),
  latency: Latency,
});

export const RouteTraffic = TrafficFigures.extend({ vhost: z.string(), route: z.string() });
export type RouteTraffic = z.infer<typeof RouteTraffic>;
export const ClusterTraffic = TrafficFigures.extend({ name: z.string(), overflow: z.number() });
export type ClusterTraffic = z.infer<typeof ClusterTraffic>;

/** GET /api/telemetry/summary: per route and per cluster figures over the window (tables, top lists, tiles). */
export const TrafficSummary = z.object({
  window: Window,
  from: z.number(),
  to: z.number(),
  fleet: TrafficFigures.extend({ activeConnections: z.number(), tripsLastHour: z.number().int() }),
  routes: z.array(RouteTraffic),
  clusters: z.array(ClusterTraffic),
});
export type TrafficSummary = z.infer<typeof TrafficSummary>;

const Usage = z.object({ now: z.number(), max: z.number() });

/** GET /api/telemetry/clusters/{name}: the cluster right now, from the workers' per-host reports, merged over nodes. */
export const ClusterLive = z.object({
  name: z.string(),
  /** circuit-breaker usage now against each threshold (summed over nodes; limits are per node) */
  usage: z.object({ connections: Usage, pending: Usage, requests: Usage, retries: Usage }),
  endpoints: z.array(
    z.object({
      address: z.string(),
      weight: z.number(),
      /** Envoy's /clusters health_flags: "healthy", or "/failed_active_hc", "/failed_outlier_check" … */
      healthFlags: z.string(),
      rps: z.number(),
      errorRps: z.number(),
      activeRequests: z.number(),
      activeConnections: z.number(),
    }),
  ),
  traffic: TrafficFigures,
});
export type ClusterLive = z.infer<typeof ClusterLive>;

/** A circuit-breaker trip: from its first refusal until the limit stayed below capacity (proxy-core's definition). */
export const Trip = z.object({
  node: z.string(),
  cluster: z.string(),
  threshold: z.enum(["max_connections", "max_pending_requests", "max_requests", "max_retries"]),
  max: z.number(),
  openedAt: z.number(),
  /** null while still open */
  closedAt: z.number().nullable(),
  refused: z.number().int().nonnegative(),
});
export type Trip = z.infer<typeof Trip>;

/** GET /api/telemetry/trips?window=&cluster=: trips that overlap the window, newest first. */
export const TripList = z.object({ window: Window, trips: z.array(Trip) });
export const TripsQuery = z.object({ window: Window.optional().default("1h"), cluster: z.string().min(1).optional() });
