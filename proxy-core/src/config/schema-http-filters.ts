// The HTTP filters an HTTP connection manager may list (`http_filters`), each identified as Envoy identifies it:
// by the `@type` of its `typed_config`, or by its `name` when it has no typed_config (Envoy looks an extension
// up by name then; `envoy.filters.http.router` without a typed_config is the common case). A filter that is
// not in HTTP_FILTERS is refused with one line naming it, never accepted silently. A filter's per-route
// config (`typed_per_filter_config` on a route, virtual host or route configuration) is checked against its
// `perRoute` schema here too. Only zod lives here: the console validates with it; the runtime factories are in
// src/http/filters/.
import { z } from "zod";
import { ROUTER_TYPE, TYPE_PREFIX } from "./schema-common";
import { BUFFER_PER_ROUTE_TYPE, BUFFER_TYPE, BufferConfig, BufferPerRoute } from "./http-filters/buffer";
import { EXT_AUTHZ_PER_ROUTE_TYPE, EXT_AUTHZ_TYPE, ExtAuthzConfig, ExtAuthzPerRoute } from "./http-filters/ext-authz";
import { CORS_POLICY_TYPE, CORS_TYPE, CorsConfig, CorsPolicy } from "./http-filters/cors";
import { LOCAL_RATELIMIT_TYPE, LocalRateLimitConfig, LocalRateLimitPerRoute } from "./http-filters/local-ratelimit";
import { FAULT_TYPE, HttpFaultConfig } from "./http-filters/fault";
import { HEALTH_CHECK_TYPE, HealthCheckConfig } from "./http-filters/health-check";
import { COMPRESSOR_PER_ROUTE_TYPE, COMPRESSOR_TYPE, CompressorConfig, CompressorPerRoute } from "./http-filters/compressor";

export interface HttpFilterSpec {
  /** names Envoy registers the extension under (canonical first) */
  names: readonly string[];
  typeUrl: string;
  /** the typed_config, `@type` included */
  config: z.ZodType;
  /** the per-route override (typed_per_filter_config), when the filter has one, and its `@type` */
  perRoute?: z.ZodType;
  perRouteType?: string;
  /** the router: the last filter of every chain */
  terminal?: boolean;
}

/** Envoy's Router proto: everything but the type is refused (one clear line each) until it is supported. */
export const RouterConfig = z.strictObject({ "@type": z.literal(ROUTER_TYPE) });

/** Every supported HTTP filter. A filter is added here (its schema) and in src/http/filters/registry.ts (its runtime). */
export const HTTP_FILTERS: readonly HttpFilterSpec[] = [
  { names: ["envoy.filters.http.router", "envoy.router"], typeUrl: ROUTER_TYPE, config: RouterConfig, terminal: true },
  { names: ["envoy.filters.http.buffer", "envoy.buffer"], typeUrl: BUFFER_TYPE, config: BufferConfig, perRoute: BufferPerRoute, perRouteType: BUFFER_PER_ROUTE_TYPE },
  { names: ["envoy.filters.http.ext_authz", "envoy.ext_authz"], typeUrl: EXT_AUTHZ_TYPE, config: ExtAuthzConfig, perRoute: ExtAuthzPerRoute, perRouteType: EXT_AUTHZ_PER_ROUTE_TYPE },
  { names: ["envoy.filters.http.cors", "envoy.cors"], typeUrl: CORS_TYPE, config: CorsConfig, perRoute: CorsPolicy, perRouteType: CORS_POLICY_TYPE },
  { names: ["envoy.filters.http.local_ratelimit"], typeUrl: LOCAL_RATELIMIT_TYPE, config: LocalRateLimitConfig, perRoute: LocalRateLimitPerRoute, perRouteType: LOCAL_RATELIMIT_TYPE },
  { names: ["envoy.filters.http.fault", "envoy.fault"], typeUrl: FAULT_TYPE, config: HttpFaultConfig, perRoute: HttpFaultConfig, perRouteType: FAULT_TYPE },
  { names: ["envoy.filters.http.health_check", "envoy.health_check"], typeUrl: HEALTH_CHECK_TYPE, config: HealthCheckConfig },
  { names: ["envoy.filters.http.compressor"], typeUrl: COMPRESSOR_TYPE, config: CompressorConfig, perRoute: CompressorPerRoute, perRouteType: COMPRESSOR_PER_ROUTE_TYPE },
];

const byType = new Map(HTTP_FILTERS.map((s) => [s.typeUrl, s]));
const byName = new Map(HTTP_FILTERS.flatMap((s) => s.names.map((n) => [n, s] as const)));
const byPerRouteType = new Map(HTTP_FILTERS.filter((s) => s.perRouteType !== undefined).map((s) => [s.perRouteType!, s]));

