// A RouteConfiguration compiled for matching: virtual hosts indexed by Envoy's domain search order and
// routes compiled once into CompiledRoute objects (route-compile.ts). Small vhosts are scanned in order;
// large ones get an index that keeps "first match wins" (see RouteIndex), so 10,000 routes cost about
// as much as 10. A virtual host's require_tls is checked before its routes, as Envoy's
// VirtualHostImpl::getRouteFromEntries does (its 301 is a route of its own, tlsRedirectFor).
import type { RouteConfiguration } from "../config/schema";
import type { Runtime } from "../runtime/runtime";
import { VirtualClusters } from "./virtual-clusters";
import { compileMirrorPolicies } from "./request-mirror";
import { compileRoute, type CompiledRoute, type RouteLevels } from "./route-compile";
import { HeaderMutation } from "./header-mutation";
import { headerValue, type MatchRequest } from "./matchers";
import { toJsRegexSource } from "../config/schema";
import { RetryPolicy } from "./retry-state";
import type { StatsStore } from "../stats/store";

export { DEFAULT_ROUTE_TIMEOUT_MS, type CompiledRoute } from "./route-compile";

/**
 * Per-request match input; the lower-cased path is computed only if a case-insensitive route asks, and the random
 * value only if a runtime_fraction route is looked at (then every such route reads the same one).
 */
export class MatchInput implements MatchRequest {
  readonly pathNoQuery: string;
  #lower: string | null = null;
  #lowerNoQuery: string | null = null;
  #random = -1;

  constructor(
    readonly path: string,
    readonly headers: readonly string[],
    readonly method: string,
    readonly authority: string,
  ) {
    const q = path.indexOf("?");
    this.pathNoQuery = q < 0 ? path : path.slice(0, q);
  }

