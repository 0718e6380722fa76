// Which route served a traced request, for the trace search's route filter. Envoy's Zipkin spans carry no
// route name, so unless the worker tags one (`route_name`), the console finds it the way the router did: the
// listener by the server span's local port, the virtual host by the URL's host (Envoy's order: exact, longest
// suffix wildcard, longest prefix wildcard, `*`), then the first route whose match takes the URL's path. Header
// matchers need headers a span does not carry (only the method): a request that reaches a route with such a
// matcher before its match is left unresolved rather than guessed.
import type { Resources } from "../config/draft-mapper";
import { isTcpProxyFilter, toJsRegexSource, type Listener, type Route, type StringMatcher } from "../../proxy-core/src/config/index";

interface CompiledRoute {
  name: string | null;
  test: (path: string, pathNoQuery: string, query: URLSearchParams, method: string) => boolean | "unknown";
}

interface CompiledVhost {
  domains: string[];
  routes: CompiledRoute[];
}

function stringMatch(m: StringMatcher, v: string): boolean {
  const ic = m.ignore_case === true;
  const val = ic ? v.toLowerCase() : v;
  const f = (s: string) => (ic ? s.toLowerCase() : s);
  if (m.exact !== undefined) return val === f(m.exact);
  if (m.prefix !== undefined) return val.startsWith(f(m.prefix));
  if (m.suffix !== undefined) return val.endsWith(f(m.suffix));
  if (m.contains !== undefined) return val.includes(f(m.contains));
  if (m.safe_regex !== undefined) return new RegExp(`^(?:${toJsRegexSource(m.safe_regex.regex)})$`).test(v);
  return false;
}

function compileRoute(r: Route): CompiledRoute {
  const match = r?.match ?? {};
  const cs = match.case_sensitive !== false;
  const regex = match.safe_regex ? new RegExp(`^(?:${toJsRegexSource(match.safe_regex.regex)})$`) : null;
  const lc = (s: string) => (cs ? s : s.toLowerCase());
  const headers = match.headers ?? [];
  const params = match.query_parameters ?? [];
  return {
    name: typeof r?.name === "string" ? r.name : null,
    test(path, pathNoQuery, query, method) {
      let ok: boolean;
      if (match.prefix !== undefined) ok = lc(path).startsWith(lc(match.prefix));
      else if (match.path !== undefined) ok = lc(pathNoQuery) === lc(match.path);
      else if (match.path_separated_prefix !== undefined) {
        const p = lc(pathNoQuery);
        const v = lc(match.path_separated_prefix);
        ok = p.startsWith(v) && (p.length === v.length || p[v.length] === "/");
      } else ok = regex !== null && regex.test(pathNoQuery);
      if (!ok) return false;
      for (const q of params) {
        const v = query.get(q.name);
        if (q.present_match !== undefined ? (v !== null) !== q.present_match : v === null || !stringMatch(q.string_match ?? {}, v)) return false;
      }
      for (const h of headers) {
        if (h.name !== ":method") return "unknown";
        const hit = h.present_match !== undefined ? h.present_match : stringMatch(h.string_match ?? {}, method);
        if (hit === (h.invert_match === true)) return false;
      }
      return true;
    },
  };
}

function findVhost(vhosts: CompiledVhost[], host: string): CompiledVhost | null {
  const h = host.toLowerCase();
  let best: { vh: CompiledVhost; rank: number; len: number } | null = null;
  for (const vh of vhosts)
    for (const d of vh.domains) {
      const dl = d.toLowerCase();
      let rank = -1;
      let len = 0;
      if (dl === h) [rank, len] = [3, dl.length];
      else if (dl === "*") [rank, len] = [0, 0];
      else if (dl.startsWith("*") && h.length > dl.length - 1 && h.endsWith(dl.slice(1))) [rank, len] = [2, dl.length];
      else if (dl.endsWith("*") && h.length > dl.length - 1 && h.startsWith(dl.slice(0, -1))) [rank, len] = [1, dl.length];
      if (rank >= 0 && (!best || rank > best.rank || (rank === best.rank && len > best.len))) best = { vh, rank, len };
    }
  return best?.vh ?? null;
}

export class RouteResolver {
  readonly #byPort = new Map<number, CompiledVhost[][]>();

  constructor(resources: Resources) {
    // a published snapshot: validated with the schema when it was published
    for (const l of (resources.listeners ?? []) as Listener[]) {
      const port = Number(l?.address?.socket_address?.port_value);
      const chains: CompiledVhost[][] = [];
      for (const fc of l?.filter_chains ?? [])
        for (const f of fc?.filters ?? []) {
          const vhs = isTcpProxyFilter(f) ? undefined : f?.typed_config?.route_config?.virtual_hosts;
          if (Array.isArray(vhs)) chains.push(vhs.map((vh) => ({ domains: vh.domains ?? [], routes: (vh.routes ?? []).map(compileRoute) })));
        }
      this.#byPort.set(port, [...(this.#byPort.get(port) ?? []), ...chains]);
    }
  }

  /** The route name that took `url` (method `method`) on the listener bound to `port`; null when unknown. */
  resolve(port: number | undefined, url: string | undefined, method = "GET"): string | null {
    if (port === undefined || !url) return null;
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return null;
    }
    const chains = this.#byPort.get(port);
    // a listener with several HTTP filter chains (SNI): which one served is not in the span
    if (!chains || chains.length !== 1) return null;
    const vh = findVhost(chains[0], u.host);
    if (!vh) return null;
    const path = u.pathname + u.search;
    for (const r of vh.routes) {
      const hit = r.test(path, u.pathname, u.searchParams, method);
      if (hit === "unknown") return null;
      if (hit) return r.name;
    }
    return null;
  }
}
