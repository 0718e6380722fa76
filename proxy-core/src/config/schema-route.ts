// Routing: RouteConfiguration → VirtualHost → Route (envoy.config.route.v3). Spec §1 and §4.
// Regexes are RE2 in Envoy and JS RegExp here: syntax that means something else (or nothing) in RE2 is
// refused at validation so a config never behaves differently from Envoy.
import { z } from "zod";
import { DataSource, Duration, Port, UInt32, envoyEnum } from "./schema-common";
import { Decorator } from "./schema-tracing";

/** Why an RE2 regex cannot run as a JS RegExp with the same meaning, or null when it can. */
export function re2Problem(re: string): string | null {
  if (/\(\?<?[=!]/.test(re)) return "lookahead/lookbehind is not supported by RE2";
  if (/\\[1-9]|\\k</.test(re)) return "backreferences are not supported by RE2";
  if (/\(\?[a-zA-Z]+[:)]/.test(re)) return "inline flags such as (?i) are not supported by Signalbox";
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
  const p = re2Problem(re);
  if (p) ctx.addIssue({ code: "custom", message: p });
});

export const RegexMatcher = z.strictObject({ regex: Regex });

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

export const HeaderMatcher = z
  .strictObject({
    name: z.string().min(1),
    string_match: StringMatcher.optional(),
    present_match: z.boolean().optional(),
    invert_match: z.boolean().optional(),
  })
  .superRefine(exactlyOne(["string_match", "present_match"], "may be set ", true));

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
    case_sensitive: z.boolean().optional(),
    headers: z.array(HeaderMatcher).optional(),
    query_parameters: z.array(QueryParameterMatcher).optional(),
  })
  .superRefine(exactlyOne(PATH_KINDS, "is required "));

// %REQ(x)%, %DOWNSTREAM_REMOTE_ADDRESS% and %UPSTREAM_HOST% are the formatter operators the router
// evaluates; `%%` is a literal percent sign
export const FORMAT_OPERATOR = /%%|%([A-Z_0-9]+)(\(([^)]*)\))?%/g;
const FormattedValue = z.string().superRefine((v, ctx) => {
  for (const m of v.matchAll(FORMAT_OPERATOR)) {
    if (m[0] === "%%") continue;
    const ok = (m[1] === "REQ" && m[3]) || ((m[1] === "DOWNSTREAM_REMOTE_ADDRESS" || m[1] === "UPSTREAM_HOST") && m[2] === undefined);
    if (!ok) ctx.addIssue({ code: "custom", message: `format operator ${m[0]} is not supported (supported: %REQ(header)%, %DOWNSTREAM_REMOTE_ADDRESS%, %UPSTREAM_HOST%)` });
  }
});

const MutableHeaderName = z
  .string()
  .min(1)
  .refine((k) => !k.startsWith(":") && k.toLowerCase() !== "host", { message: "pseudo-headers and host cannot be modified (use host_rewrite_literal)" });

/** envoy.config.core.v3.HeaderValueOption with append_action (route header mutations, spec §1.7). */
export const RouteHeaderValueOption = z.strictObject({
  header: z.strictObject({ key: MutableHeaderName, value: FormattedValue }),
  append_action: envoyEnum(["APPEND_IF_EXISTS_OR_ADD", "ADD_IF_ABSENT", "OVERWRITE_IF_EXISTS_OR_ADD", "OVERWRITE_IF_EXISTS"]).optional(),
  keep_empty_value: z.boolean().optional(),
});

