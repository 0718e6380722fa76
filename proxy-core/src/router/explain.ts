// Explains how the router handles one request, using the router's own code: the virtual host search
// (RouteTable.findVirtualHost, Envoy's exact → longest suffix → longest prefix → `*` order), require_tls
// (RouteTable.tlsRedirectFor, before any route), the first-match route scan or index (RouteTable.match), and for
// every route before the one taking the request, each condition the request fails (route-table.ts pathMatches and
// the matchers' `mismatches` hooks, which reuse the compiled matchers). Then what the route does (explain-action.ts)
// and what the HTTP filters would do (explain-filters.ts). Pure: a validated config and a request in, a plain object
// out; no socket, no file (a direct_response body file is named, not read), no clock. Used by the console's route
// tester (POST /api/routes/explain) and the route tests (router-check/).
import type { Cluster, HttpConnectionManager, Listener, Route, RouteConfiguration, VirtualHost } from "../config/schema";
import { isTcpProxyFilter } from "../config/schema";
import { Runtime, type RuntimeLayerConfig } from "../runtime/runtime";
import { FilterChainMatcher } from "../listener/filter-chain-match";
import { removeHeaders } from "../http/internal-request";
import { MatchInput, RouteTable, pathMatches, isTlsRedirect, type CompiledVirtualHost } from "./route-table";
import type { CompiledRoute } from "./route-compile";
import { StringMatcher, type MatchMismatch } from "./matchers";
import { routeOutcome, type RouteAction, type UpstreamRequest } from "./explain-action";
import { explainFilters, type FilterEffect } from "./explain-filters";

export type { RouteAction, UpstreamRequest } from "./explain-action";
export type { FilterEffect } from "./explain-filters";

export interface ExplainRequest {
  /** default GET */
  readonly method?: string;
  /** the Host header / :authority */
  readonly authority: string;
  /** path and query */
  readonly path: string;
  /** more request headers, in order */
  readonly headers?: readonly { readonly name: string; readonly value: string }[];
  /** arrived over TLS: x-forwarded-proto https (unless the headers carry one), and the scheme a redirect keeps */
  readonly tls?: boolean;
  /** an internal request (x-envoy-internal: true): require_tls EXTERNAL_ONLY spares it, internal_only_headers stay */
  readonly internal?: boolean;
  /** the request's random value (runtime_fraction, weighted clusters); 0 when not given, as Envoy's router_check_tool */
  readonly randomValue?: number;
}

export type DomainMatch = "exact" | "suffix" | "prefix" | "wildcard";

export interface ExplainedVirtualHost {
  readonly name: string;
  readonly domains: string[];
  /** which kind of domain took the host, in Envoy's search order */
  readonly matchedBy: DomainMatch;
  /** the domain that matched */
  readonly domain: string;
  readonly requireTls: "NONE" | "EXTERNAL_ONLY" | "ALL";
}

export type ReasonKind = "path" | MatchMismatch["kind"] | "tls";

export interface MismatchReason {
  readonly kind: ReasonKind;
  /** one line, e.g. `header x-canary is missing (wants exact "1")` */
  readonly message: string;
}

export interface ExplainedRoute {
  /** position in its virtual host (0-based, match order) */
  readonly index: number;
  readonly name: string | null;
  /** `prefix "/api"`, `path "/"`, `path_separated_prefix "/v1"`, `safe_regex "^/x$"` (+ ignoring case) */
  readonly match: string;
  /** the other conditions: headers, query parameters, grpc, runtime_fraction */
  readonly conditions: string[];
}

export interface SkippedRoute extends ExplainedRoute {
  readonly reasons: MismatchReason[];
}

export interface Explanation {
  /** the listener and filter chain whose connection manager routes it (a snapshot only) */
  readonly listener: { readonly name: string; readonly address: string; readonly filterChain: string } | null;
  readonly virtualHost: ExplainedVirtualHost | null;
  /** the route taking the request; null for none (404) and for require_tls's 301 */
  readonly route: ExplainedRoute | null;
  /** routes of the virtual host before that one (all of them without one), each with why it did not match */
  readonly skipped: SkippedRoute[];
  readonly action: RouteAction | null;
  readonly upstream: UpstreamRequest | null;
  readonly filters: FilterEffect[];
  readonly outcome: {
    /** the status the proxy answers with itself; null when the upstream answers */
    readonly status: number | null;
    /** Envoy's response flag when it is a failure (NR: no route, NC: no cluster) */
    readonly responseFlag: "NR" | "NC" | null;
    readonly summary: string;
  };
}

