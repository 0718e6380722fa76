// A version's routes compiled by proxy-core itself (RouteTable, route-compile.ts), per listener and HTTP connection
// manager, so the impact preview matches a sampled request exactly as a worker running that version would. Also
// how a matched route is named and where it sends the request, for the preview's groups.
// (lib/ otherwise imports only proxy-core's config contract: matching is the one thing the preview must not redo)
import { isTcpProxyFilter, validateResources, type FilterChain, type HttpConnectionManager, type RequestHead, type RouteConfiguration } from "../../proxy-core/src/config/index";
import { RouteTable, isTlsRedirect, type CompiledRoute, type CompiledVirtualHost } from "../../proxy-core/src/router/route-table";
import { routeForHead, routeHeaders } from "../../proxy-core/src/http/request-sample";
import type { ImpactDestination, ImpactRoute } from "../contract/impact";

/** The HTTP connection managers of one listener. */
export interface ListenerTables {
  /** by stat_prefix, which is how a sampled head names the connection manager that took it */
  byPrefix: Map<string, RouteTable>;
  /** the first HTTP connection manager's, for a head whose stat_prefix this version does not have */
  first: RouteTable | null;
  /** every header the routes match on, and whether its value matters (what a worker running this version samples) */
  headers: Map<string, boolean>;
  /** some route has a runtime_fraction (matched with a random draw) */
  runtimeFraction: boolean;
}

export interface VersionTables {
  listeners: Map<string, ListenerTables>;
  /** false when the snapshot does not validate: nothing of it was compiled */
  valid: boolean;
  /** listeners whose routes could not be compiled here */
  failed: Set<string>;
  /** what could not be compiled, in words */
  problems: string[];
}

export interface Matched {
  key: string;
  route: ImpactRoute;
  /** where it sends the request, with each destination's share (weighted clusters; 1 otherwise) */
  destinations: { destination: ImpactDestination; share: number }[];
}

function hcmsOf(chains: readonly FilterChain[]): HttpConnectionManager[] {
  const out: HttpConnectionManager[] = [];
  for (const fc of chains) for (const f of fc.filters) if (!isTcpProxyFilter(f)) out.push(f.typed_config);
  return out;
}

/**
 * The routes with every direct_response body `filename` (Envoy's DataSource, read by the worker) swapped for an
 * empty inline body, as proxy-core's explainTable does: a preview matches requests and names a direct response by
 * its status, so the console never opens a file a draft names (README "Threat model": such a path is the
 * workers' business, and reading it here would tell an editor which files exist on the console's host).
 */
function withoutBodyFiles(rc: RouteConfiguration): RouteConfiguration {
  const hasFiles = rc.virtual_hosts?.some((vh) => vh.routes?.some((r) => r.direct_response?.body?.filename !== undefined)) ?? false;
  if (!hasFiles) return rc;
  return {
    ...rc,
    virtual_hosts: rc.virtual_hosts!.map((vh) => ({
      ...vh,
      routes: vh.routes?.map((r) => (r.direct_response?.body?.filename === undefined ? r : { ...r, direct_response: { ...r.direct_response, body: { inline_string: "" } } })),
    })),
  };
}