const HeaderMutations = {
  request_headers_to_add: z.array(RouteHeaderValueOption).optional(),
  request_headers_to_remove: z.array(MutableHeaderName).optional(),
  response_headers_to_add: z.array(RouteHeaderValueOption).optional(),
  response_headers_to_remove: z.array(MutableHeaderName).optional(),
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
  num_retries: UInt32.optional(),
  per_try_timeout: Duration.optional(),
  retriable_status_codes: z.array(z.number().int().min(100).max(599)).optional(),
  retry_back_off: z
    .strictObject({ base_interval: Duration.refine((d) => !/^0+(\.0+)?s$/.test(d), { message: "must be greater than 0" }), max_interval: Duration.optional() })
    .optional(),
  retry_host_predicate: z
    .array(z.strictObject({ name: envoyEnum([PREVIOUS_HOSTS], ["envoy.retry_host_predicates.omit_canary_hosts", "envoy.retry_host_predicates.omit_host_metadata"]), typed_config: z.record(z.string(), z.unknown()).optional() }))
    .optional(),
  host_selection_retry_max_attempts: z.number().int().min(0).optional(),
});

export const HashPolicy = z
  .strictObject({
    header: z.strictObject({ header_name: z.string().min(1) }).optional(),
    connection_properties: z.strictObject({ source_ip: z.boolean() }).optional(),
    terminal: z.boolean().optional(),
  })
  .superRefine(exactlyOne(["header", "connection_properties"], "is required "));

export const ClusterWeight = z.strictObject({
  name: z.string().min(1),
  weight: UInt32,
  host_rewrite_literal: z.string().min(1).optional(),
  ...HeaderMutations,
});

export const WeightedCluster = z
  .strictObject({ clusters: z.array(ClusterWeight).min(1) })
  .refine((w) => w.clusters.some((c) => c.weight > 0), { message: "at least one cluster weight must be greater than 0" });

export const RouteAction = z
  .strictObject({
    cluster: z.string().min(1).optional(),
    weighted_clusters: WeightedCluster.optional(),
    prefix_rewrite: z.string().optional(),
    regex_rewrite: z.strictObject({ pattern: RegexMatcher, substitution: z.string() }).optional(),
    host_rewrite_literal: z.string().min(1).optional(),
    timeout: Duration.optional(),
    idle_timeout: Duration.optional(),
    retry_policy: RetryPolicy.optional(),
    hash_policy: z.array(HashPolicy).optional(),
  })
  .superRefine(exactlyOne(["cluster", "weighted_clusters"], "is required "))
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

export const DirectResponseAction = z.strictObject({
  status: z.number().int().min(200).max(599),
  body: DataSource.optional(),
});

export const Route = z
  .strictObject({
    name: z.string().optional(),
    match: RouteMatch,
    route: RouteAction.optional(),
    redirect: RedirectAction.optional(),
    direct_response: DirectResponseAction.optional(),
    /** tracing: the server span's name (spec §9.5) */
    decorator: Decorator.optional(),
    /** route stats under `vhost.<virtual host name>.route.<stat_prefix>.` (router/route-stats.ts); "" or unset: none */
    stat_prefix: z.string().optional(),
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

export const VirtualHost = z.strictObject({
  name: z.string().min(1),
  domains: z.array(z.string().min(1)).min(1),
  routes: z.array(Route).optional(),
  retry_policy: RetryPolicy.optional(),
  ...HeaderMutations,
});

export const RouteConfiguration = z.strictObject({
  name: z.string().optional(),
  virtual_hosts: z.array(VirtualHost).optional(),
  ...HeaderMutations,
});


export type StringMatcher = z.infer<typeof StringMatcher>;
export type HeaderMatcher = z.infer<typeof HeaderMatcher>;
export type RouteMatch = z.infer<typeof RouteMatch>;
export type RouteHeaderValueOption = z.infer<typeof RouteHeaderValueOption>;
export type RetryPolicy = z.infer<typeof RetryPolicy>;
export type HashPolicy = z.infer<typeof HashPolicy>;
export type RouteAction = z.infer<typeof RouteAction>;
export type RedirectAction = z.infer<typeof RedirectAction>;
export type Route = z.infer<typeof Route>;
export type VirtualHost = z.infer<typeof VirtualHost>;
export type RouteConfiguration = z.infer<typeof RouteConfiguration>;
