// envoy.filters.http.health_check (envoy.extensions.filters.http.health_check.v3.HealthCheck): which requests are
// health checks (`headers`, usually `:path`), whether the filter answers them (pass_through_mode false) or lets
// them through (true, optionally answering from a cached upstream response for `cache_time`), and in
// non-pass-through mode the upstream clusters that must be healthy enough for a 200.
import { z } from "zod";
import { BoolValue, Duration, TYPE_PREFIX, repeated } from "../schema-common";
import { Percent } from "../schema-cluster";
import { HeaderMatcher } from "../schema-route";
import { durationToMs } from "../duration";

export const HEALTH_CHECK_TYPE = TYPE_PREFIX + "envoy.extensions.filters.http.health_check.v3.HealthCheck";

export const HealthCheckConfig = z
  .strictObject({
    "@type": z.literal(HEALTH_CHECK_TYPE),
    /** required (the proto's validate rule) */
    pass_through_mode: BoolValue,
    cache_time: Duration.optional(),
    cluster_min_healthy_percentages: z.record(z.string().min(1), Percent).optional(),
    headers: repeated(z.array(HeaderMatcher)).optional(),
  })
  .superRefine((c, ctx) => {
    // the filter factory's own check (health_check/config.cc)
    if (!c.pass_through_mode && c.cache_time !== undefined && durationToMs(c.cache_time) > 0)
      ctx.addIssue({ code: "custom", path: ["cache_time"], message: "cache_time_ms must not be set when path_through_mode is disabled" });
  });
export type HealthCheckConfig = z.output<typeof HealthCheckConfig>;
