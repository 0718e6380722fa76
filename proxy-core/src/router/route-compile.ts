// Compiles one Route config into the object the router uses per request: the path matcher, header/query
// matchers, the action (cluster or weighted clusters, redirect, direct response), rewrites, header
// mutations of every level in Envoy's order, timeouts, retry and hash policies, mirror policies, and what the
// route's requests share with the rest of its virtual host (virtual clusters).
import { readFileSync } from "node:fs";
import type { Route } from "../config/schema";
import { toJsRegexSource } from "../config/schema";
import { durationOr } from "../config/duration";
import { HeaderMutation } from "./header-mutation";
import { ExtraMatchers } from "./matchers";
import { NO_RETRY_POLICY, RetryPolicy } from "./retry-state";
import { routeStatsFor, type RouteStats } from "./route-stats";
import type { Scope } from "../stats/store";
import type { Runtime } from "../runtime/runtime";
import { HashPolicies } from "./hash-policy";
import { compileMirrorPolicies, type MirrorPolicy } from "./request-mirror";
import type { VirtualClusters } from "./virtual-clusters";

export const DEFAULT_ROUTE_TIMEOUT_MS = 15_000;

/** What a route inherits from its virtual host and route configuration. */
export interface RouteLevels {
  readonly vhostRetryPolicy: RetryPolicy | null;
  /** [virtual host, route configuration] */
  readonly request: readonly (HeaderMutation | null)[];
  readonly response: readonly (HeaderMutation | null)[];
  /** `vhost.<virtual host name>.`: where routes with a `stat_prefix` keep their stats; none without a store */
  readonly vhostStats?: Scope | null;
  /** typed_per_filter_config of the virtual host and of the route configuration, by filter name */
  readonly perFilter?: readonly (Readonly<Record<string, unknown>> | undefined)[];
  /** the virtual host's virtual clusters, null when it has none */
  readonly virtualClusters?: VirtualClusters | null;
  /** the virtual host's mirror policies, else the route configuration's (for routes without their own) */
  readonly mirrorPolicies?: readonly MirrorPolicy[] | null;
  /** what runtime_fraction matches read; their default values without one */
  readonly runtime?: Runtime | null;
}

export interface WeightedEntry {
  readonly name: string;
  readonly weight: number;
  readonly hostRewrite: string | null;
  readonly request: HeaderMutation | null;
  readonly response: HeaderMutation | null;
}

export interface CompiledRedirect {
  readonly scheme: string | null;
  readonly host: string | null;
  readonly port: number | null;
  readonly path: string | null;
  readonly prefixRewrite: string | null;
  readonly status: number;
  readonly stripQuery: boolean;
}

export interface CompiledRoute {
  readonly index: number;
  readonly kind: "prefix" | "path" | "sep" | "regex";
  /** prefix, path or path_separated_prefix (lower-cased when case-insensitive) */
  readonly value: string;
  readonly caseSensitive: boolean;
  readonly regex: RegExp | null;
  readonly extra: ExtraMatchers | null;
  readonly cluster: string | null;
  /** route.cluster_header, lower-cased: the cluster is this request header's first value */
  readonly clusterHeader: string | null;
  readonly weighted: { readonly entries: readonly WeightedEntry[]; readonly total: number } | null;
  readonly direct: { status: number; body: Buffer } | null;
  readonly redirect: CompiledRedirect | null;
  readonly prefixRewrite: string | null;
  readonly regexRewrite: { re: RegExp; substitution: string } | null;
  readonly hostRewrite: string | null;
  readonly timeoutMs: number;
  /** route idle_timeout in ms, or null to inherit the connection manager's */
  readonly idleTimeoutMs: number | null;
  readonly retryPolicy: RetryPolicy;
  readonly hashPolicy: HashPolicies | null;
  /** request_mirror_policies of the most specific level that has some (route, virtual host, route configuration) */
  readonly mirrorPolicies: readonly MirrorPolicy[] | null;
  /** the virtual host's virtual clusters, null when it has none */
  readonly virtualClusters: VirtualClusters | null;
  /** innermost first: route, virtual host, route configuration (a weighted cluster's goes before) */
  readonly requestMutations: readonly (HeaderMutation | null)[];
  readonly responseMutations: readonly (HeaderMutation | null)[];
  readonly hasMutations: boolean;
  /** `vhost.<vh>.route.<stat_prefix>.` stats, resolved here so a request only increments; null without stat_prefix */
  readonly stats: RouteStats | null;
  /**
   * typed_per_filter_config by filter name, the most specific level winning (route, then virtual host, then route
   * configuration), as Envoy resolves a filter's per-route config; a FilterConfig wrapper stays as configured
   */
  readonly perFilter: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  readonly config: Route;
}

const REDIRECT_CODES: Record<string, number> = { MOVED_PERMANENTLY: 301, FOUND: 302, SEE_OTHER: 303, TEMPORARY_REDIRECT: 307, PERMANENT_REDIRECT: 308 };

/** RE2 substitution (`\1`, `\\`) → JS replacement string (`$1`, literal `$` escaped). */
function toJsSubstitution(s: string): string {
  return s.replace(/\$/g, "$$$$").replace(/\\(\d|\\)/g, (_, d: string) => (d === "\\" ? "\\" : `$${d}`));
}

