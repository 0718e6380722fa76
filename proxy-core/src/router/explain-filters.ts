// What each HTTP filter of a connection manager would do to one routed request, for router/explain.ts: which
// config applies (the filter's, or the most specific typed_per_filter_config: route, then virtual host, then route
// configuration, as Envoy's resolveMostSpecificPerFilterConfig picks it), whether a FilterConfig wrapper disables
// the filter there, and the settings that decide the request's fate (ext_authz's service, the local rate limit's
// bucket, the CORS policy, fault percentages). Descriptions only: nothing here runs a filter, draws a random number
// or consumes a token.
import type { z } from "zod";
import type { HttpFilter as HttpFilterConfig, HttpFilterSpec } from "../config/schema-http-filters";
import { FILTER_CONFIG_TYPE, httpFilterSpec } from "../config/schema-http-filters";
import { HeaderMatchList, StringMatcher, headerValue, type MatchRequest } from "./matchers";
import type { HeaderMatcher, StringMatcher as StringMatcherConfig } from "../config/schema";

type Obj = Readonly<Record<string, unknown>>;

/** Where a filter's effective config comes from. */
export type ConfigLevel = "filter" | "route" | "virtual_host" | "route_configuration";

export interface FilterEffect {
  /** the name it is configured under (`http_filters[].name`) */
  readonly name: string;
  /** Envoy's extension name, e.g. `envoy.filters.http.ext_authz` */
  readonly filter: string;
  /**
   * acts: it does something to this request (checks it, counts it, may delay it); disabled: a per-route config
   * turns it off here; skipped: it lets this request through untouched (no route entry, not a health check…)
   */
  readonly effect: "acts" | "disabled" | "skipped";
  readonly configFrom: ConfigLevel;
  /** one line: what it does to this request */
  readonly summary: string;
  /** the settings behind the summary, one per line */
  readonly details: string[];
}

/** What the filters see of the routing decision. */
export interface FilterContext {
  /** typed_per_filter_config of the route, virtual host and route configuration (most specific first); none without a route */
  readonly levels: readonly [Obj | undefined, Obj | undefined, Obj | undefined];
  /** a route entry forwards upstream (not a redirect, direct response or require_tls 301) */
  readonly routeEntry: boolean;
  /** a route took the request (any kind) */
  readonly routed: boolean;
  /** the cluster the request goes to, when known (fault's upstream_cluster) */
  readonly cluster: string | null;
  readonly request: MatchRequest;
}

const LEVEL_NAMES: readonly ConfigLevel[] = ["route", "virtual_host", "route_configuration"];

const shortName = (n: string) => n.replace(/^envoy\.filters\.http\./, "");

/** FractionalPercent → percent of requests (the proto default for an unset one is given). */
function percentOf(p: unknown, unset: number): number {
  if (p === undefined || p === null) return unset;
  const f = p as { numerator?: number; denominator?: string };
  const den = f.denominator === "MILLION" ? 1_000_000 : f.denominator === "TEN_THOUSAND" ? 10_000 : 100;
  return Math.min(100, (100 * (f.numerator ?? 0)) / den);
}

/** RuntimeFractionalPercent → "50% of requests (runtime key k)". */
function runtimePercent(p: unknown, unset: number): { pct: number; text: string } {
  if (p === undefined) return { pct: unset, text: `${unset}% of requests` };
  const r = p as { default_value?: unknown; runtime_key?: string };
  const pct = percentOf(r.default_value, 0);
  return { pct, text: `${pct}% of requests${r.runtime_key ? ` (runtime key ${r.runtime_key})` : ""}` };
}

/**
 * A config as the filter reads it: parsed by its schema (wrappers unwrapped, status names as numbers). Configs here
 * passed validation already; should one not parse, its raw form still describes it.
 */
function parsed(schema: z.ZodType | undefined, raw: Obj): Obj {
  const r = schema?.safeParse(raw);
  return r?.success ? (r.data as Obj) : raw;
}

/** The most specific per-route config of filter `name`, unwrapped, with its level; `disabled` for a FilterConfig saying so. */
function perRoute(spec: HttpFilterSpec, name: string, ctx: FilterContext): { config: Obj | null; level: ConfigLevel; disabled: boolean } | null {
  for (let i = 0; i < ctx.levels.length; i++) {
    const raw = ctx.levels[i]?.[name] as Obj | undefined;
    if (raw === undefined) continue;
    if (raw["@type"] !== FILTER_CONFIG_TYPE) return { config: parsed(spec.perRoute, raw), level: LEVEL_NAMES[i], disabled: false };
    const inner = raw.config as Obj | undefined;
    return { config: inner === undefined ? null : parsed(spec.perRoute, inner), level: LEVEL_NAMES[i], disabled: raw.disabled === true };
  }
  return null;
}

