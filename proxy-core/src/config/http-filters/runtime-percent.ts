// The runtime-controlled settings HTTP filters take: envoy.config.core.v3.RuntimeFractionalPercent
// (`filter_enabled`, `filter_enforced`, `shadow_enabled`), a fault's FractionalPercent, and RuntimeFeatureFlag (the
// compressor's `enabled`). Envoy reads `runtime_key` from its runtime on every request and falls back to
// `default_value`; so do cors, local_ratelimit and ext_authz (http/filters/fraction.ts). The compressor's flag and
// the fault filter's runtime keys read the default only (docs/ENVOY-SUPPORT.md says so per filter).
import { z } from "zod";
import { BoolValue } from "../schema-common";

export { FractionalPercent, RuntimeFractionalPercent } from "../schema-percent";

export const DENOMINATORS = { HUNDRED: 100, TEN_THOUSAND: 10_000, MILLION: 1_000_000 } as const;

/** config.core.v3.RuntimeFeatureFlag: both fields are required (the proto's validate rules). */
export const RuntimeFeatureFlag = z.strictObject({
  default_value: BoolValue,
  runtime_key: z.string().min(1),
});
export type RuntimeFeatureFlag = z.output<typeof RuntimeFeatureFlag>;
