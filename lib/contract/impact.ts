// The impact preview (GET /api/draft/impact): the workers' recent request heads replayed against the live
// version's routes and the draft's, with proxy-core's own route matching, grouped by where the requests go before
// and after ("37 requests/min to /api/v1 move from cluster a to cluster b; 2 would get no route").
import { z } from "zod";

/** A sampled request: what route matching reads, and only the request headers the routes match on. */
export const ImpactHead = z.object({
  node: z.string(),
  listener: z.string(),
  /** arrival, epoch ms (the worker's clock) */
  at: z.number(),
  method: z.string(),
  authority: z.string(),
  /** path with query */
  path: z.string(),
  /** [name, value, …] */
  headers: z.array(z.string()),
});
export type ImpactHead = z.infer<typeof ImpactHead>;

/** A route of a version: its virtual host, `name` and its path match. */
export const ImpactRoute = z.object({
  virtualHost: z.string(),
  /** null for a route without a name (versions published before routes were named) and a require_tls redirect */
  name: z.string().nullable(),
  /** which path match the route has; `require_tls` is the virtual host's redirect to https */
  matchKind: z.enum(["prefix", "path", "path_separated_prefix", "safe_regex", "require_tls"]),
  /** its value ("/api/v1", a regex) */
  match: z.string(),
  /** the route also matches on headers, query parameters, gRPC or a runtime fraction */
  conditions: z.boolean(),
});
export type ImpactRoute = z.infer<typeof ImpactRoute>;

/**
 * Where a route sends a request. Redirects and direct responses are destinations of their own; `cluster_header`
 * names the request header the cluster is read from (not sampled, so not resolved).
 */
export const ImpactDestination = z.object({
  kind: z.enum(["cluster", "cluster_header", "redirect", "direct_response"]),
  /** the cluster, the header, "301 https://…" or the status code */
  name: z.string(),
});
export type ImpactDestination = z.infer<typeof ImpactDestination>;

export const ImpactMove = z.object({
  listener: z.string(),
  /** null: no route today */
  routeBefore: ImpactRoute.nullable(),
  routeAfter: ImpactRoute,
  /** the cluster, when the destination is one */
  clusterBefore: z.string().nullable(),
  clusterAfter: z.string().nullable(),
  destinationBefore: ImpactDestination.nullable(),
  destinationAfter: ImpactDestination,
  /** sampled requests that move; with weighted clusters the expected number (Σ of the moving weight shares) */
  requests: z.number().nonnegative(),
  perMinute: z.number().nonnegative(),
  /** the part of the requests going from routeBefore to routeAfter that this move is (below 1 with weighted clusters) */
  share: z.number().min(0).max(1),
  examples: z.array(ImpactHead).max(3),
});
export type ImpactMove = z.infer<typeof ImpactMove>;

export const ImpactNoRouteGroup = z.object({
  listener: z.string(),
  routeBefore: ImpactRoute,
  requests: z.number().nonnegative(),
  perMinute: z.number().nonnegative(),
});

export const DraftImpact = z.object({
  /** the sampled requests replayed: received from `from` (null: none) to `to` (now) */
  window: z.object({ from: z.number().nullable(), to: z.number(), requests: z.number().int().nonnegative() }),
  /** the live version the draft is compared with; null before the first publish */
  live: z.object({ id: z.string(), number: z.number().int() }).nullable(),
  /** busiest first */
  moves: z.array(ImpactMove),
  /** requests that have a route today and would get none (404), or whose listener the draft removes */
  noRoute: z.object({
    requests: z.number().nonnegative(),
    perMinute: z.number().nonnegative(),
    examples: z.array(ImpactHead).max(3),
    byRoute: z.array(ImpactNoRouteGroup),
  }),
  /** requests whose route and destination stay the same */
  unchanged: z.number().nonnegative(),
  /** what the replay could not see ("the draft matches on header x-tenant, which was not sampled") */
  notes: z.array(z.string()),
});
export type DraftImpact = z.infer<typeof DraftImpact>;
