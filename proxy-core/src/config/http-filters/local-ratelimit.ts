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

import { HttpStatus } from "./http-status";

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
