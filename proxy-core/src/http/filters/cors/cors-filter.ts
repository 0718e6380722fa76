// envoy.filters.http.cors (docs/root/configuration/http/http_filters/cors_filter.rst; the behaviour is
// source/extensions/filters/http/cors/cors_filter.cc). A request with an Origin on a route that has a CORS
// policy counts as `cors.origin_valid` or `cors.origin_invalid`. A preflight (OPTIONS with Origin and
// Access-Control-Request-Method) is answered here with 200 and the access-control-allow-* headers (details
// `cors_response`); any other CORS request goes on, and its response gets access-control-allow-origin (the
// request's origin), -allow-credentials and -expose-headers when the origin is allowed. Routes without a route
// entry (redirect, direct response) and requests without a matching route are left alone, as in Envoy.
import { CorsPolicy } from "../../../config/http-filters/cors";
import type { CompiledRoute } from "../../../router/route-compile";
import { sendLocalReply } from "../../../router/local-reply";
import type { Runtime } from "../../../runtime/runtime";
import type { Counter } from "../../../stats/store";
import { FilterStatus, type FilterFactoryContext, type HttpFilter, type ResponseHead } from "../../filter";
import type { Stream } from "../../stream";
import { getHeader, setHeader } from "../header-list";
import { perFilterLevels } from "../per-filter-levels";
import { ResolvedCorsPolicy } from "./cors-policy";

/** `http.<stat_prefix>.cors.*` (CorsFilterConfig: the HCM's stats prefix + "cors.") */
export const CORS_COUNTERS = ["origin_valid", "origin_invalid"] as const;
type CorsStats = { [K in (typeof CORS_COUNTERS)[number]]: Counter };

/** Per request: the allowed origin of a CORS request and the policy that allowed it (Envoy's latched_origin_). */
interface LatchedOrigin {
  origin: string;
  policy: ResolvedCorsPolicy;
}

export class CorsFilter implements HttpFilter {
  readonly #stats: CorsStats;
  /** per route: its merged policy, or null (no policy at any level, or the filter disabled there) */
  readonly #policies = new WeakMap<CompiledRoute, ResolvedCorsPolicy | null>();

  readonly #runtime: Runtime;

  constructor(
    readonly name: string,
    private readonly index: number,
    ctx: FilterFactoryContext,
  ) {
    this.#runtime = ctx.runtime;
    const scope = ctx.store.scope(`http.${ctx.statPrefix}.cors`);
    this.#stats = Object.fromEntries(CORS_COUNTERS.map((n) => [n, scope.counter(n)])) as CorsStats;
  }

  static create(_config: unknown, name: string, ctx: FilterFactoryContext): HttpFilter {
    return new CorsFilter(name, ctx.index, ctx);
  }

  decodeHeaders(s: Stream): FilterStatus {
    const route = s.route;
    // no route entry (no match, a redirect, a direct response): CorsFilter::decodeHeaders continues at once
    if (route === null || (route.cluster === null && route.weighted === null)) return FilterStatus.Continue;
    const policy = this.#policyFor(s, route);
    if (policy === null) return FilterStatus.Continue;
    const enabled = policy.enabled.hit();
    if (!enabled && !policy.shadow.hit()) return FilterStatus.Continue;
    const origin = getHeader(s.headers, "origin");
    if (origin === null || origin === "") return FilterStatus.Continue;
    const allowed = policy.isOriginAllowed(origin);
    (allowed ? this.#stats.origin_valid : this.#stats.origin_invalid).inc();
    // shadow mode: evaluated and counted, never enforced
    if (!enabled) return FilterStatus.Continue;
    // latched with its policy: another filter may still change the route before the response
    if (allowed) s.setState(this.index, { origin, policy } satisfies LatchedOrigin);
    if (s.req.method !== "OPTIONS") return FilterStatus.Continue;
    const requestMethod = getHeader(s.headers, "access-control-request-method");
    if (requestMethod === null || requestMethod === "") return FilterStatus.Continue;
    if (!allowed && policy.forwardNotMatchingPreflights) return FilterStatus.Continue;
    s.details = "cors_response";
    sendLocalReply(s.res, s.hcm.serverName, 200, "", false, preflightHeaders(s, policy, allowed ? origin : null, requestMethod));
    return FilterStatus.StopIteration;
  }

  /** A CORS request whose origin is allowed: the response says so (preflights included, as Envoy's do). */
  encodeHeaders(s: Stream, head: ResponseHead) {
    const latched = s.state<LatchedOrigin>(this.index);
    if (latched === undefined) return;
    const { origin, policy } = latched;
    setHeader(head.headers, "access-control-allow-origin", origin);
    if (policy.allowCredentials) setHeader(head.headers, "access-control-allow-credentials", "true");
    if (policy.exposeHeaders !== "") setHeader(head.headers, "access-control-expose-headers", policy.exposeHeaders);
  }

  #policyFor(s: Stream, route: CompiledRoute): ResolvedCorsPolicy | null {
    let p = this.#policies.get(route);
    if (p === undefined) {
      const levels = perFilterLevels(s, route, this.name);
      p = levels.disabled || levels.configs.length === 0 ? null : new ResolvedCorsPolicy(levels.configs.map((c) => CorsPolicy.parse(c)), this.#runtime);
      this.#policies.set(route, p);
    }
    return p;
  }
}

/** The preflight answer's headers (CorsFilter::decodeHeaders); "*" for methods or headers echoes the request's. */
function preflightHeaders(s: Stream, policy: ResolvedCorsPolicy, origin: string | null, requestMethod: string): string[] {
  const h: string[] = [];
  if (origin !== null) h.push("access-control-allow-origin", origin);
  if (policy.allowCredentials) h.push("access-control-allow-credentials", "true");
  if (policy.allowMethods !== "") h.push("access-control-allow-methods", policy.allowMethods === "*" ? requestMethod : policy.allowMethods);
  if (policy.allowHeaders !== "")
    h.push("access-control-allow-headers", policy.allowHeaders === "*" ? (getHeader(s.headers, "access-control-request-headers") ?? "") : policy.allowHeaders);
  if (policy.maxAge !== "") h.push("access-control-max-age", policy.maxAge);
  // Chrome's Private Network Access preflight
  if (policy.allowPrivateNetworkAccess && getHeader(s.headers, "access-control-request-private-network") === "true") h.push("access-control-allow-private-network", "true");
  return h;
}
