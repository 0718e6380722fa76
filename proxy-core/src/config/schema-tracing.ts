// HCM tracing (http_connection_manager.v3.HttpConnectionManager.Tracing), the Zipkin provider
// (envoy.config.trace.v3.ZipkinConfig), route decorators and listener traffic_direction.
// The runtime lives in src/tracing/. Fields Envoy has but Signalbox does not implement (custom_tags, verbose,
// max_path_tag_length, spawn_upstream_span, other tracers …) are refused with their path by the strict objects.
import { z } from "zod";
import { BoolValue, TYPE_PREFIX, envoyEnum, envoyName } from "./schema-common";
import { Percent } from "./schema-cluster";

export const ZIPKIN_TYPE = TYPE_PREFIX + "envoy.config.trace.v3.ZipkinConfig";
export const ZIPKIN_TRACER = "envoy.tracers.zipkin";


export const ZipkinConfig = z.strictObject({
  "@type": z.literal(ZIPKIN_TYPE),
  /** must name a cluster of the same config (checked by validate.ts) */
  collector_cluster: z.string().min(1),
  collector_endpoint: z.string().startsWith("/", { message: 'must be a path such as "/api/v2/spans"' }),
  // Envoy refuses the unset value (DEPRECATED_AND_UNAVAILABLE_DO_NOT_USE: the removed JSON v1), so it is required
  collector_endpoint_version: envoyEnum(["HTTP_JSON"], ["HTTP_PROTO", "GRPC", "DEPRECATED_AND_UNAVAILABLE_DO_NOT_USE"], { DEPRECATED_AND_UNAVAILABLE_DO_NOT_USE: 0, HTTP_JSON: 1, HTTP_PROTO: 2, GRPC: 3 }),
  /** default false: new traces get 64-bit ids */
  trace_id_128bit: z.boolean().optional(),
  /** default true: the server span reuses the span id of an incoming B3 context */
  shared_span_context: BoolValue.optional(),
  /** Host header of the span reports; default the collector_cluster name */
  collector_hostname: z.string().min(1).optional(),
  /** default USE_B3; USE_B3_WITH_W3C_PROPAGATION also reads (when B3 is absent) and writes `traceparent` */
  trace_context_option: envoyEnum(["USE_B3", "USE_B3_WITH_W3C_PROPAGATION"]).optional(),
});

export const TracingProvider = z.strictObject({
  name: envoyName([ZIPKIN_TRACER], ["envoy.tracers.opentelemetry", "envoy.tracers.datadog", "envoy.tracers.skywalking", "envoy.tracers.xray", "envoy.tracers.dynamic_ot", "envoy.tracers.opencensus", "envoy.tracers.lightstep"]),
  typed_config: ZipkinConfig,
});

export const Tracing = z.strictObject({
  /** default 100: requests without a trace decision are sampled at this rate, stable per x-request-id */
  random_sampling: Percent.optional(),
  /** default 100: requests with x-client-trace-id are traced at this rate */
  client_sampling: Percent.optional(),
  /** default 100: applied last, to every decision */
  overall_sampling: Percent.optional(),
  /** without a provider, sampled spans go to the Signalbox console only */
  provider: TracingProvider.optional(),
});

/** route.v3.Decorator */
export const Decorator = z.strictObject({
  /** the server span's name */
  operation: z.string().min(1),
  /** default true: on egress (OUTBOUND) listeners the operation is sent upstream as x-envoy-decorator-operation */
  propagate: BoolValue.optional(),
});

export const TrafficDirection = envoyEnum(["UNSPECIFIED", "INBOUND", "OUTBOUND"]);

export type Tracing = z.infer<typeof Tracing>;
export type ZipkinConfig = z.infer<typeof ZipkinConfig>;
export type Decorator = z.infer<typeof Decorator>;
