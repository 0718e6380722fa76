// envoy.filters.http.fault (envoy.extensions.filters.http.fault.v3.HTTPFault), also the per-route override in
// typed_per_filter_config. Delays (fixed or from x-envoy-fault-delay-request) and aborts (an HTTP status, a gRPC
// status, or from x-envoy-fault-abort-request) with their percentages, restricted by upstream cluster, request
// headers and downstream node. response_rate_limit (a throttled response body) is refused by the strict object.
// The *_runtime keys are accepted: with no runtime to read them from, the configured values apply.
import { z } from "zod";
import { Duration, TYPE_PREFIX, UInt32, UInt32Value, repeated } from "../schema-common";
import { HeaderMatcher, exactlyOne } from "../schema-route";
import { durationToMs } from "../duration";
import { FractionalPercent } from "./runtime-percent";

export const FAULT_TYPE = TYPE_PREFIX + "envoy.extensions.filters.http.fault.v3.HTTPFault";

/** filters.common.fault.v3.FaultDelay; `percentage` unset is the proto default, 0 % */
export const FaultDelay = z
  .strictObject({
    fixed_delay: Duration.refine((d) => durationToMs(d) > 0, { message: "must be greater than 0" }).optional(),
    header_delay: z.strictObject({}).optional(),
    percentage: FractionalPercent.optional(),
  })
  .superRefine(exactlyOne(["fixed_delay", "header_delay"], "is required "));

/** http.fault.v3.FaultAbort; `percentage` unset is the proto default, 0 % */
export const FaultAbort = z
  .strictObject({
    http_status: UInt32.min(200, "must be in [200, 600)").max(599, "must be in [200, 600)").optional(),
    grpc_status: UInt32.optional(),
    header_abort: z.strictObject({}).optional(),
    percentage: FractionalPercent.optional(),
  })
  .superRefine(exactlyOne(["http_status", "grpc_status", "header_abort"], "is required "));

export const HttpFaultConfig = z.strictObject({
  "@type": z.literal(FAULT_TYPE),
  delay: FaultDelay.optional(),
  abort: FaultAbort.optional(),
  upstream_cluster: z.string().optional(),
  headers: repeated(z.array(HeaderMatcher)).optional(),
  /** compared with the x-envoy-downstream-service-node request header */
  downstream_nodes: repeated(z.array(z.string())).optional(),
  /** unset: unlimited */
  max_active_faults: UInt32Value.optional(),
  delay_percent_runtime: z.string().optional(),
  abort_percent_runtime: z.string().optional(),
  delay_duration_runtime: z.string().optional(),
  abort_http_status_runtime: z.string().optional(),
  max_active_faults_runtime: z.string().optional(),
  response_rate_limit_percent_runtime: z.string().optional(),
  abort_grpc_status_runtime: z.string().optional(),
  /** no `fault.<downstream cluster>.*` stats */
  disable_downstream_cluster_stats: z.boolean().optional(),
});
export type HttpFaultConfig = z.output<typeof HttpFaultConfig>;
