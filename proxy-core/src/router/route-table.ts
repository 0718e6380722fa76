// A RouteConfiguration compiled for matching: virtual hosts indexed by Envoy's domain search order and
// routes compiled once into CompiledRoute objects (route-compile.ts). Small vhosts are scanned in order;
// large ones get an index that keeps "first match wins" (see RouteIndex), so 10,000 routes cost about
// as much as 10.
import type { RouteConfiguration } from "../config/schema";
import { compileRoute, type CompiledRoute, type RouteLevels } from "./route-compile";
import { HeaderMutation } from "./header-mutation";
import type { MatchRequest } from "./matchers";
import { RetryPolicy } from "./retry-state";

export { DEFAULT_ROUTE_TIMEOUT_MS, type CompiledRoute } from "./route-compile";

/** Per-request match input; the lower-cased path is computed only if a case-insensitive route asks. */
export class MatchInput implements MatchRequest {
  readonly pathNoQuery: string;
  #lower: string | null = null;
  #lowerNoQuery: string | null = null;

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
}

export function matchRoute(r: CompiledRoute, m: MatchInput): boolean {
  const v = r.value;
  switch (r.kind) {
    case "prefix":
      if (!(r.caseSensitive ? m.path.startsWith(v) : m.lowerPath.startsWith(v))) return false;
      break;
    case "path":
      if ((r.caseSensitive ? m.pathNoQuery : m.lowerPathNoQuery) !== v) return false;
      break;
    case "sep": {
      const p = r.caseSensitive ? m.pathNoQuery : m.lowerPathNoQuery;
      if (!p.startsWith(v) || (p.length !== v.length && p.charCodeAt(v.length) !== 47) /* / */) return false;
      break;
    }
    case "regex":
      if (!r.regex!.test(m.pathNoQuery)) return false;
      break;
  }
  return r.extra === null || r.extra.match(m);
}

/** First route of `list` (sorted by index) that matches and comes before `before`. */
function firstIn(list: readonly CompiledRoute[], m: MatchInput, before: number): CompiledRoute | null {
  for (const r of list) {
    if (r.index >= before) return null;
    if (matchRoute(r, m)) return r;
  }
  return null;
}

class TrieNode {
  next: Map<number, TrieNode> | null = null;
  routes: CompiledRoute[] | null = null;
}

/**
 * Candidate routes for a path without a full scan: case-sensitive prefix routes sit in a character trie at
 * the end of their prefix, exact paths in a Map; everything else (regex, case-insensitive) is scanned.
 * Every candidate list is in config order, and a lookup returns the lowest-index full match among all of
 * them, which is exactly the first match of an in-order scan.
 */
class RouteIndex {
  readonly #root = new TrieNode();
  readonly #exact = new Map<string, CompiledRoute[]>();
  readonly #other: CompiledRoute[] = [];

  constructor(routes: readonly CompiledRoute[]) {
    for (const r of routes) {
      if (!r.caseSensitive || r.kind === "regex") this.#other.push(r);
      else if (r.kind === "path") {
        const l = this.#exact.get(r.value);
        if (l) l.push(r);
        else this.#exact.set(r.value, [r]);
      } else {
        let n = this.#root;
        for (let i = 0; i < r.value.length; i++) {
          const c = r.value.charCodeAt(i);
          n.next ??= new Map();
          let child = n.next.get(c);
          if (!child) n.next.set(c, (child = new TrieNode()));
          n = child;
        }
        (n.routes ??= []).push(r);
      }
    }
  }

  find(m: MatchInput): CompiledRoute | null {
    let best: CompiledRoute | null = null;
    let before = Infinity;
    const path = m.path;
    let n: TrieNode | undefined = this.#root;
    for (let i = 0; ; i++) {
      if (n.routes !== null) {
        const r = firstIn(n.routes, m, before);
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
      const r = firstIn(exact, m, before);
      if (r !== null) {
        best = r;
        before = r.index;
      }
    }
    const r = firstIn(this.#other, m, before);
    return r ?? best;
  }
}

/** Below this many routes an in-order scan is as fast as the index. */
const INDEX_MIN_ROUTES = 16;

export interface CompiledVirtualHost {
  readonly name: string;
  readonly routes: readonly CompiledRoute[];
  readonly index: RouteIndex | null;
}

export class RouteTable {
  readonly #exact = new Map<string, CompiledVirtualHost>();
  /** `*.foo.com` stored as ".foo.com"-style suffix without the '*', longest first */
  readonly #suffix: { suffix: string; vh: CompiledVirtualHost }[] = [];
  /** `foo.*` stored as "foo." prefix, longest first */
  readonly #prefix: { prefix: string; vh: CompiledVirtualHost }[] = [];
  #any: CompiledVirtualHost | null = null;

  constructor(readonly config: RouteConfiguration) {
    const globalReq = HeaderMutation.compile(config.request_headers_to_add, config.request_headers_to_remove);
    const globalResp = HeaderMutation.compile(config.response_headers_to_add, config.response_headers_to_remove);
    for (const vh of config.virtual_hosts ?? []) {
      const levels: RouteLevels = {
        vhostRetryPolicy: vh.retry_policy ? new RetryPolicy(vh.retry_policy) : null,
        request: [HeaderMutation.compile(vh.request_headers_to_add, vh.request_headers_to_remove), globalReq],
        response: [HeaderMutation.compile(vh.response_headers_to_add, vh.response_headers_to_remove), globalResp],
      };
      const routes = (vh.routes ?? []).map((r, i) => compileRoute(r, i, levels));
      const compiled: CompiledVirtualHost = { name: vh.name, routes, index: routes.length >= INDEX_MIN_ROUTES ? new RouteIndex(routes) : null };
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