/** The spec a configured filter refers to: its typed_config's `@type`, else its name; null when unsupported. */
export function httpFilterSpec(f: { name: string; typed_config?: { "@type"?: unknown } }): HttpFilterSpec | null {
  const type = f.typed_config?.["@type"];
  if (typeof type === "string") return byType.get(type) ?? null;
  return byName.get(f.name) ?? null;
}

/**
 * The spec for a `typed_per_filter_config` entry: Envoy keys them by the filter's configured name (any name) and
 * finds the extension by the per-route config's `@type`; a well-known filter name works too.
 */
function specForPerRouteKey(key: string, config: { "@type"?: unknown }): HttpFilterSpec | null {
  const type = config?.["@type"];
  if (typeof type === "string") return byPerRouteType.get(type) ?? byType.get(type) ?? byName.get(key) ?? null;
  return byName.get(key) ?? null;
}

const unsupported = (what: string) => `${what} is not supported by Signalbox`;

/** Adds the issues of parsing `value` with `schema` under `path` (relative to the refinement's value). */
function addIssuesOf(ctx: z.RefinementCtx, schema: z.ZodType, value: unknown, path: (string | number)[]) {
  const r = schema.safeParse(value);
  if (r.success) return;
  for (const i of r.error.issues) {
    const at = [...path, ...i.path.map((p) => (typeof p === "symbol" ? String(p) : p))];
    // the same wording validate.ts gives an unknown field anywhere else, one line per field at its own path
    if (i.code === "unrecognized_keys") for (const key of i.keys) ctx.addIssue({ code: "custom", path: [...at, key], message: unsupported(key) });
    else ctx.addIssue({ code: "custom", path: at, message: i.message });
  }
}

export const HttpFilter = z
  .strictObject({
    name: z.string().min(1),
    typed_config: z.looseObject({ "@type": z.string().min(1) }).optional(),
    /** Envoy: an optional filter whose extension is unknown is skipped instead of refused */
    is_optional: z.boolean().optional(),
    /** Envoy: a disabled filter is only built where a route enables it through typed_per_filter_config */
    disabled: z.boolean().optional(),
  })
  .superRefine((f, ctx) => {
    const spec = httpFilterSpec(f);
    if (spec === null) {
      if (f.is_optional === true) return;
      const what = typeof f.typed_config?.["@type"] === "string" ? `${f.name} (${f.typed_config["@type"].slice(TYPE_PREFIX.length)})` : f.name;
      return ctx.addIssue({ code: "custom", message: unsupported(what) });
    }
    if (f.disabled === true) return ctx.addIssue({ code: "custom", path: ["disabled"], message: "disabled filters (enabled per route) are not supported" });
    if (f.typed_config !== undefined) addIssuesOf(ctx, spec.config, f.typed_config, ["typed_config"]);
    else if (!spec.terminal) addIssuesOf(ctx, spec.config, { "@type": spec.typeUrl }, ["typed_config"]);
  });

export type HttpFilter = z.infer<typeof HttpFilter>;

/** Envoy's envoy.config.route.v3.FilterConfig: a wrapper that can mark a per-route config optional or disable the filter. */
export const FILTER_CONFIG_TYPE = TYPE_PREFIX + "envoy.config.route.v3.FilterConfig";

/**
 * Problems of a `typed_per_filter_config` (route, virtual host or route configuration): filter name → the filter's
 * per-route config, or a FilterConfig wrapper around it. Keys for filters Signalbox does not have are refused by
 * name. Checked by validate.ts rather than inside the route schema, so that filter schemas may use the route
 * schema's matchers without an import cycle.
 */
export function perFilterConfigIssues(m: Record<string, Record<string, unknown>>): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  for (const [key, raw] of Object.entries(m)) {
    let config: Record<string, unknown> = raw;
    if (raw["@type"] === FILTER_CONFIG_TYPE) {
      const inner = raw.config as Record<string, unknown> | undefined;
      if (raw.disabled === true && inner === undefined) continue;
      if (inner === undefined || typeof inner !== "object") {
        out.push({ path: [key, "config"], message: "a FilterConfig needs a config (or disabled: true)" });
        continue;
      }
      config = inner;
    }
    const spec = specForPerRouteKey(key, config as { "@type"?: unknown });
    if (spec === null) {
      if (raw["@type"] === FILTER_CONFIG_TYPE && raw.is_optional === true) continue;
      out.push({ path: [key], message: unsupported(key) });
    } else if (spec.perRoute === undefined) out.push({ path: [key], message: `${spec.names[0]} has no per-route configuration` });
    else {
      const r = spec.perRoute.safeParse(config);
      if (!r.success) for (const i of r.error.issues) out.push({ path: [...(raw === config ? [key] : [key, "config"]), ...i.path.map((p) => (typeof p === "symbol" ? String(p) : p))], message: i.message });
    }
  }
  return out;
}