  get lowerPath(): string {
    return (this.#lower ??= this.path.toLowerCase());
  }
  get lowerPathNoQuery(): string {
    return (this.#lowerNoQuery ??= this.pathNoQuery.toLowerCase());
  }

  randomValue(draw: () => number): number {
    if (this.#random < 0) this.#random = draw();
    return this.#random;
  }
}

/** The path part of a route match: prefix, path, path_separated_prefix or safe_regex (the query never counts but for a prefix). */
export function pathMatches(r: CompiledRoute, m: MatchInput): boolean {
  const v = r.value;
  switch (r.kind) {
    case "prefix":
      return r.caseSensitive ? m.path.startsWith(v) : m.lowerPath.startsWith(v);
    case "path":
      return (r.caseSensitive ? m.pathNoQuery : m.lowerPathNoQuery) === v;
    case "sep": {
      const p = r.caseSensitive ? m.pathNoQuery : m.lowerPathNoQuery;
      return p.startsWith(v) && (p.length === v.length || p.charCodeAt(v.length) === 47) /* / */;
    }
    case "regex":
      return r.regex!.test(m.pathNoQuery);
  }
}

export function matchRoute(r: CompiledRoute, m: MatchInput): boolean {
  return pathMatches(r, m) && (r.extra === null || r.extra.match(m));
}

/** First route of `list` (sorted by index) that matches and comes before `before`. */
function firstIn(list: readonly CompiledRoute[], m: MatchInput, before: number): CompiledRoute | null {
  for (const r of list) {
    if (r.index >= before) return null;
    if (matchRoute(r, m)) return r;
  }
  return null;
}

/**
 * Candidate routes that share a path key (a trie node, an exact path, or "the rest"). Routes that require
 * a header with one exact value (`x-tenant: t42`) are filed under that value, so a request only looks at
 * the routes for the value it carries; the others are scanned in order. Every list is in config order and
 * `first` returns the lowest-index full match, which is what an in-order scan would find.
 */
class Bucket {
  readonly plain: CompiledRoute[] = [];
  readonly byHeader: { name: string; values: Map<string, CompiledRoute[]> }[] = [];

  add(r: CompiledRoute) {
    const e = r.extra?.exactHeader ?? null;
    if (e === null) return void this.plain.push(r);
    let g = this.byHeader.find((x) => x.name === e.name);
    if (g === undefined) this.byHeader.push((g = { name: e.name, values: new Map() }));
    const l = g.values.get(e.value);
    if (l) l.push(r);
    else g.values.set(e.value, [r]);
  }

  first(m: MatchInput, before: number): CompiledRoute | null {
    let best = this.plain.length > 0 ? firstIn(this.plain, m, before) : null;
    if (best !== null) before = best.index;
    for (let i = 0; i < this.byHeader.length; i++) {
      const g = this.byHeader[i];
      const v = headerValue(m.headers, g.name);
      if (v === null) continue;
      const list = g.values.get(v);
      if (list === undefined) continue;
      const r = firstIn(list, m, before);
      if (r !== null) {
        best = r;
        before = r.index;
      }
    }
    return best;
  }
}

const REGEX_META = new Set([..."\\^$.|?*+()[]{}"]);

/**
 * The literal text every match of a full-path regex starts with ("/svc12/" for `/svc12/[0-9]+`), so the
 * route can sit in the prefix trie. Conservative: a `|` anywhere gives "", and a literal followed by a quantifier
 * that allows zero repetitions (`?`, `*`, `{`) is dropped.
 */
export function regexLiteralPrefix(source: string): string {
  if (source.includes("|")) return "";
  let i = 0;
  while (i < source.length && !REGEX_META.has(source[i])) i++;
  const next = source[i];
  return next === "?" || next === "*" || next === "{" ? source.slice(0, Math.max(0, i - 1)) : source.slice(0, i);
}

class TrieNode {
  next: Map<number, TrieNode> | null = null;
  routes: Bucket | null = null;
}

/**
 * Candidate routes for a path without a full scan: case-sensitive prefix routes sit in a character trie at
 * the end of their prefix, regex routes at the end of their literal prefix, exact paths in a Map; the rest
 * (case-insensitive routes, regexes without a literal start) is one more bucket. Each bucket also indexes
 * exact header values. A lookup returns the lowest-index full match among all candidates, which is exactly
 * the first match of an in-order scan. That holds because whether a route matches depends on the request alone,
 * never on which routes were looked at before it: runtime_fraction reads the request's single random value
 * (MatchInput.randomValue) and the runtime, which nothing changes while a lookup runs.
 */
class RouteIndex {
  readonly #root = new TrieNode();
  readonly #exact = new Map<string, Bucket>();
  readonly #other = new Bucket();

  constructor(routes: readonly CompiledRoute[]) {
    for (const r of routes) {
      if (r.kind === "regex") {
        const lit = regexLiteralPrefix(r.config.match.safe_regex ? toJsRegexSource(r.config.match.safe_regex.regex) : "");
        if (lit === "") this.#other.add(r);
        else this.#trieBucket(lit).add(r);
      } else if (!r.caseSensitive) this.#other.add(r);
      else if (r.kind === "path") {
        let b = this.#exact.get(r.value);
        if (b === undefined) this.#exact.set(r.value, (b = new Bucket()));
        b.add(r);
      } else this.#trieBucket(r.value).add(r);
    }
  }

  #trieBucket(key: string): Bucket {
    let n = this.#root;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      n.next ??= new Map();
      let child = n.next.get(c);
      if (!child) n.next.set(c, (child = new TrieNode()));
      n = child;
    }
    return (n.routes ??= new Bucket());
  }

  find(m: MatchInput): CompiledRoute | null {
    let best: CompiledRoute | null = null;
    let before = Infinity;
    const path = m.path;
    let n: TrieNode | undefined = this.#root;
    for (let i = 0; ; i++) {
      if (n.routes !== null) {
        const r = n.routes.first(m, before);
        if (r !== null) {
          best = r;
          before = r.index;
        }
      }
      if (i === path.length || n.next === null) break;
      n = n.next.get(path.charCodeAt(i));
      if (n === undefined) break;
    }
    const exact = this.#exact.get(m.pathNoQuery);
    if (exact !== undefined) {
      const r = exact.first(m, before);
      if (r !== null) {
        best = r;
        before = r.index;
      }
    }
    return this.#other.first(m, before) ?? best;
  }
}

/** Below this many routes an in-order scan is as fast as the index. */
const INDEX_MIN_ROUTES = 16;

export interface CompiledVirtualHost {
  readonly name: string;
  readonly routes: readonly CompiledRoute[];
  readonly index: RouteIndex | null;
  readonly requireTls: "NONE" | "EXTERNAL_ONLY" | "ALL";
  /** the 301 to https that require_tls answers with (Envoy's SslRedirectRoute); null for NONE */
  readonly tlsRedirect: CompiledRoute | null;
}

/** The routes standing for require_tls redirects: their `location` is `https://<host><path>` exactly. */
const TLS_REDIRECTS = new WeakSet<CompiledRoute>();

/** A require_tls redirect (Http::Utility::createSslRedirectPath keeps the Host header as it is, port included). */
export function isTlsRedirect(route: CompiledRoute): boolean {
  return TLS_REDIRECTS.has(route);
}

export class RouteTable {
  readonly #exact = new Map<string, CompiledVirtualHost>();
  /** `*.foo.com` stored as ".foo.com"-style suffix without the '*', longest first */
  readonly #suffix: { suffix: string; vh: CompiledVirtualHost }[] = [];
  /** `foo.*` stored as "foo." prefix, longest first */
  readonly #prefix: { prefix: string; vh: CompiledVirtualHost }[] = [];
  #any: CompiledVirtualHost | null = null;
  /** internal_only_headers, lower-cased; null when none (the connection manager then skips the check) */
  readonly internalOnlyHeaders: readonly string[] | null;

