// The route tester (POST /api/routes/explain): one request explained against the draft and the live version
// side by side, with the proxy's own router (proxy-core/src/router/explain.ts): the virtual host and why, the route
// taking the request, why each earlier route did not, what the route does and what the HTTP filters would do.
import { z } from "zod";

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const HeaderEntry = z.object({
  name: z.string().regex(TOKEN, "must be a header name (letters, digits and !#$%&'*+-.^_`|~)"),
  value: z.string().refine((v) => !/[\r\n\0]/.test(v), "must not contain CR, LF or NUL"),
});

export const ExplainBody = z.object({
  /** default GET */
  method: z.string().regex(TOKEN, "must be an HTTP method such as GET").default("GET"),
  /** the Host header (:authority), port included when the client sends one */
  host: z.string().min(1, "is required").refine((h) => !/\s/.test(h), "must not contain spaces"),
  /** path and query, as the request line carries them */
  path: z.string().startsWith("/", "must start with /"),
  /** more request headers: [{name, value}] or {name: value} */
  headers: z.preprocess((h) => (h !== null && typeof h === "object" && !Array.isArray(h) ? Object.entries(h).map(([name, value]) => ({ name, value })) : h), z.array(HeaderEntry)).optional(),
  /** a listener's name, address (host:port) or port; default: the first HTTP listener */
  listener: z.string().min(1).optional(),
  /** the request arrived over TLS (x-forwarded-proto https) */
  tls: z.boolean().default(false),
  /** an internal request (x-envoy-internal) */
  internal: z.boolean().default(false),
  /** the request's random value (runtime_fraction, weighted clusters); default 0 */
  randomValue: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});
export type ExplainBody = z.input<typeof ExplainBody>;
/** The body as the handler gets it (defaults applied, headers as a list). */
export type ExplainInput = z.output<typeof ExplainBody>;

const ExplainedRoute = z.object({
  index: z.number().int(),
  name: z.string().nullable(),
  match: z.string(),
  conditions: z.array(z.string()),
});

const Reason = z.object({
  kind: z.enum(["path", "header_missing", "header_mismatch", "method", "query", "runtime_fraction", "grpc", "tls"]),
  message: z.string(),
});

const Known = z.boolean().nullable();

const RouteAction = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("cluster"), cluster: z.string(), known: Known }),
  z.object({
    kind: z.literal("weighted_clusters"),
    totalWeight: z.number(),
    clusters: z.array(z.object({ name: z.string(), weight: z.number(), probability: z.number(), known: Known })),
    picked: z.string().nullable(),
  }),
  z.object({ kind: z.literal("cluster_header"), header: z.string(), cluster: z.string().nullable(), known: Known }),
  z.object({ kind: z.literal("redirect"), status: z.number().int(), location: z.string() }),
  z.object({ kind: z.literal("direct_response"), status: z.number().int(), bodyBytes: z.number().int().nullable(), bodyFile: z.string().nullable() }),
  z.object({ kind: z.literal("tls_redirect"), status: z.literal(301), location: z.string() }),
]);

const FilterEffect = z.object({
  name: z.string(),
  filter: z.string(),
  effect: z.enum(["acts", "disabled", "skipped"]),
  configFrom: z.enum(["filter", "route", "virtual_host", "route_configuration"]),
  summary: z.string(),
  details: z.array(z.string()),
});

export const Explanation = z.object({
  listener: z.object({ name: z.string(), address: z.string(), filterChain: z.string() }).nullable(),
  virtualHost: z
    .object({
      name: z.string(),
      domains: z.array(z.string()),
      matchedBy: z.enum(["exact", "suffix", "prefix", "wildcard"]),
      domain: z.string(),
      requireTls: z.enum(["NONE", "EXTERNAL_ONLY", "ALL"]),
    })
    .nullable(),
  route: ExplainedRoute.nullable(),
  skipped: z.array(ExplainedRoute.extend({ reasons: z.array(Reason) })),
  action: RouteAction.nullable(),
  upstream: z
    .object({
      cluster: z.string().nullable(),
      path: z.string(),
      pathRewritten: z.boolean(),
      host: z.string(),
      hostRewritten: z.boolean(),
      timeoutMs: z.number(),
      virtualCluster: z.string().nullable(),
      retry: z.object({ retryOn: z.string(), numRetries: z.number() }).nullable(),
    })
    .nullable(),
  filters: z.array(FilterEffect),
  outcome: z.object({ status: z.number().int().nullable(), responseFlag: z.enum(["NR", "NC"]).nullable(), summary: z.string() }),
});
export type Explanation = z.infer<typeof Explanation>;

/** The draft's answer beside the live version's (null before the first publish). */
export const ExplainResponse = z.object({
  draft: Explanation,
  live: Explanation.nullable(),
  liveVersion: z.object({ id: z.string(), number: z.number().int() }).nullable(),
  /** the listeners of the draft, for the tester's listener choice */
  listeners: z.array(z.object({ name: z.string(), address: z.string() })),
});
export type ExplainResponse = z.infer<typeof ExplainResponse>;