/** The routing decision itself, also what the route tests (router-check/) check. */
export interface Resolution {
  readonly input: MatchInput;
  readonly vh: CompiledVirtualHost | null;
  readonly vhConfig: VirtualHost | null;
  /** the route taking the request, require_tls's 301 included (see `tlsRedirect`) */
  readonly route: CompiledRoute | null;
  readonly tlsRedirect: boolean;
}

/** Request headers as the connection manager hands them to routing (ConnectionManager#copyRequestHeaders). */
export function routingHeaders(req: ExplainRequest, internalOnlyHeaders: readonly string[] | null): string[] {
  const out: string[] = [];
  let xfp = false;
  for (const h of req.headers ?? []) {
    const lower = h.name.toLowerCase();
    // only the proxy says a request is internal; host is the authority
    if (lower === "x-envoy-internal" || lower === "host") continue;
    if (lower === "x-forwarded-proto") xfp = true;
    out.push(h.name, h.value);
  }
  if (req.internal) out.push("x-envoy-internal", "true");
  else if (internalOnlyHeaders !== null) removeHeaders(out, internalOnlyHeaders);
  if (!xfp) out.push("x-forwarded-proto", req.tls ? "https" : "http");
  return out;
}

/** Finds the virtual host and route as the connection manager does (ConnectionManager.selectRoute). */
export function resolve(table: RouteTable, req: ExplainRequest): Resolution {
  const input = new MatchInput(req.path, routingHeaders(req, table.internalOnlyHeaders), req.method ?? "GET", req.authority);
  const vh = table.findVirtualHost(req.authority);
  if (vh === null) return { input, vh, vhConfig: null, route: null, tlsRedirect: false };
  const vhConfig = table.config.virtual_hosts!.find((v) => v.name === vh.name)!;
  const tls = vh.tlsRedirect !== null ? table.tlsRedirectFor(vh, input.headers, req.internal === true) : null;
  const route = tls ?? table.match(vh, input);
  return { input, vh, vhConfig, route, tlsRedirect: route !== null && isTlsRedirect(route) };
}

/**
 * A RouteTable for explaining: runtime_fraction reads `runtime` (its random source gives the request's value), and
 * direct_response bodies from files are swapped for empty inline ones, their file names kept in `bodyFiles`.
 */
export function explainTable(rc: RouteConfiguration, runtime: Runtime): { table: RouteTable; bodyFiles: WeakMap<object, string> } {
  const bodyFiles = new WeakMap<object, string>();
  const hasFiles = rc.virtual_hosts?.some((vh) => vh.routes?.some((r) => r.direct_response?.body?.filename !== undefined)) ?? false;
  const inline = (r: Route): Route => {
    const file = r.direct_response?.body?.filename;
    if (file === undefined) return r;
    const copy = { ...r, direct_response: { ...r.direct_response!, body: { inline_string: "" } } };
    bodyFiles.set(copy, file);
    return copy;
  };
  const config = hasFiles ? { ...rc, virtual_hosts: rc.virtual_hosts!.map((vh) => ({ ...vh, routes: vh.routes?.map(inline) })) } : rc;
  return { table: new RouteTable(config, null, runtime), bodyFiles };
}

