// envoy.type.v3.FractionalPercent and envoy.config.core.v3.RuntimeFractionalPercent: a fraction with a default,
// which the runtime key (when set and present in the runtime) overrides. Read by src/runtime/runtime.ts
// `featureEnabled`; used by route match `runtime_fraction` and `request_mirror_policies`.
import { z } from "zod";
import { UInt32, envoyEnum } from "./schema-common";

export const FractionalPercent = z.strictObject({
  /** a plain uint32 in the proto, not a wrapper */
  numerator: UInt32.optional(),
  /** HUNDRED by default */
  denominator: envoyEnum(["HUNDRED", "TEN_THOUSAND", "MILLION"]).optional(),
});

export const RuntimeFractionalPercent = z.strictObject({
  default_value: FractionalPercent,
  /** "" or unset: the default always applies */
  runtime_key: z.string().optional(),
});

export type FractionalPercent = z.infer<typeof FractionalPercent>;
export type RuntimeFractionalPercent = z.infer<typeof RuntimeFractionalPercent>;
