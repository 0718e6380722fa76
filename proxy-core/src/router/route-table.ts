// A RouteConfiguration compiled for matching: virtual hosts indexed by Envoy's domain search order and
// routes compiled into small matcher objects, so a request costs one Map lookup (exact host) or a short scan
// of the wildcard lists, then an in-order scan of the vhost's routes with startsWith/===.
import type { Route, RouteConfiguration } from "../config/schema";
import { durationOr } from "../config/duration";

export const DEFAULT_ROUTE_TIMEOUT_MS = 15_000;

export interface CompiledRoute {
  readonly index: number;
  /** prefix or path (lower-cased when case-insensitive) */
  readonly value: string;
  readonly kind: "prefix" | "path";
  readonly caseSensitive: boolean;
  readonly cluster: string | null;
  readonly timeoutMs: number;
  readonly direct: { status: number; body: Buffer } | null;
  readonly config: Route;
}

export interface CompiledVirtualHost {
  readonly name: string;
  readonly routes: readonly CompiledRoute[];
}

function compileRoute(r: Route, index: number): CompiledRoute {
  const caseSensitive = r.match.case_sensitive ?? true;
  const kind = r.match.prefix !== undefined ? "prefix" : "path";
  const raw = (kind === "prefix" ? r.match.prefix : r.match.path) ?? "";
  const body = r.direct_response?.body?.inline_string;
  return {
    index,
    kind,
    caseSensitive,
    value: caseSensitive ? raw : raw.toLowerCase(),
    cluster: r.route?.cluster ?? null,
    timeoutMs: durationOr(r.route?.timeout, DEFAULT_ROUTE_TIMEOUT_MS),
    direct: r.direct_response ? { status: r.direct_response.status, body: Buffer.from(body ?? "") } : null,
    config: r,
  };
}

function matches(r: CompiledRoute, path: string, pathNoQuery: string): boolean {
  if (r.kind === "prefix") {
    return r.caseSensitive ? path.startsWith(r.value) : path.slice(0, r.value.length).toLowerCase() === r.value;
  }
  return r.caseSensitive ? pathNoQuery === r.value : pathNoQuery.toLowerCase() === r.value;
}

export class RouteTable {
  readonly #exact = new Map<string, CompiledVirtualHost>();
  /** `*.foo.com` stored as ".foo.com"-style suffix without the '*', longest first */
  readonly #suffix: { suffix: string; vh: CompiledVirtualHost }[] = [];
  /** `foo.*` stored as "foo." prefix, longest first */
  readonly #prefix: { prefix: string; vh: CompiledVirtualHost }[] = [];
  #any: CompiledVirtualHost | null = null;

  constructor(readonly config: RouteConfiguration) {
    for (const vh of config.virtual_hosts ?? []) {
      const compiled: CompiledVirtualHost = { name: vh.name, routes: (vh.routes ?? []).map(compileRoute) };
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

  /** First matching route (in config order) of the host's virtual host, or null (→ 404). */
  route(host: string, path: string): CompiledRoute | null {
    const vh = this.findVirtualHost(host);
    if (!vh) return null;
    const q = path.indexOf("?");
    const pathNoQuery = q < 0 ? path : path.slice(0, q);
    for (const r of vh.routes) if (matches(r, path, pathNoQuery)) return r;
    return null;
  }
}