function domainMatch(vh: VirtualHost, authority: string): { matchedBy: DomainMatch; domain: string } {
  // which of the chosen virtual host's domains took the host, in the order RouteTable.findVirtualHost searched
  const h = authority.toLowerCase();
  const ds = vh.domains.map((d) => [d, d.toLowerCase()] as const);
  const exact = ds.find(([, d]) => d === h);
  if (exact) return { matchedBy: "exact", domain: exact[0] };
  const longest = (l: (readonly [string, string])[]) => l.sort((a, b) => b[1].length - a[1].length)[0];
  const suffix = longest(ds.filter(([, d]) => d !== "*" && d.startsWith("*") && h.length > d.length - 1 && h.endsWith(d.slice(1))));
  if (suffix) return { matchedBy: "suffix", domain: suffix[0] };
  const prefix = longest(ds.filter(([, d]) => d !== "*" && d.endsWith("*") && h.length > d.length - 1 && h.startsWith(d.slice(0, -1))));
  if (prefix) return { matchedBy: "prefix", domain: prefix[0] };
  return { matchedBy: "wildcard", domain: "*" };
}

const PATH_KIND = { prefix: "prefix", path: "path", sep: "path_separated_prefix", regex: "safe_regex" } as const;

function matchText(r: CompiledRoute): string {
  const m = r.config.match;
  const value = m.prefix ?? m.path ?? m.path_separated_prefix ?? m.safe_regex?.regex ?? "";
  return `${PATH_KIND[r.kind]} ${JSON.stringify(value)}${r.kind !== "regex" && !r.caseSensitive ? " ignoring case" : ""}`;
}

function conditionsText(r: CompiledRoute): string[] {
  const m = r.config.match;
  const out: string[] = [];
  const rf = r.extra?.runtimeFraction;
  if (rf) out.push(`runtime_fraction ${(100 * rf.fraction.numerator) / rf.fraction.denominator}% of requests${rf.key ? ` (runtime key ${rf.key})` : ""}`);
  if (m.grpc !== undefined) out.push("gRPC requests only");
  for (const h of m.headers ?? []) {
    const what = h.string_match ? new StringMatcher(h.string_match).describe() : (h.present_match ?? true) ? "present" : "absent";
    out.push(`header ${h.name}${h.invert_match ? " not" : ""} ${what}`);
  }
  for (const q of m.query_parameters ?? []) out.push(`query ${q.name} ${q.string_match ? new StringMatcher(q.string_match).describe() : (q.present_match ?? true) ? "present" : "absent"}`);
  return out;
}

function described(r: CompiledRoute): ExplainedRoute {
  return { index: r.index, name: r.config.name ?? null, match: matchText(r), conditions: conditionsText(r) };
}

function pathReason(r: CompiledRoute, m: MatchInput): MismatchReason {
  const p = JSON.stringify(r.kind === "prefix" ? m.path : m.pathNoQuery);
  const v = JSON.stringify(r.config.match.prefix ?? r.config.match.path ?? r.config.match.path_separated_prefix ?? r.config.match.safe_regex?.regex ?? "");
  const ic = r.kind !== "regex" && !r.caseSensitive ? " (ignoring case)" : "";
  const message =
    r.kind === "prefix" ? `path ${p} does not start with ${v}${ic}`
    : r.kind === "path" ? `path ${p} is not ${v}${ic}`
    : r.kind === "sep" ? `path ${p} is neither ${v} nor under ${v.slice(0, -1)}/"${ic}`
    : `path ${p} does not match the regex ${v} (whole path, query left out)`;
  return { kind: "path", message };
}

function mismatchReason(x: MatchMismatch): MismatchReason {
  const actual = x.actual === null ? null : JSON.stringify(x.actual);
  switch (x.kind) {
    case "method":
      return { kind: x.kind, message: `method ${x.actual ?? "?"}: the route wants :method ${x.expected}` };
    case "header_missing":
      return { kind: x.kind, message: `header ${x.name} is missing (wants ${x.expected})` };
    case "header_mismatch":
      return { kind: x.kind, message: actual === null ? `header ${x.name} is absent, wants ${x.expected}` : `header ${x.name} is ${actual}, wants ${x.expected}` };
    case "query":
      return { kind: x.kind, message: actual === null ? `query parameter ${x.name} is missing (wants ${x.expected})` : `query parameter ${x.name} is ${actual}, wants ${x.expected}` };
    case "runtime_fraction":
      return { kind: x.kind, message: `runtime_fraction takes ${x.expected}; this request has ${x.actual}` };
    case "grpc":
      return { kind: x.kind, message: `not a gRPC request (content-type ${actual ?? "absent"})` };
  }
}