/** Compiles every listener's routes of `resources` (a snapshot: {listeners, clusters}); `label` names it in problems. */
export function compileVersion(resources: unknown, label: string): VersionTables {
  const out: VersionTables = { listeners: new Map(), valid: true, failed: new Set(), problems: [] };
  const v = validateResources(resources);
  if (!v.ok) {
    out.valid = false;
    out.problems.push(`${label} does not validate (${v.errors[0]?.path ?? ""}: ${v.errors[0]?.message ?? "?"}): it was not replayed`);
    return out;
  }
  for (const l of v.value.listeners) {
    const t: ListenerTables = { byPrefix: new Map(), first: null, headers: new Map(), runtimeFraction: false };
    try {
      for (const hcm of hcmsOf([...l.filter_chains, ...(l.default_filter_chain ? [l.default_filter_chain] : [])])) {
        const table = new RouteTable(withoutBodyFiles(hcm.route_config));
        if (!t.byPrefix.has(hcm.stat_prefix)) t.byPrefix.set(hcm.stat_prefix, table);
        t.first ??= table;
        for (const [n, value] of routeHeaders(hcm.route_config)) t.headers.set(n, value || t.headers.get(n) === true);
        for (const vh of hcm.route_config.virtual_hosts ?? []) if ((vh.routes ?? []).some((r) => r.match.runtime_fraction !== undefined)) t.runtimeFraction = true;
      }
    } catch (e) {
      // whatever compiles on a worker but not in the console (proxy-core throws with the reason)
      out.failed.add(l.name);
      out.problems.push(`the routes of listener ${l.name} in ${label} cannot be compiled here (${(e as Error).message}): its requests were not replayed`);
      continue;
    }
    out.listeners.set(l.name, t);
  }
  return out;
}

function describeRoute(vh: CompiledVirtualHost, r: CompiledRoute): ImpactRoute {
  if (isTlsRedirect(r)) return { virtualHost: vh.name, name: null, matchKind: "require_tls", match: vh.requireTls, conditions: false };
  const m = r.config.match;
  const [matchKind, match] =
    m.prefix !== undefined ? (["prefix", m.prefix] as const)
    : m.path !== undefined ? (["path", m.path] as const)
    : m.path_separated_prefix !== undefined ? (["path_separated_prefix", m.path_separated_prefix] as const)
    : (["safe_regex", m.safe_regex?.regex ?? ""] as const);
  return { virtualHost: vh.name, name: r.config.name ?? null, matchKind, match, conditions: r.extra !== null };
}

function redirectText(r: NonNullable<CompiledRoute["redirect"]>): string {
  const parts: string[] = [];
  if (r.scheme !== null) parts.push(r.scheme);
  if (r.host !== null) parts.push(`host ${r.host}`);
  if (r.port !== null) parts.push(`port ${r.port}`);
  if (r.path !== null) parts.push(`path ${r.path}`);
  else if (r.prefixRewrite !== null) parts.push(`prefix ${r.prefixRewrite}`);
  return parts.length ? `${r.status} → ${parts.join(", ")}` : String(r.status);
}

function destinationsOf(r: CompiledRoute): Matched["destinations"] {
  if (r.direct !== null) return [{ destination: { kind: "direct_response", name: String(r.direct.status) }, share: 1 }];
  if (r.redirect !== null) return [{ destination: { kind: "redirect", name: redirectText(r.redirect) }, share: 1 }];
  if (r.cluster !== null) return [{ destination: { kind: "cluster", name: r.cluster }, share: 1 }];
  if (r.clusterHeader !== null) return [{ destination: { kind: "cluster_header", name: r.clusterHeader }, share: 1 }];
  const w = r.weighted;
  if (w !== null && w.total > 0) {
    // Envoy picks a weighted cluster per request in proportion to its weight: a cluster named twice adds up
    const shares = new Map<string, number>();
    for (const e of w.entries) shares.set(e.name, (shares.get(e.name) ?? 0) + e.weight / w.total);
    return [...shares].map(([name, share]) => ({ destination: { kind: "cluster" as const, name }, share }));
  }
  return [{ destination: { kind: "cluster", name: "" }, share: 1 }];
}

/** The route a sampled head takes in this version's listener (null: no route there, or no such listener). */
export function matchHead(t: ListenerTables | undefined, head: RequestHead): Matched | null {
  const table = t === undefined ? null : (t.byPrefix.get(head.hcm) ?? t.first);
  if (table === null) return null;
  const hit = routeForHead(table, head);
  if (hit === null) return null;
  const route = describeRoute(hit.virtualHost, hit.route);
  return { key: `${route.virtualHost}\u0000${route.name ?? `#${route.matchKind}:${hit.route.index}`}`, route, destinations: destinationsOf(hit.route) };
}