export function compileRoute(r: Route, index: number, levels: RouteLevels): CompiledRoute {
  const m = r.match;
  const caseSensitive = m.case_sensitive ?? true;
  const kind = m.prefix !== undefined ? "prefix" : m.path !== undefined ? "path" : m.path_separated_prefix !== undefined ? "sep" : "regex";
  const raw = m.prefix ?? m.path ?? m.path_separated_prefix ?? "";
  const a = r.route;
  const rd = r.redirect;
  const requestMutations = [HeaderMutation.compile(r.request_headers_to_add, r.request_headers_to_remove), ...levels.request];
  const responseMutations = [HeaderMutation.compile(r.response_headers_to_add, r.response_headers_to_remove), ...levels.response];
  const body = r.direct_response?.body;
  const weighted = a?.weighted_clusters
    ? a.weighted_clusters.clusters.map((c) => ({
        name: c.name,
        weight: c.weight,
        hostRewrite: c.host_rewrite_literal ?? null,
        request: HeaderMutation.compile(c.request_headers_to_add, c.request_headers_to_remove),
        response: HeaderMutation.compile(c.response_headers_to_add, c.response_headers_to_remove),
      }))
    : null;
  return {
    index,
    kind,
    caseSensitive: kind === "regex" || caseSensitive,
    // safe_regex ignores case_sensitive and must match the whole path (query removed)
    value: caseSensitive ? raw : raw.toLowerCase(),
    regex: m.safe_regex ? new RegExp(`^(?:${toJsRegexSource(m.safe_regex.regex)})$`) : null,
    extra: ExtraMatchers.compile(m, levels.runtime ?? null),
    cluster: a?.cluster ?? null,
    clusterHeader: a?.cluster_header?.toLowerCase() ?? null,
    weighted: weighted ? { entries: weighted, total: weighted.reduce((s, w) => s + w.weight, 0) } : null,
    direct: r.direct_response
      ? { status: r.direct_response.status, body: body?.filename !== undefined ? readFileSync(body.filename) : Buffer.from(body?.inline_string ?? "") }
      : null,
    redirect: rd
      ? {
          scheme: rd.https_redirect ? "https" : (rd.scheme_redirect ?? null),
          host: rd.host_redirect ?? null,
          port: rd.port_redirect ?? null,
          path: rd.path_redirect ?? null,
          prefixRewrite: rd.prefix_rewrite ?? null,
          status: REDIRECT_CODES[rd.response_code ?? "MOVED_PERMANENTLY"],
          stripQuery: rd.strip_query ?? false,
        }
      : null,
    prefixRewrite: a?.prefix_rewrite ?? null,
    regexRewrite: a?.regex_rewrite ? { re: new RegExp(toJsRegexSource(a.regex_rewrite.pattern.regex), "g"), substitution: toJsSubstitution(a.regex_rewrite.substitution) } : null,
    hostRewrite: a?.host_rewrite_literal ?? null,
    timeoutMs: durationOr(a?.timeout, DEFAULT_ROUTE_TIMEOUT_MS),
    idleTimeoutMs: a?.idle_timeout !== undefined ? durationOr(a.idle_timeout, 0) : null,
    // Envoy: the route's policy replaces the virtual host's as a whole
    retryPolicy: a?.retry_policy ? new RetryPolicy(a.retry_policy) : (levels.vhostRetryPolicy ?? NO_RETRY_POLICY),
    hashPolicy: HashPolicies.compile(a?.hash_policy),
    // Envoy: the most specific non-empty list wins whole (route_components.proto request_mirror_policies)
    mirrorPolicies: compileMirrorPolicies(a?.request_mirror_policies) ?? (a !== undefined ? (levels.mirrorPolicies ?? null) : null),
    virtualClusters: levels.virtualClusters ?? null,
    requestMutations,
    responseMutations,
    hasMutations: requestMutations.some((x) => x !== null) || responseMutations.some((x) => x !== null) || (weighted?.some((w) => w.request || w.response) ?? false),
    // Envoy keeps route stats only for a route with a (non-empty) stat_prefix
    stats: r.stat_prefix && levels.vhostStats ? routeStatsFor(levels.vhostStats.scope("route").scope(r.stat_prefix)) : null,
    perFilter: perFilterConfigs([r.typed_per_filter_config, ...(levels.perFilter ?? [])]),
    config: r,
  };
}

/**
 * Envoy's pickWeightedCluster walk: the entry whose cumulative weight range holds `value` (in [0, total)). The
 * router draws the value per request; router/explain.ts and the route tests pass a given one.
 */
export function weightedEntryAt(entries: readonly WeightedEntry[], value: number): WeightedEntry {
  let acc = 0;
  for (const e of entries) {
    acc += e.weight;
    if (value < acc) return e;
  }
  return entries[entries.length - 1];
}

/**
 * The upstream path after prefix_rewrite / regex_rewrite (Envoy's RouteEntryImplBase::finalizePathHeader), or null
 * when the route rewrites nothing. A prefix rewrite replaces the matched prefix (or whole path) and keeps the rest,
 * query included; a regex rewrite applies to the path without its query.
 */
export function rewrittenPath(route: CompiledRoute, url: string): string | null {
  if (route.prefixRewrite !== null && route.kind !== "regex") return route.prefixRewrite + url.slice(route.value.length);
  if (route.regexRewrite === null) return null;
  const q = url.indexOf("?");
  const p = q < 0 ? url : url.slice(0, q);
  return p.replace(route.regexRewrite.re, route.regexRewrite.substitution) + (q < 0 ? "" : url.slice(q));
}

const NO_PER_FILTER: ReadonlyMap<string, Readonly<Record<string, unknown>>> = new Map();

/** Levels innermost first: a filter's config at a more specific level replaces the others. */
function perFilterConfigs(levels: readonly (Readonly<Record<string, unknown>> | undefined)[]): ReadonlyMap<string, Readonly<Record<string, unknown>>> {
  if (levels.every((l) => l === undefined)) return NO_PER_FILTER;
  const out = new Map<string, Readonly<Record<string, unknown>>>();
  for (const level of levels) if (level !== undefined) for (const [name, c] of Object.entries(level)) if (!out.has(name)) out.set(name, c as Record<string, unknown>);
  return out;
}