/** Every condition route `r` fails for the request, path first, then in the order Envoy checks them. */
export function reasonsFor(r: CompiledRoute, m: MatchInput): MismatchReason[] {
  const out: MismatchReason[] = [];
  if (!pathMatches(r, m)) out.push(pathReason(r, m));
  if (r.extra !== null) for (const x of r.extra.mismatches(m)) out.push(mismatchReason(x));
  return out;
}

export interface ExplainOptions {
  /** the connection manager's http_filters (what they would do is explained); none for a bare route configuration */
  readonly httpFilters?: HttpConnectionManager["http_filters"];
  /** the snapshot's cluster names, to say whether a named cluster exists */
  readonly clusters?: ReadonlySet<string> | null;
  /** runtime layers runtime_fraction reads (a bootstrap's layered_runtime); the configured defaults without them */
  readonly runtimeLayers?: RuntimeLayerConfig[];
}

/** Explains a request against one RouteConfiguration (a connection manager's `route_config`). */
export function explainRouteConfig(rc: RouteConfiguration, req: ExplainRequest, opts: ExplainOptions = {}): Explanation {
  const randomValue = req.randomValue ?? 0;
  const runtime = new Runtime({ random: () => randomValue, layers: opts.runtimeLayers });
  const { table, bodyFiles } = explainTable(rc, runtime);
  const res = resolve(table, req);
  const empty = { listener: null, route: null, skipped: [], action: null, upstream: null };
  const filtersFor = (routed: boolean, routeEntry: boolean, route: CompiledRoute | null, vh: VirtualHost | null, cluster: string | null) =>
    explainFilters(opts.httpFilters ?? [], {
      levels: route === null || res.tlsRedirect ? [undefined, undefined, undefined] : [route.config.typed_per_filter_config, vh?.typed_per_filter_config, rc.typed_per_filter_config],
      routed,
      routeEntry,
      cluster,
      request: res.input,
    });
  if (res.vh === null || res.vhConfig === null) {
    return { ...empty, virtualHost: null, filters: filtersFor(false, false, null, null, null), outcome: { status: 404, responseFlag: "NR", summary: `404 NR: no virtual host has a domain matching ${JSON.stringify(req.authority)}` } };
  }
  const vhc = res.vhConfig;
  const virtualHost: ExplainedVirtualHost = { name: vhc.name, domains: [...vhc.domains], ...domainMatch(vhc, req.authority), requireTls: res.vh.requireTls };
  const routes = res.vh.routes;
  if (res.tlsRedirect) {
    const why = `virtual host ${vhc.name} has require_tls ${res.vh.requireTls} and the request is not https${res.vh.requireTls === "EXTERNAL_ONLY" ? " nor internal" : ""}: a 301 to https comes before any route`;
    const skipped = routes.map((r) => ({ ...described(r), reasons: [{ kind: "tls" as const, message: why }] }));
    const out = routeOutcome({ route: res.route!, tlsRedirect: true, vhost: vhc, input: res.input, tls: req.tls === true, randomValue: null, bodyFile: null, clusters: null });
    return { ...empty, virtualHost, skipped, action: out.action, filters: filtersFor(true, false, res.route, vhc, null), outcome: outcomeOf(out.action) };
  }
  const route = res.route;
  const before = route === null ? routes : routes.slice(0, route.index);
  const skipped = before.map((r) => ({ ...described(r), reasons: reasonsFor(r, res.input) }));
  if (route === null) {
    return { ...empty, virtualHost, skipped, filters: filtersFor(false, false, null, vhc, null), outcome: { status: 404, responseFlag: "NR", summary: `404 NR: no route of virtual host ${vhc.name} matches` } };
  }
  const out = routeOutcome({ route, tlsRedirect: false, vhost: vhc, input: res.input, tls: req.tls === true, randomValue: req.randomValue ?? null, bodyFile: bodyFiles.get(route.config) ?? null, clusters: opts.clusters ?? null });
  const a = out.action;
  const forwards = out.upstream !== null;
  const filters = filtersFor(true, forwards, route, vhc, out.upstream?.cluster ?? null);
  return { listener: null, virtualHost, route: described(route), skipped, action: a, upstream: out.upstream, filters, outcome: outcomeOf(a) };
}

