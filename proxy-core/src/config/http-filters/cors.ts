// envoy.filters.http.cors (envoy.extensions.filters.http.cors.v3): the filter itself has no settings; the
// policy is a CorsPolicy in `typed_per_filter_config` of a route, virtual host or route configuration
// (cors.proto: "must be configured in the RouteConfiguration as typed_per_filter_config at some level to make
// the filter work"). The deprecated route/virtual host `cors` fields are not part of Signalbox's route schema.
import { z } from "zod";
import { BoolValue, TYPE_PREFIX, repeated } from "../schema-common";
import { StringMatcher } from "../schema-route";
import { RuntimeFractionalPercent } from "./runtime-percent";

export const CORS_TYPE = TYPE_PREFIX + "envoy.extensions.filters.http.cors.v3.Cors";
export const CORS_POLICY_TYPE = TYPE_PREFIX + "envoy.extensions.filters.http.cors.v3.CorsPolicy";

export const CorsConfig = z.strictObject({ "@type": z.literal(CORS_TYPE) });

/** cors.v3.CorsPolicy; every field is optional and a more specific level's set field wins (cors_filter.cc). */
export const CorsPolicy = z.strictObject({
  "@type": z.literal(CORS_POLICY_TYPE),
  allow_origin_string_match: repeated(z.array(StringMatcher)).optional(),
  allow_methods: z.string().optional(),
  allow_headers: z.string().optional(),
  expose_headers: z.string().optional(),
  max_age: z.string().optional(),
  allow_credentials: BoolValue.optional(),
  /** unset: enabled for every request */
  filter_enabled: RuntimeFractionalPercent.optional(),
  /** unset: no shadow evaluation */
  shadow_enabled: RuntimeFractionalPercent.optional(),
  allow_private_network_access: BoolValue.optional(),
  /** unset: a preflight from an origin that is not allowed goes on to the upstream */
  forward_not_matching_preflights: BoolValue.optional(),
});
export type CorsPolicy = z.output<typeof CorsPolicy>;
