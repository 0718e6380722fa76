// envoy.filters.http.local_ratelimit (envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit): one
// token bucket per config (the filter's, or a route's / virtual host's in typed_per_filter_config, which must
// then have its own token_bucket). Descriptors, rate_limits and local_cluster_rate_limit are refused by the
// strict object; the descriptor-only knobs (stage, vh_rate_limits, always_consume_default_token_bucket) are
// accepted and change nothing without descriptors, as in Envoy.
import { z } from "zod";
import { BoolValue, Duration, TYPE_PREFIX, UInt32, UInt32Value, envoyEnum, repeated } from "../schema-common";
import { RouteHeaderValueOption } from "../schema-route";
import { durationToMs } from "../duration";
import { RuntimeFractionalPercent } from "./runtime-percent";

export const LOCAL_RATELIMIT_TYPE = TYPE_PREFIX + "envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit";

/** type.v3.StatusCode, every name the proto defines (http_status.proto), by number */
const STATUS_CODES: Record<string, number> = {
  Continue: 100, OK: 200, Created: 201, Accepted: 202, NonAuthoritativeInformation: 203, NoContent: 204, ResetContent: 205,
  PartialContent: 206, MultiStatus: 207, AlreadyReported: 208, IMUsed: 226, MultipleChoices: 300, MovedPermanently: 301,
  Found: 302, SeeOther: 303, NotModified: 304, UseProxy: 305, TemporaryRedirect: 307, PermanentRedirect: 308, BadRequest: 400,
  Unauthorized: 401, PaymentRequired: 402, Forbidden: 403, NotFound: 404, MethodNotAllowed: 405, NotAcceptable: 406,
  ProxyAuthenticationRequired: 407, RequestTimeout: 408, Conflict: 409, Gone: 410, LengthRequired: 411, PreconditionFailed: 412,
  PayloadTooLarge: 413, URITooLong: 414, UnsupportedMediaType: 415, RangeNotSatisfiable: 416, ExpectationFailed: 417,
  MisdirectedRequest: 421, UnprocessableEntity: 422, Locked: 423, FailedDependency: 424, UpgradeRequired: 426,
  PreconditionRequired: 428, TooManyRequests: 429, RequestHeaderFieldsTooLarge: 431, InternalServerError: 500, NotImplemented: 501,
  BadGateway: 502, ServiceUnavailable: 503, GatewayTimeout: 504, HTTPVersionNotSupported: 505, VariantAlsoNegotiates: 506,
  InsufficientStorage: 507, LoopDetected: 508, NotExtended: 510, NetworkAuthenticationRequired: 511,
};
const STATUS_NAMES = Object.keys(STATUS_CODES) as [string, ...string[]];

/** type.v3.HttpStatus: `code` by name (TooManyRequests) or number (429), the proto's StatusCode, not Empty */
export const HttpStatus = z.strictObject({
  code: envoyEnum(STATUS_NAMES, [], STATUS_CODES).transform((name) => STATUS_CODES[name]),
});

/** type.v3.TokenBucket; Envoy's fill timer refuses intervals under 50 ms (LocalRateLimiterImpl). */
export const TokenBucket = z.strictObject({
  max_tokens: UInt32.refine((n) => n > 0, { message: "must be greater than 0" }),
  tokens_per_fill: UInt32Value.refine((n) => n > 0, { message: "must be greater than 0" }).optional(),
  fill_interval: Duration.refine((d) => durationToMs(d) >= 50, { message: "local rate limit token bucket fill timer must be >= 50ms" }),
});
export type TokenBucket = z.output<typeof TokenBucket>;

const HeadersToAdd = repeated(z.array(RouteHeaderValueOption).max(10, "at most 10 headers"));

const LocalRateLimitFields = {
  "@type": z.literal(LOCAL_RATELIMIT_TYPE),
  stat_prefix: z.string().min(1),
  /** below 400 (or unset): 429 */
  status: HttpStatus.optional(),
  token_bucket: TokenBucket.optional(),
  /** unset: 0 %, the bucket is never consulted */
  filter_enabled: RuntimeFractionalPercent.optional(),
  /** unset: 0 %, a request without a token still goes on */
  filter_enforced: RuntimeFractionalPercent.optional(),
  request_headers_to_add_when_not_enforced: HeadersToAdd.optional(),
  response_headers_to_add: HeadersToAdd.optional(),
  stage: UInt32.max(10).optional(),
  local_rate_limit_per_downstream_connection: z.boolean().optional(),
  enable_x_ratelimit_headers: envoyEnum(["OFF", "DRAFT_VERSION_03"]).optional(),
  vh_rate_limits: envoyEnum(["OVERRIDE", "INCLUDE", "IGNORE"]).optional(),
  always_consume_default_token_bucket: BoolValue.optional(),
  /** a gRPC status for rate-limited gRPC calls: Signalbox serves HTTP/1.1 downstream, where there are none */
  rate_limited_as_resource_exhausted: z.literal(false, { message: "gRPC rate-limit replies are not supported by Signalbox (HTTP/1.1 downstream)" }).optional(),
};

export const LocalRateLimitConfig = z.strictObject(LocalRateLimitFields);
export type LocalRateLimitConfig = z.output<typeof LocalRateLimitConfig>;

/** The same message per route: there it must carry a token bucket ("must be set for per filter configs"). */
export const LocalRateLimitPerRoute = z
  .strictObject(LocalRateLimitFields)
  .refine((c) => c.token_bucket !== undefined, { path: ["token_bucket"], message: "local rate limit token bucket must be set for per filter configs" });