function outcomeOf(a: RouteAction): Explanation["outcome"] {
  switch (a.kind) {
    case "redirect":
      return { status: a.status, responseFlag: null, summary: `${a.status} redirect to ${a.location}` };
    case "tls_redirect":
      return { status: a.status, responseFlag: null, summary: `${a.status} redirect to ${a.location} (require_tls)` };
    case "direct_response":
      return { status: a.status, responseFlag: null, summary: `${a.status} direct response (${a.bodyFile !== null ? `body from ${a.bodyFile}` : `${a.bodyBytes} byte body`})` };
    case "cluster":
      return a.known === false ? { status: 503, responseFlag: "NC", summary: `503 NC: cluster ${a.cluster} does not exist` } : { status: null, responseFlag: null, summary: `forwarded to cluster ${a.cluster}` };
    case "cluster_header":
      if (a.cluster === null) return { status: 503, responseFlag: "NC", summary: `503 NC: the request has no ${a.header} header to name a cluster` };
      return a.known === false ? { status: 503, responseFlag: "NC", summary: `503 NC: cluster ${a.cluster} (from ${a.header}) does not exist` } : { status: null, responseFlag: null, summary: `forwarded to cluster ${a.cluster} (from ${a.header})` };
    case "weighted_clusters": {
      const split = a.clusters.map((c) => `${c.name} ${Math.round(c.probability * 1000) / 10}%`).join(", ");
      return { status: null, responseFlag: null, summary: a.picked !== null ? `forwarded to cluster ${a.picked} (split ${split})` : `forwarded to one of ${split}` };
    }
  }
}

export interface SnapshotLike {
  readonly listeners: readonly Listener[];
  readonly clusters: readonly Cluster[];
}

const addressOf = (l: Listener) => `${l.address.socket_address.address}:${l.address.socket_address.port_value}`;

/**
 * Explains a request against a snapshot ({listeners, clusters}): `listener` names one (by name, address or port);
 * by default the first listener whose filter chain for this request is an HTTP connection manager. The chain is
 * chosen as the listener does (filter-chain-match.ts): by SNI (the host) over TLS, else the chain without
 * server_names, else default_filter_chain.
 */
export function explainSnapshot(snapshot: SnapshotLike, req: ExplainRequest, opts: { listener?: string } = {}): Explanation {
  const want = opts.listener?.trim();
  const candidates = want ? snapshot.listeners.filter((l) => l.name === want || addressOf(l) === want || String(l.address.socket_address.port_value) === want) : snapshot.listeners;
  const sni = req.tls ? req.authority.replace(/:\d+$/, "").replace(/^\[|\]$/g, "") : "";
  let tcpOnly: string | null = null;
  for (const l of candidates) {
    const chains = l.filter_chains.map((fc, i) => ({ serverNames: fc.filter_chain_match?.server_names ?? [], fc, label: `filter_chains[${i}]` }));
    const fallback = l.default_filter_chain ? { serverNames: [], fc: l.default_filter_chain, label: "default_filter_chain" } : null;
    const chain = new FilterChainMatcher(chains, fallback).select(sni);
    const f = chain?.fc.filters[0];
    if (chain === null || f === undefined) continue;
    if (isTcpProxyFilter(f)) {
      tcpOnly ??= `${l.name} ${chain.label}`;
      continue;
    }
    const hcm = f.typed_config;
    const e = explainRouteConfig(hcm.route_config, req, { httpFilters: hcm.http_filters, clusters: new Set(snapshot.clusters.map((c) => c.name)) });
    return { ...e, listener: { name: l.name, address: addressOf(l), filterChain: chain.label } };
  }
  const summary =
    want && candidates.length === 0 ? `no listener is named ${JSON.stringify(want)} or bound to it`
    : tcpOnly !== null ? `listener ${tcpOnly} proxies TCP (tcp_proxy): no HTTP routing`
    : "no listener with an HTTP connection manager takes this request";
  return { listener: null, virtualHost: null, route: null, skipped: [], action: null, upstream: null, filters: [], outcome: { status: null, responseFlag: null, summary } };
}
