// Routing: RouteConfiguration → VirtualHost → Route (envoy.config.route.v3).
// Regexes are RE2 in Envoy and JS RegExp here: syntax that means something else (or nothing) in RE2 is
// refused at validation so a config never behaves differently from Envoy.
import { z } from "zod";
import { BoolValue, DataSource, Duration, Port, UInt32Value, envoyEnum, envoyName, repeated, unwrapValue } from "./schema-common";
import { Decorator } from "./schema-tracing";
import { isPlainObject, noteDeprecated, withDeprecations } from "./warnings";
import { TypedPerFilterConfigShape } from "./schema-per-filter";
import { RuntimeFractionalPercent } from "./schema-percent";
import { reusable } from "./reuse";
import { DIRECT_RESPONSE_BODY_MAX_BYTES, HeaderName, HeaderValue, REGEX_MAX_CHARS, RouteName, StatName, maxBytes, maxBytesMessage } from "./schema-limits";

/** Why an RE2 regex cannot run as a JS RegExp with the same meaning, or null when it can. */
export function re2Problem(re: string): string | null {
  if (/\(\?<?[=!]/.test(re)) return "lookahead/lookbehind is not supported by RE2";
  if (/\\[1-9]|\\k</.test(re)) return "backreferences are not supported by RE2";
  if (/\(\?[a-zA-Z]+[:)]/.test(re)) return "inline flags such as (?i) are not supported by Signalbox";
  // RE2's parser refuses counted repetitions above 1000 (kMaxRepeat in re2/parse.cc): "bad repetition operator"
  for (const m of re.matchAll(/(?<!\\)\{(\d+)(?:,(\d*))?\}/g))
    if (Number(m[1]) > 1000 || (m[2] && Number(m[2]) > 1000)) return `repetition ${m[0]} is refused by RE2 (counts must be at most 1000)`;
  try {
    new RegExp(toJsRegexSource(re));
  } catch (e) {
    return `invalid regex: ${(e as Error).message}`;
  }
  return null;
}

/** RE2 `(?P<name>…)` is JS `(?<name>…)`; everything else accepted by re2Problem means the same. */
export function toJsRegexSource(re: string): string {
  return re.replace(/\(\?P</g, "(?<");
}

const Regex = z.string().superRefine((re, ctx) => {
  if (re.length > REGEX_MAX_CHARS) return void ctx.addIssue({ code: "custom", message: `must be at most ${REGEX_MAX_CHARS} characters` });
  const p = re2Problem(re);
  if (p) ctx.addIssue({ code: "custom", message: p });
});

/**
 * type.matcher.v3.RegexMatcher. `google_re2` (deprecated: RE2 is the only engine) is accepted and dropped;
 * its `max_program_size` (deprecated too) has nothing to limit here, as Signalbox does not measure RE2 programs.
 */
export const RegexMatcher = withDeprecations(
  (raw) => {
    if (raw.google_re2 === undefined) return;
    const sized = isPlainObject(raw.google_re2) && raw.google_re2.max_program_size !== undefined;
    noteDeprecated(raw, "google_re2", `google_re2 is deprecated and can be left out (RE2 is Envoy's only regex engine)${sized ? "; its max_program_size is ignored (Signalbox does not measure RE2 program sizes)" : ""}`);
  },
  z
    .strictObject({ google_re2: z.strictObject({ max_program_size: UInt32Value.optional() }).optional(), regex: Regex })
    .transform(({ google_re2: _, ...r }) => r),
);

export function exactlyOne<T extends Record<string, unknown>>(keys: readonly (keyof T & string)[], what: string, optional = false) {
  return (v: T, ctx: z.RefinementCtx) => {
    const set = keys.filter((k) => v[k] !== undefined);
    if (set.length > 1 || (!optional && set.length === 0))
      ctx.addIssue({ code: "custom", message: `${optional ? "at most" : "exactly"} one of ${keys.join(", ")} ${what}(got ${set.length ? set.join(", ") : "none"})` });
  };
}

const STRING_KINDS = ["exact", "prefix", "suffix", "contains", "safe_regex"] as const;
export const StringMatcher = z
  .strictObject({
    exact: z.string().optional(),
    prefix: z.string().min(1).optional(),
    suffix: z.string().min(1).optional(),
    contains: z.string().min(1).optional(),
    safe_regex: RegexMatcher.optional(),
    ignore_case: z.boolean().optional(),
  })
  .superRefine(exactlyOne(STRING_KINDS, "is required "));

/** HeaderMatcher's deprecated specifiers and the string_match kind each one is read as. */
const DEPRECATED_HEADER_MATCH = { exact_match: "exact", prefix_match: "prefix", suffix_match: "suffix", contains_match: "contains", safe_regex_match: "safe_regex" } as const;
type DeprecatedHeaderMatch = keyof typeof DEPRECATED_HEADER_MATCH;
const DEPRECATED_HEADER_KEYS = Object.keys(DEPRECATED_HEADER_MATCH) as DeprecatedHeaderMatch[];

/** route.v3.HeaderMatcher; the deprecated `exact_match` … `safe_regex_match` become the same `string_match`. */
export const HeaderMatcher = withDeprecations(
  (raw) => {
    for (const k of DEPRECATED_HEADER_KEYS)
      if (raw[k] !== undefined) noteDeprecated(raw, k, `${k} is deprecated: read as string_match.${DEPRECATED_HEADER_MATCH[k]} (write it that way)`);
  },
  z
    .strictObject({
      name: HeaderName,
      string_match: StringMatcher.optional(),
      present_match: z.boolean().optional(),
      invert_match: z.boolean().optional(),
      exact_match: z.string().optional(),
      prefix_match: z.string().min(1).optional(),
      suffix_match: z.string().min(1).optional(),
      contains_match: z.string().min(1).optional(),
      safe_regex_match: RegexMatcher.optional(),
    })
    // one oneof in the proto: Envoy refuses two of them ("has already been set … as part of a oneof")
    .superRefine(exactlyOne(["string_match", "present_match", ...DEPRECATED_HEADER_KEYS], "may be set ", true))
    .transform(({ exact_match, prefix_match, suffix_match, contains_match, safe_regex_match, ...m }) => {
      const old = { exact_match, prefix_match, suffix_match, contains_match, safe_regex_match };
      const k = DEPRECATED_HEADER_KEYS.find((key) => old[key] !== undefined);
      return k === undefined ? m : { ...m, string_match: { [DEPRECATED_HEADER_MATCH[k]]: old[k] } as z.infer<typeof StringMatcher> };
    }),
);

export const QueryParameterMatcher = z
  .strictObject({
    name: z.string().min(1),
    string_match: StringMatcher.optional(),
    present_match: z.boolean().optional(),
  })
  .superRefine(exactlyOne(["string_match", "present_match"], "may be set ", true));

const PATH_KINDS = ["prefix", "path", "safe_regex", "path_separated_prefix"] as const;
export const RouteMatch = z
  .strictObject({
    prefix: z.string().optional(),
    path: z.string().optional(),
    safe_regex: RegexMatcher.optional(),
    path_separated_prefix: z
      .string()
      .regex(/^[^?#]+[^?#/]$/, { message: "must not contain ? or # and must not end in / (pattern ^[^?#]+[^?#/]$)" })
      .optional(),
    case_sensitive: BoolValue.optional(),
    headers: repeated(z.array(HeaderMatcher)).optional(),
    query_parameters: repeated(z.array(QueryParameterMatcher)).optional(),
    /** matches a share of requests: the runtime key's value, else default_value (src/runtime/) */
    runtime_fraction: RuntimeFractionalPercent.optional(),
    /** content-type application/grpc or application/grpc+… (Grpc::Common::isGrpcRequestHeaders) */
    grpc: z.strictObject({}).optional(),
  })
  .superRefine(exactlyOne(PATH_KINDS, "is required "));

// %REQ(x)%, %DOWNSTREAM_REMOTE_ADDRESS% and %UPSTREAM_HOST% are the formatter operators the router
// evaluates; `%%` is a literal percent sign
export const FORMAT_OPERATOR = /%%|%([A-Z_0-9]+)(\(([^)]*)\))?%/g;
const FormattedValue = HeaderValue.superRefine((v, ctx) => {
  for (const m of v.matchAll(FORMAT_OPERATOR)) {
    if (m[0] === "%%") continue;
    const ok = (m[1] === "REQ" && m[3]) || ((m[1] === "DOWNSTREAM_REMOTE_ADDRESS" || m[1] === "UPSTREAM_HOST") && m[2] === undefined);
    if (!ok) ctx.addIssue({ code: "custom", message: `format operator ${m[0]} is not supported (supported: %REQ(header)%, %DOWNSTREAM_REMOTE_ADDRESS%, %UPSTREAM_HOST%)` });
  }
});

const MutableHeaderName = HeaderName.refine((k) => !k.startsWith(":") && k.toLowerCase() !== "host", { message: "pseudo-headers and host cannot be modified (use host_rewrite_literal)" });

const APPEND = "APPEND_IF_EXISTS_OR_ADD";
const OVERWRITE = "OVERWRITE_IF_EXISTS_OR_ADD";

/**
 * envoy.config.core.v3.HeaderValueOption (route header mutations). The deprecated `append` is read as
 * Envoy's HeadersToAddEntry reads it (source/common/router/header_parser.cc): true → APPEND_IF_EXISTS_OR_ADD,
 * false → OVERWRITE_IF_EXISTS_OR_ADD, and refused beside an append_action other than the default.
 */
export const RouteHeaderValueOption = withDeprecations(
  (raw) => {
    const append = unwrapValue(raw.append);
    if (typeof append === "boolean") noteDeprecated(raw, "append", `append is deprecated: read as append_action: ${append ? APPEND : OVERWRITE} (write it that way)`);
  },
  z
    .strictObject({
      header: z.strictObject({ key: MutableHeaderName, value: FormattedValue }),
      append: BoolValue.optional(),
      append_action: envoyEnum([APPEND, "ADD_IF_ABSENT", OVERWRITE, "OVERWRITE_IF_EXISTS"]).optional(),
      keep_empty_value: z.boolean().optional(),
    })
    .superRefine((o, ctx) => {
      if (o.append !== undefined && o.append_action !== undefined && o.append_action !== APPEND)
        ctx.addIssue({ code: "custom", path: ["append"], message: "append and append_action are both set, which Envoy refuses (append is deprecated: keep append_action)" });
    })
    .transform(({ append, ...o }) => (append === undefined ? o : { ...o, append_action: append ? APPEND : OVERWRITE })),
);

const HeaderMutations = {
  request_headers_to_add: repeated(z.array(RouteHeaderValueOption)).optional(),
  request_headers_to_remove: repeated(z.array(MutableHeaderName)).optional(),
  response_headers_to_add: repeated(z.array(RouteHeaderValueOption)).optional(),
  response_headers_to_remove: repeated(z.array(MutableHeaderName)).optional(),
};

export const PREVIOUS_HOSTS = "envoy.retry_host_predicates.previous_hosts";
export const RETRY_ON = ["5xx", "gateway-error", "connect-failure", "reset", "retriable-4xx", "retriable-status-codes"] as const;
const RETRY_ON_UNSUPPORTED = ["refused-stream", "retriable-headers", "envoy-ratelimited", "reset-before-request", "http3-post-connect-failure", "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable"];

export const RetryPolicy = z.strictObject({
  retry_on: z
    .string()
    .superRefine((v, ctx) => {
      for (const t of v.split(",").map((s) => s.trim()).filter(Boolean)) {
        if ((RETRY_ON as readonly string[]).includes(t)) continue;
        ctx.addIssue({ code: "custom", message: RETRY_ON_UNSUPPORTED.includes(t) ? `retry_on ${t} is not supported (supported: ${RETRY_ON.join(", ")})` : `unknown retry_on ${JSON.stringify(t)} (supported: ${RETRY_ON.join(", ")})` });
      }
    })
    .optional(),
  num_retries: UInt32Value.optional(),
  per_try_timeout: Duration.optional(),
  retriable_status_codes: repeated(z.array(z.number().int().min(100).max(599))).optional(),
  retry_back_off: z
    .strictObject({ base_interval: Duration.refine((d) => !/^0+(\.0+)?s$/.test(d), { message: "must be greater than 0" }), max_interval: Duration.optional() })
    .optional(),
  retry_host_predicate: repeated(
    z.array(z.strictObject({ name: envoyName([PREVIOUS_HOSTS], ["envoy.retry_host_predicates.omit_canary_hosts", "envoy.retry_host_predicates.omit_host_metadata"]), typed_config: z.record(z.string(), z.unknown()).optional() })),
  ).optional(),
  host_selection_retry_max_attempts: z.number().int().min(0).optional(),
});

const HASH_POLICY_KINDS = ["header", "cookie", "connection_properties", "query_parameter"] as const;

/**
 * route.v3.RouteAction.HashPolicy (router/hash-policy.ts). `filter_state` is refused by name: Signalbox keeps no
 * filter state objects to hash.
 */
export const HashPolicy = z
  .strictObject({
    header: z.strictObject({ header_name: z.string().min(1) }).optional(),
    cookie: z
      .strictObject({
        name: z.string().min(1),
        /** set: a cookie is generated when the request has none (0s: a session cookie) */
        ttl: Duration.optional(),
        path: z.string().optional(),
        attributes: repeated(z.array(z.strictObject({ name: z.string().min(1), value: z.string().optional() }))).optional(),
      })
      .optional(),
    connection_properties: z.strictObject({ source_ip: z.boolean().optional() }).optional(),
    query_parameter: z.strictObject({ name: z.string().min(1) }).optional(),
    filter_state: z.unknown().optional(),
    terminal: z.boolean().optional(),
  })
  .superRefine((p, ctx) => {
    if (p.filter_state !== undefined) return void ctx.addIssue({ code: "custom", path: ["filter_state"], message: "filter_state is not supported by Signalbox (it keeps no filter state objects to hash)" });
    exactlyOne(HASH_POLICY_KINDS, "is required ")(p, ctx);
  })
  .transform(({ filter_state: _, ...p }) => p);

/**
 * route.v3.RouteAction.RequestMirrorPolicy (router/request-mirror.ts): a fire-and-forget copy of the request, its
 * host suffixed `-shadow`. `request_headers_mutations` is refused by name.
 */
export const RequestMirrorPolicy = z
  .strictObject({
    cluster: z.string().min(1).optional(),
    cluster_header: z.string().min(1).optional(),
    /** unset: every request is mirrored */
    runtime_fraction: RuntimeFractionalPercent.optional(),
    trace_sampled: BoolValue.optional(),
    disable_shadow_host_suffix_append: z.boolean().optional(),
    host_rewrite_literal: z.string().min(1).optional(),
  })
  .superRefine(exactlyOne(["cluster", "cluster_header"], "is required "));

export const ClusterWeight = z.strictObject({
  name: z.string().min(1),
  weight: UInt32Value,
  host_rewrite_literal: z.string().min(1).optional(),
  ...HeaderMutations,
});

/**
 * route.v3.WeightedCluster. The deprecated `total_weight` is accepted and ignored: current Envoy splits by the sum
 * of the weights (route_components.proto: "the client will use the sum of all cluster weights").
 */
export const WeightedCluster = withDeprecations(
  (raw) => {
    if (raw.total_weight === undefined) return;
    const list = Array.isArray(raw.clusters) ? raw.clusters : [raw.clusters];
    const sum = list.reduce((n: number, c) => n + (isPlainObject(c) && typeof unwrapValue(c.weight) === "number" ? (unwrapValue(c.weight) as number) : 0), 0);
    noteDeprecated(raw, "total_weight", `total_weight is deprecated and ignored: traffic is split by the sum of the weights (${sum}), as current Envoy does`);
  },
  z
    .strictObject({ clusters: repeated(z.array(ClusterWeight).min(1)), total_weight: UInt32Value.optional() })
    .refine((w) => w.clusters.some((c) => c.weight > 0), { message: "at least one cluster weight must be greater than 0" })
    .transform(({ total_weight: _, ...w }) => w),
);

export const RouteAction = z
  .strictObject({
    cluster: z.string().min(1).optional(),
    /** the cluster named by this request header (its first value); absent or unknown: 503 no_cluster */
    cluster_header: z.string().min(1).optional(),
    weighted_clusters: WeightedCluster.optional(),
    prefix_rewrite: z.string().optional(),
    regex_rewrite: z.strictObject({ pattern: RegexMatcher, substitution: z.string() }).optional(),
    host_rewrite_literal: z.string().min(1).optional(),
    timeout: Duration.optional(),
    idle_timeout: Duration.optional(),
    retry_policy: RetryPolicy.optional(),
    hash_policy: repeated(z.array(HashPolicy)).optional(),
    request_mirror_policies: repeated(z.array(RequestMirrorPolicy)).optional(),
  })
  .superRefine(exactlyOne(["cluster", "cluster_header", "weighted_clusters"], "is required "))
  .superRefine(exactlyOne(["prefix_rewrite", "regex_rewrite"], "may be set ", true));

export const RedirectAction = z
  .strictObject({
    https_redirect: z.boolean().optional(),
    scheme_redirect: z.string().min(1).optional(),
    host_redirect: z.string().min(1).optional(),
    port_redirect: Port.optional(),
    path_redirect: z.string().min(1).optional(),
    prefix_rewrite: z.string().optional(),
    response_code: envoyEnum(["MOVED_PERMANENTLY", "FOUND", "SEE_OTHER", "TEMPORARY_REDIRECT", "PERMANENT_REDIRECT"]).optional(),
    strip_query: z.boolean().optional(),
  })
  .superRefine(exactlyOne(["https_redirect", "scheme_redirect"], "may be set ", true))
  .superRefine(exactlyOne(["path_redirect", "prefix_rewrite"], "may be set ", true));

const DIRECT_RESPONSE_BODY_MESSAGE = `${maxBytesMessage(DIRECT_RESPONSE_BODY_MAX_BYTES)} (Envoy's default max_direct_response_body_size_bytes)`;

const STATUS_MESSAGE = "must be an HTTP status between 200 and 599";

export const DirectResponseAction = z.strictObject({
  status: z.number(STATUS_MESSAGE).int(STATUS_MESSAGE).min(200, STATUS_MESSAGE).max(599, STATUS_MESSAGE),
  body: DataSource.superRefine((d, ctx) => {
    if (d.inline_string !== undefined && !maxBytes(DIRECT_RESPONSE_BODY_MAX_BYTES)(d.inline_string))
      ctx.addIssue({ code: "custom", path: ["inline_string"], message: DIRECT_RESPONSE_BODY_MESSAGE });
  }).optional(),
});

export const Route = z
  .strictObject({
    name: RouteName.optional(),
    match: RouteMatch,
    route: RouteAction.optional(),
    redirect: RedirectAction.optional(),
    direct_response: DirectResponseAction.optional(),
    /** tracing: the server span's name (Envoy's route_components.proto Decorator) */
    decorator: Decorator.optional(),
    /** route stats under `vhost.<virtual host name>.route.<stat_prefix>.` (router/route-stats.ts); "" or unset: none */
    stat_prefix: StatName.optional(),
    /** per-route HTTP filter configs, checked by validate.ts against each filter's schema */
    typed_per_filter_config: TypedPerFilterConfigShape.optional(),
    ...HeaderMutations,
  })
  .superRefine((r, ctx) => {
    const set = (["route", "redirect", "direct_response"] as const).filter((k) => r[k] !== undefined);
    if (set.length !== 1)
      ctx.addIssue({ code: "custom", message: `exactly one action (route, redirect or direct_response) is required (got ${set.length ? set.join(", ") : "none"})` });
    // Envoy: a prefix rewrite replaces the matched prefix, so it needs a prefix-like match
    const rewrite = r.route?.prefix_rewrite ?? r.redirect?.prefix_rewrite;
    if (rewrite !== undefined && r.match.safe_regex !== undefined)
      ctx.addIssue({ code: "custom", path: [r.route ? "route" : "redirect", "prefix_rewrite"], message: "prefix_rewrite needs a prefix, path or path_separated_prefix match" });
  });

/** route.v3.VirtualCluster (router/virtual-clusters.ts): stats for the requests all its `headers` match. */
export const VirtualCluster = z
  .strictObject({
    name: z.string().min(1),
    headers: repeated(z.array(HeaderMatcher)).optional(),
  })
  .superRefine((v, ctx) => {
    // Envoy's CommonVirtualHostImpl refuses a virtual cluster without headers, in these words
    if (!v.headers?.length) ctx.addIssue({ code: "custom", path: ["headers"], message: "virtual clusters must define 'headers'" });
  });

export const VirtualHost = z.strictObject({
  name: StatName.min(1, "required"),
  /** route_components.proto checks each domain as an HTTP header value (well_known_regex HTTP_HEADER_VALUE, strict: false): no CR, LF or NUL */
  domains: repeated(z.array(HeaderValue.min(1)).min(1)),
  /** a route whose JSON is unchanged since the last snapshot is not parsed again (reuse.ts) */
  routes: repeated(z.array(reusable(Route))).optional(),
  retry_policy: RetryPolicy.optional(),
  /** stats for matching requests under `vhost.<name>.vcluster.<virtual cluster>.`, the rest under `other` */
  virtual_clusters: repeated(z.array(VirtualCluster)).optional(),
  /** ALL / EXTERNAL_ONLY: a request that is not https (x-forwarded-proto) gets a 301 to https */
  require_tls: envoyEnum(["NONE", "EXTERNAL_ONLY", "ALL"]).optional(),
  /** for the routes that have none of their own */
  request_mirror_policies: repeated(z.array(RequestMirrorPolicy)).optional(),
  typed_per_filter_config: TypedPerFilterConfigShape.optional(),
  ...HeaderMutations,
});

export const RouteConfiguration = z.strictObject({
  name: z.string().optional(),
  virtual_hosts: repeated(z.array(VirtualHost)).optional(),
  /** removed from every request that is not internal (x-envoy-internal, http/internal-request.ts) */
  internal_only_headers: repeated(z.array(HeaderName)).optional(),
  /** for the virtual hosts and routes that have none of their own */
  request_mirror_policies: repeated(z.array(RequestMirrorPolicy)).optional(),
  typed_per_filter_config: TypedPerFilterConfigShape.optional(),
  ...HeaderMutations,
});


export type StringMatcher = z.infer<typeof StringMatcher>;
export type HeaderMatcher = z.infer<typeof HeaderMatcher>;
export type RouteMatch = z.infer<typeof RouteMatch>;
export type RouteHeaderValueOption = z.infer<typeof RouteHeaderValueOption>;
export type RetryPolicy = z.infer<typeof RetryPolicy>;
export type HashPolicy = z.infer<typeof HashPolicy>;
export type RequestMirrorPolicy = z.infer<typeof RequestMirrorPolicy>;
export type VirtualCluster = z.infer<typeof VirtualCluster>;
export type RouteAction = z.infer<typeof RouteAction>;
export type RedirectAction = z.infer<typeof RedirectAction>;
export type Route = z.infer<typeof Route>;
export type VirtualHost = z.infer<typeof VirtualHost>;
export type RouteConfiguration = z.infer<typeof RouteConfiguration>;