/** Every level's config of filter `name`, most specific first (CORS merges them field by field). */
function allLevels(spec: HttpFilterSpec, name: string, ctx: FilterContext): { config: Obj; level: ConfigLevel }[] {
  const out: { config: Obj; level: ConfigLevel }[] = [];
  for (let i = 0; i < ctx.levels.length; i++) {
    const raw = ctx.levels[i]?.[name] as Obj | undefined;
    if (raw === undefined) continue;
    const config = raw["@type"] === FILTER_CONFIG_TYPE ? (raw.config as Obj | undefined) : raw;
    if (config !== undefined) out.push({ config: parsed(spec.perRoute, config), level: LEVEL_NAMES[i] });
  }
  return out;
}

const effect = (f: HttpFilterConfig, filter: string, e: FilterEffect["effect"], configFrom: ConfigLevel, summary: string, details: string[] = []): FilterEffect => ({
  name: f.name,
  filter,
  effect: e,
  configFrom,
  summary,
  details,
});

function extAuthz(f: HttpFilterConfig, spec: HttpFilterSpec, c: Obj, ctx: FilterContext): FilterEffect {
  const filter = spec.names[0];
  const per = perRoute(spec, f.name, ctx);
  const from = per?.level ?? "filter";
  // Envoy's ext_authz checks nothing for a request without a route (getPerRouteFlags: skip_check)
  if (!ctx.routed) return effect(f, filter, "skipped", from, "no route: nothing is checked");
  if (per?.disabled || per?.config?.disabled === true) return effect(f, filter, "disabled", from, `disabled on this route (${per!.level} typed_per_filter_config)`);
  const grpc = (c.grpc_service as { envoy_grpc?: { cluster_name?: string } } | undefined)?.envoy_grpc?.cluster_name;
  const http = c.http_service as { server_uri?: { uri?: string; cluster?: string } } | undefined;
  const service = grpc !== undefined ? `gRPC service on cluster ${grpc}` : `HTTP service ${http?.server_uri?.uri ?? "?"} (cluster ${http?.server_uri?.cluster ?? "?"})`;
  const enabled = runtimePercent(c.filter_enabled, 100);
  const details = [`service: ${service}`, `filter_enabled: ${enabled.text}`, `on an error: ${c.failure_mode_allow === true ? "let the request through (failure_mode_allow)" : `${(c.status_on_error as { code?: number } | undefined)?.code ?? 403}`}`];
  const extensions = (per?.config?.check_settings as { context_extensions?: Record<string, string> } | undefined)?.context_extensions;
  if (extensions !== undefined) details.push(`context_extensions: ${Object.entries(extensions).map(([k, v]) => `${k}=${v}`).join(", ")}`);
  if (enabled.pct === 0) return effect(f, filter, "skipped", from, "filter_enabled is 0%: nothing is checked", details);
  return effect(f, filter, "acts", from, `checks the request with the ${service} before it goes on (denied: 403 unless the service says otherwise)`, details);
}

function localRateLimit(f: HttpFilterConfig, spec: HttpFilterSpec, c: Obj, ctx: FilterContext): FilterEffect {
  const filter = spec.names[0];
  const per = perRoute(spec, f.name, ctx);
  if (per?.disabled) return effect(f, filter, "disabled", per.level, `disabled on this route (${per.level} typed_per_filter_config)`);
  const cfg = per?.config ?? c;
  const from = per?.config ? per.level : "filter";
  const b = cfg.token_bucket as { max_tokens: number; tokens_per_fill?: number; fill_interval: string } | undefined;
  const enabled = runtimePercent(cfg.filter_enabled, 0);
  const enforced = runtimePercent(cfg.filter_enforced, 0);
  const status = (cfg.status as { code?: number } | undefined)?.code ?? 429;
  const bucket = b === undefined ? "no token bucket" : `${b.max_tokens} tokens, ${b.tokens_per_fill ?? 1} added every ${b.fill_interval}`;
  const details = [`bucket (${from === "filter" ? "the filter's" : `${from} typed_per_filter_config`}, stat_prefix ${String(cfg.stat_prefix)}): ${bucket}${cfg.local_rate_limit_per_downstream_connection === true ? ", per downstream connection" : ""}`, `filter_enabled: ${enabled.text}`, `filter_enforced: ${enforced.text}`, `when limited and enforced: ${status} local_rate_limited`];
  if (b === undefined || enabled.pct === 0) return effect(f, filter, "skipped", from, b === undefined ? "no token bucket: requests are not limited" : "filter_enabled is 0% (its default): the bucket is never consulted", details);
  const what = enforced.pct === 0 ? "counts it against the bucket but never refuses it (filter_enforced 0%)" : `takes a token from the bucket (${bucket}); without one: ${status}`;
  return effect(f, filter, "acts", from, what, details);
}