  /**
   * `store`: for the stats of routes with a `stat_prefix` (route-stats.ts) and of virtual clusters; without it
   * routes keep none. `runtime`: what runtime_fraction matches read (their defaults without one).
   */
  constructor(
    readonly config: RouteConfiguration,
    store: StatsStore | null = null,
    runtime: Runtime | null = null,
  ) {
    const globalReq = HeaderMutation.compile(config.request_headers_to_add, config.request_headers_to_remove);
    const globalResp = HeaderMutation.compile(config.response_headers_to_add, config.response_headers_to_remove);
    const globalMirrors = compileMirrorPolicies(config.request_mirror_policies);
    this.internalOnlyHeaders = config.internal_only_headers?.length ? config.internal_only_headers.map((h) => h.toLowerCase()) : null;
    for (const vh of config.virtual_hosts ?? []) {
      const vhostStats = store === null ? null : store.scope(`vhost.${vh.name}`);
      const levels: RouteLevels = {
        vhostRetryPolicy: vh.retry_policy ? new RetryPolicy(vh.retry_policy) : null,
        request: [HeaderMutation.compile(vh.request_headers_to_add, vh.request_headers_to_remove), globalReq],
        response: [HeaderMutation.compile(vh.response_headers_to_add, vh.response_headers_to_remove), globalResp],
        vhostStats,
        perFilter: [vh.typed_per_filter_config, config.typed_per_filter_config],
        virtualClusters: VirtualClusters.compile(vh.virtual_clusters, vhostStats),
        mirrorPolicies: compileMirrorPolicies(vh.request_mirror_policies) ?? globalMirrors,
        runtime,
      };
      const routes = (vh.routes ?? []).map((r, i) => compileRoute(r, i, levels));
      const requireTls = vh.require_tls ?? "NONE";
      let tlsRedirect: CompiledRoute | null = null;
      if (requireTls !== "NONE") {
        // Envoy's SslRedirectRoute has no header mutations and no per-filter configs of its own
        tlsRedirect = compileRoute({ match: { prefix: "/" }, redirect: { https_redirect: true } }, -1, { ...levels, request: [], response: [], perFilter: [], virtualClusters: null, mirrorPolicies: null });
        TLS_REDIRECTS.add(tlsRedirect);
      }
      const compiled: CompiledVirtualHost = { name: vh.name, routes, index: routes.length >= INDEX_MIN_ROUTES ? new RouteIndex(routes) : null, requireTls, tlsRedirect };
      for (const d of vh.domains) {
        const dl = d.toLowerCase();
        if (dl === "*") this.#any = compiled;
        else if (dl.startsWith("*")) this.#suffix.push({ suffix: dl.slice(1), vh: compiled });
        else if (dl.endsWith("*")) this.#prefix.push({ prefix: dl.slice(0, -1), vh: compiled });
        else this.#exact.set(dl, compiled);
      }
    }
    this.#suffix.sort((a, b) => b.suffix.length - a.suffix.length);
    this.#prefix.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** Envoy's order: exact, longest suffix wildcard, longest prefix wildcard, `*`. Wildcards never match empty. */
  findVirtualHost(host: string): CompiledVirtualHost | null {
    const h = host.toLowerCase();
    const exact = this.#exact.get(h);
    if (exact) return exact;
    for (const s of this.#suffix) if (h.length > s.suffix.length && h.endsWith(s.suffix)) return s.vh;
    for (const p of this.#prefix) if (h.length > p.prefix.length && h.startsWith(p.prefix)) return p.vh;
    return this.#any;
  }

  /**
   * require_tls: the virtual host's 301 to https for a request whose x-forwarded-proto (set by the connection
   * manager when the client sent none) is not `https`; EXTERNAL_ONLY spares internal requests (x-envoy-internal).
   */
  tlsRedirectFor(vh: CompiledVirtualHost, headers: readonly string[], internal: boolean): CompiledRoute | null {
    if (vh.tlsRedirect === null || headerValue(headers, "x-forwarded-proto") === "https") return null;
    return vh.requireTls === "ALL" || !internal ? vh.tlsRedirect : null;
  }

  /** First matching route (in config order) of the virtual host, or null (→ 404). */
  match(vh: CompiledVirtualHost, m: MatchInput): CompiledRoute | null {
    if (vh.index !== null) return vh.index.find(m);
    for (const r of vh.routes) if (matchRoute(r, m)) return r;
    return null;
  }

  /** Convenience for tests and callers without headers: host + path only. */
  route(host: string, path: string, headers: readonly string[] = [], method = "GET"): CompiledRoute | null {
    const vh = this.findVirtualHost(host);
    return vh === null ? null : this.match(vh, new MatchInput(path, headers, method, host));
  }
}
