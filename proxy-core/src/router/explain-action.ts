// What the route taking a request does with it, for router/explain.ts and the route tests: forward to a cluster
// (weighted clusters with each one's probability, weight / sum of weights, as Envoy's pickWeightedCluster draws;
// cluster_header's cluster read from the request), redirect (the `location` Envoy's newUri builds), direct
// response (status and body size), or require_tls's 301. Computed with the router's own pieces
// (route-compile.ts weightedEntryAt and rewrittenPath, redirect.ts redirectLocation).
import type { VirtualHost } from "../config/schema";
import { redirectLocation } from "./redirect";
import { rewrittenPath, weightedEntryAt, type CompiledRoute, type WeightedEntry } from "./route-compile";
import type { MatchInput } from "./route-table";

export type RouteAction =
  | { readonly kind: "cluster"; readonly cluster: string; readonly known: boolean | null }
  | {
      readonly kind: "weighted_clusters";
      readonly totalWeight: number;
      readonly clusters: { readonly name: string; readonly weight: number; readonly probability: number; readonly known: boolean | null }[];
      /** the cluster this request's random value picks; null when no random value was given */
      readonly picked: string | null;
    }
  | { readonly kind: "cluster_header"; readonly header: string; readonly cluster: string | null; readonly known: boolean | null }
  | { readonly kind: "redirect"; readonly status: number; readonly location: string }
  | { readonly kind: "direct_response"; readonly status: number; readonly bodyBytes: number | null; readonly bodyFile: string | null }
  | { readonly kind: "tls_redirect"; readonly status: 301; readonly location: string };

/** The request as the upstream would get it (a route entry only). */
export interface UpstreamRequest {
  /** the cluster it goes to; null when cluster_header names none, or weighted without a random value */
  readonly cluster: string | null;
  /** :path after prefix_rewrite / regex_rewrite */
  readonly path: string;
  readonly pathRewritten: boolean;
  /** Host after host_rewrite_literal (the weighted cluster's first, then the route's) */
  readonly host: string;
  readonly hostRewritten: boolean;
  /** route.timeout in ms (0: none) */
  readonly timeoutMs: number;
  /** the virtual cluster its stats go to (`other` for none of them), null when the virtual host has none */
  readonly virtualCluster: string | null;
  /** retry_on and num_retries of the route's (else the virtual host's) retry policy; null without one */
  readonly retry: { readonly retryOn: string; readonly numRetries: number } | null;
}

/** What explain and the route tests need of one routed request. */
export interface RouteOutcome {
  readonly action: RouteAction;
  readonly upstream: UpstreamRequest | null;
  /** the weighted entry the random value picked, for its header mutations and host rewrite */
  readonly weighted: WeightedEntry | null;
}

export interface ActionInput {
  readonly route: CompiledRoute;
  /** require_tls's 301 (RouteTable.tlsRedirectFor) rather than a configured route */
  readonly tlsRedirect: boolean;
  readonly vhost: VirtualHost;
  readonly input: MatchInput;
  /** the request came over TLS (the scheme a redirect keeps) */
  readonly tls: boolean;
  /** a random value was given: weighted clusters name the one it picks */
  readonly randomValue: number | null;
  /** files named by direct_response bodies, not read here (explain stays free of I/O) */
  readonly bodyFile: string | null;
  /** the clusters of the snapshot, to say whether a named one exists; null when unknown (a bare route config) */
  readonly clusters: ReadonlySet<string> | null;
}

const knownIn = (clusters: ReadonlySet<string> | null, name: string | null) => (clusters === null || name === null ? null : clusters.has(name));

export function routeOutcome(a: ActionInput): RouteOutcome {
  const { route, input } = a;
  if (a.tlsRedirect) return { action: { kind: "tls_redirect", status: 301, location: `https://${input.authority}${input.path}` }, upstream: null, weighted: null };
  if (route.redirect !== null) {
    const location = redirectLocation(route, route.redirect, a.tls ? "https" : "http", input.authority, input.path);
    return { action: { kind: "redirect", status: route.redirect.status, location }, upstream: null, weighted: null };
  }
  if (route.direct !== null) {
    const bodyBytes = a.bodyFile !== null ? null : route.direct.body.length;
    return { action: { kind: "direct_response", status: route.direct.status, bodyBytes, bodyFile: a.bodyFile }, upstream: null, weighted: null };
  }
  let action: RouteAction;
  let cluster: string | null;
  let weighted: WeightedEntry | null = null;
  if (route.weighted !== null) {
    const { entries, total } = route.weighted;
    if (a.randomValue !== null) weighted = weightedEntryAt(entries, a.randomValue % total);
    cluster = weighted?.name ?? null;
    const clusters = entries.map((e) => ({ name: e.name, weight: e.weight, probability: total === 0 ? 0 : e.weight / total, known: knownIn(a.clusters, e.name) }));
    action = { kind: "weighted_clusters", totalWeight: total, clusters, picked: cluster };
  } else if (route.clusterHeader !== null) {
    // Envoy reads the header's first value; absent, the route names no cluster (503 no_cluster)
    const v = firstValue(input.headers, route.clusterHeader);
    cluster = v;
    action = { kind: "cluster_header", header: route.clusterHeader, cluster: v, known: knownIn(a.clusters, v) };
  } else {
    cluster = route.cluster!;
    action = { kind: "cluster", cluster, known: knownIn(a.clusters, cluster) };
  }
  const path = rewrittenPath(route, input.path);
  const hostRewrite = weighted?.hostRewrite ?? route.hostRewrite;
  const policy = route.config.route?.retry_policy ?? a.vhost.retry_policy;
  const upstream: UpstreamRequest = {
    cluster,
    path: path ?? input.path,
    pathRewritten: path !== null,
    host: hostRewrite ?? input.authority,
    hostRewritten: hostRewrite !== null,
    timeoutMs: route.timeoutMs,
    virtualCluster: route.virtualClusters === null ? null : route.virtualClusters.select(input).name,
    retry: policy === undefined ? null : { retryOn: policy.retry_on ?? "", numRetries: policy.num_retries ?? 1 },
  };
  return { action, upstream, weighted };
}

/** The first value of a request header (Envoy reads only that one where a header names a cluster). */
function firstValue(headers: readonly string[], lowerName: string): string | null {
  for (let i = 0; i < headers.length; i += 2) if (headers[i].toLowerCase() === lowerName) return headers[i + 1];
  return null;
}