function cors(f: HttpFilterConfig, spec: HttpFilterSpec, ctx: FilterContext): FilterEffect {
  const filter = spec.names[0];
  const levels = allLevels(spec, f.name, ctx);
  const per = perRoute(spec, f.name, ctx);
  const from = levels[0]?.level ?? per?.level ?? "filter";
  // CorsFilter::decodeHeaders continues at once without a route entry (no match, a redirect, a direct response)
  if (!ctx.routeEntry) return effect(f, filter, "skipped", from, "no route entry (no route, a redirect or a direct response): CORS does nothing");
  if (per?.disabled) return effect(f, filter, "disabled", per.level, `disabled on this route (${per.level} typed_per_filter_config)`);
  if (levels.length === 0) return effect(f, filter, "skipped", "filter", "no CORS policy at any level for this route: CORS does nothing");
  const field = (k: string) => levels.find((l) => l.config[k] !== undefined)?.config[k];
  const origins = (field("allow_origin_string_match") as StringMatcherConfig[] | undefined) ?? [];
  const matchers = origins.map((o) => new StringMatcher(o));
  const details = [`policy from: ${levels.map((l) => l.level).join(" over ")}`, `allow_origin_string_match: ${matchers.map((m) => m.describe()).join(", ") || "(none)"}`];
  for (const k of ["allow_methods", "allow_headers", "expose_headers", "max_age"]) if (field(k) !== undefined) details.push(`${k}: ${String(field(k))}`);
  if (field("allow_credentials") !== undefined) details.push(`allow_credentials: ${String(field("allow_credentials"))}`);
  const enabled = runtimePercent(field("filter_enabled"), 100);
  details.push(`filter_enabled: ${enabled.text}`);
  const origin = headerValue(ctx.request.headers, "origin");
  if (origin === null) return effect(f, filter, "skipped", from, "the request has no Origin header: not a CORS request", details);
  const allowed = matchers.some((m) => m.match(origin));
  const preflight = ctx.request.method === "OPTIONS" && headerValue(ctx.request.headers, "access-control-request-method") !== null;
  const what = !allowed
    ? `origin ${origin} is not allowed: no access-control-allow-origin in the response${preflight ? " (the preflight goes upstream only with forward_not_matching_preflights)" : ""}`
    : preflight
      ? `origin ${origin} is allowed: the filter answers this preflight itself (200)`
      : `origin ${origin} is allowed: access-control-allow-origin is added to the response`;
  return effect(f, filter, "acts", from, what, details);
}

function fault(f: HttpFilterConfig, spec: HttpFilterSpec, c: Obj, ctx: FilterContext): FilterEffect {
  const filter = spec.names[0];
  const per = perRoute(spec, f.name, ctx);
  if (per?.disabled) return effect(f, filter, "disabled", per.level, `disabled on this route (${per.level} typed_per_filter_config)`);
  // the most specific per-route HTTPFault replaces the filter's whole
  const cfg = per?.config ?? c;
  const from = per?.config ? per.level : "filter";
  const details: string[] = [];
  const parts: string[] = [];
  const delay = cfg.delay as { fixed_delay?: string; header_delay?: object; percentage?: unknown } | undefined;
  if (delay !== undefined) {
    const pct = percentOf(delay.percentage, 0);
    const by = delay.fixed_delay !== undefined ? `by ${delay.fixed_delay}` : "by the x-envoy-fault-delay-request header's milliseconds";
    details.push(`delay: ${pct}% of requests ${by}`);
    if (pct > 0) parts.push(`delays ${pct}% of requests ${by}`);
  }
  const abort = cfg.abort as { http_status?: number; grpc_status?: number; header_abort?: object; percentage?: unknown } | undefined;
  if (abort !== undefined) {
    const pct = percentOf(abort.percentage, 0);
    const how = abort.http_status !== undefined ? `with ${abort.http_status}` : abort.grpc_status !== undefined ? `with gRPC status ${abort.grpc_status}` : "with the x-envoy-fault-abort-request header's status";
    details.push(`abort: ${pct}% of requests ${how}`);
    if (pct > 0) parts.push(`aborts ${pct}% of requests ${how}`);
  }
  // FaultFilter::decodeHeaders: upstream_cluster, downstream_nodes and headers must all match for a fault
  const upstream = cfg.upstream_cluster as string | undefined;
  if (upstream !== undefined) details.push(`upstream_cluster: ${upstream}`);
  if (upstream !== undefined && upstream !== ctx.cluster) return effect(f, filter, "skipped", from, `only for requests to cluster ${upstream}, this one goes to ${ctx.cluster ?? "no cluster"}`, details);
  const nodes = cfg.downstream_nodes as string[] | undefined;
  if (nodes?.length) {
    const node = headerValue(ctx.request.headers, "x-envoy-downstream-service-node");
    details.push(`downstream_nodes: ${nodes.join(", ")}`);
    if (node === null || !nodes.includes(node)) return effect(f, filter, "skipped", from, `only for x-envoy-downstream-service-node ${nodes.join(" or ")}`, details);
  }
  const headers = cfg.headers as HeaderMatcher[] | undefined;
  if (headers?.length && !new HeaderMatchList(headers).match(ctx.request)) return effect(f, filter, "skipped", from, "the request does not match the fault's headers", details);
  if (parts.length === 0) return effect(f, filter, "skipped", from, "no fault with a percentage above 0%", details);
  return effect(f, filter, "acts", from, parts.join("; "), details);
}

function healthCheck(f: HttpFilterConfig, spec: HttpFilterSpec, c: Obj, ctx: FilterContext): FilterEffect {
  const filter = spec.names[0];
  const headers = (c.headers as HeaderMatcher[] | undefined) ?? [];
  if (!new HeaderMatchList(headers).match(ctx.request)) return effect(f, filter, "skipped", "filter", "not a health check request (its headers do not match)");
  const pass = c.pass_through_mode === true;
  return effect(f, filter, "acts", "filter", pass ? "a health check: passed through to the upstream (pass_through_mode)" : "a health check: answered by the filter itself (200, or 503 while failing), never routed");
}

function buffer(f: HttpFilterConfig, spec: HttpFilterSpec, c: Obj, ctx: FilterContext): FilterEffect {
  const filter = spec.names[0];
  const per = perRoute(spec, f.name, ctx);
  if (per?.disabled || per?.config?.disabled === true) return effect(f, filter, "disabled", per!.level, `disabled on this route (${per!.level} typed_per_filter_config)`);
  const max = (per?.config?.buffer as { max_request_bytes?: number } | undefined)?.max_request_bytes ?? (c.max_request_bytes as number);
  return effect(f, filter, "acts", per?.config ? per.level : "filter", `buffers the whole request body before it goes on, up to ${max} bytes (413 beyond)`);
}

function compressor(f: HttpFilterConfig, spec: HttpFilterSpec, ctx: FilterContext): FilterEffect {
  const filter = spec.names[0];
  const per = perRoute(spec, f.name, ctx);
  if (per?.disabled || per?.config?.disabled === true) return effect(f, filter, "disabled", per!.level, `disabled on this route (${per!.level} typed_per_filter_config)`);
  return effect(f, filter, "acts", per?.config ? per.level : "filter", "may compress the response (when the client accepts the encoding and the content type and length qualify)");
}

/** One FilterEffect per configured HTTP filter but the router (which is the action itself), in chain order. */
export function explainFilters(filters: readonly HttpFilterConfig[], ctx: FilterContext): FilterEffect[] {
  const out: FilterEffect[] = [];
  for (const f of filters) {
    const spec = httpFilterSpec(f);
    // an unknown optional filter is not built (Envoy's is_optional); the router is the route's action
    if (spec === null || spec.terminal) continue;
    const c = parsed(spec.config, (f.typed_config ?? { "@type": spec.typeUrl }) as Obj);
    switch (shortName(spec.names[0])) {
      case "ext_authz":
        out.push(extAuthz(f, spec, c, ctx));
        break;
      case "local_ratelimit":
        out.push(localRateLimit(f, spec, c, ctx));
        break;
      case "cors":
        out.push(cors(f, spec, ctx));
        break;
      case "fault":
        out.push(fault(f, spec, c, ctx));
        break;
      case "health_check":
        out.push(healthCheck(f, spec, c, ctx));
        break;
      case "buffer":
        out.push(buffer(f, spec, c, ctx));
        break;
      case "compressor":
        out.push(compressor(f, spec, ctx));
        break;
      default:
        out.push(effect(f, spec.names[0], "acts", "filter", "runs for every request"));
    }
  }
  return out;
}
