// Clusters, endpoints, circuit breakers, health checks, outlier detection and upstream TLS
// (envoy.config.cluster.v3, endpoint.v3, core.v3.HealthCheck, transport_sockets.tls.v3).
import { z } from "zod";
import { DataSource, UpstreamAddress, Duration, TYPE_PREFIX, UInt32Value, envoyEnum, repeated, wrapped } from "./schema-common";
import { HTTP_PROTOCOL_OPTIONS, TypedExtensionProtocolOptions, http2Options } from "./schema-upstream-http";
import { noteDeprecated, withDeprecations } from "./warnings";
import { HeaderName, HeaderValue, StatName } from "./schema-limits";
import { SdsSecretConfig, tlsValidationOneof } from "./schema-secret";

export const UPSTREAM_TLS_TYPE = TYPE_PREFIX + "envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext";

/** envoy.type.v3.Percent */
export const Percent = z.strictObject({ value: z.number().min(0).max(100) });

const WEIGHT_MESSAGE = "must be a whole number ≥ 1";

export const LbEndpoint = z.strictObject({
  endpoint: z.strictObject({ address: UpstreamAddress }),
  load_balancing_weight: wrapped(z.number(WEIGHT_MESSAGE).int(WEIGHT_MESSAGE).min(1, WEIGHT_MESSAGE)).optional(),
});

export const LocalityLbEndpoints = z.strictObject({
  lb_endpoints: repeated(z.array(LbEndpoint)),
});

export const ClusterLoadAssignment = z.strictObject({
  cluster_name: z.string().min(1),
  endpoints: repeated(z.array(LocalityLbEndpoints)).optional(),
});

export const RetryBudget = z.strictObject({
  budget_percent: Percent.optional(),
  min_retry_concurrency: UInt32Value.optional(),
});

export const CircuitBreakerThresholds = z.strictObject({
  // HIGH needs route priority, which the router does not implement
  priority: envoyEnum(["DEFAULT"], ["HIGH"]).optional(),
  max_connections: UInt32Value.optional(),
  max_pending_requests: UInt32Value.optional(),
  max_requests: UInt32Value.optional(),
  max_retries: UInt32Value.optional(),
  retry_budget: RetryBudget.optional(),
  track_remaining: z.boolean().optional(),
});

export const CircuitBreakers = z.strictObject({
  // the seed 000-fourth writes `thresholds:` as a single map; protobuf's parser reads it as a list of one
  thresholds: repeated(z.array(CircuitBreakerThresholds)).optional(),
});

/** envoy.type.v3.Int64Range, half-open [start, end) */
export const StatusRange = z
  .strictObject({ start: z.number().int().min(100).max(599), end: z.number().int().min(101).max(600) })
  .refine((r) => r.start < r.end, { message: "start must be less than end (the range is [start, end))" });

export const HeaderValueOption = z.strictObject({
  header: z.strictObject({ key: HeaderName, value: HeaderValue }),
});

export const HttpHealthCheck = z.strictObject({
  path: z.string().min(1),
  host: z.string().optional(),
  expected_statuses: repeated(z.array(StatusRange).min(1)).optional(),
  request_headers_to_add: repeated(z.array(HeaderValueOption)).optional(),
});

export const HealthCheck = z.strictObject({
  timeout: Duration,
  interval: Duration,
  unhealthy_threshold: wrapped(z.number().int().min(1)),
  healthy_threshold: wrapped(z.number().int().min(1)),
  initial_jitter: Duration.optional(),
  no_traffic_interval: Duration.optional(),
  // tcp_health_check / grpc_health_check are not supported, so the HTTP checker is required
  http_health_check: HttpHealthCheck,
});

export const OutlierDetection = z.strictObject({
  consecutive_5xx: UInt32Value.optional(),
  consecutive_gateway_failure: UInt32Value.optional(),
  enforcing_consecutive_5xx: wrapped(z.number().int().min(0).max(100)).optional(),
  enforcing_consecutive_gateway_failure: wrapped(z.number().int().min(0).max(100)).optional(),
  interval: Duration.optional(),
  base_ejection_time: Duration.optional(),
  max_ejection_time: Duration.optional(),
  max_ejection_percent: wrapped(z.number().int().min(0).max(100)).optional(),
  successful_active_health_check_uneject_host: z.boolean().optional(),
});

export const CommonLbConfig = z.strictObject({
  healthy_panic_threshold: Percent.optional(),
});

export const TlsParameters = z.strictObject({
  tls_minimum_protocol_version: envoyEnum(["TLS_AUTO", "TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3"]).optional(),
  tls_maximum_protocol_version: envoyEnum(["TLS_AUTO", "TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3"]).optional(),
});

export const TlsCertificate = z.strictObject({
  certificate_chain: DataSource,
  private_key: DataSource,
});

export const UpstreamTlsContext = z.strictObject({
  "@type": z.literal(UPSTREAM_TLS_TYPE),
  sni: z.string().optional(),
  common_tls_context: z
    .strictObject({
      tls_params: TlsParameters.optional(),
      tls_certificates: repeated(z.array(TlsCertificate).max(1, "only one client certificate is supported")).optional(),
      /** the client certificate by secret name (schema-secret.ts) */
      tls_certificate_sds_secret_configs: repeated(z.array(SdsSecretConfig).max(1, "only one client certificate is supported")).optional(),
      validation_context: z.strictObject({ trusted_ca: DataSource }).optional(),
      validation_context_sds_secret_config: SdsSecretConfig.optional(),
    })
    .superRefine((c, ctx) => {
      if ((c.tls_certificates?.length ?? 0) > 0 && (c.tls_certificate_sds_secret_configs?.length ?? 0) > 0)
        ctx.addIssue({ code: "custom", path: ["tls_certificate_sds_secret_configs"], message: "only one client certificate is supported: use tls_certificates or tls_certificate_sds_secret_configs" });
      tlsValidationOneof(c, ctx);
    })
    .optional(),
});

export const UpstreamTransportSocket = z.strictObject({
  name: z.literal("envoy.transport_sockets.tls"),
  typed_config: UpstreamTlsContext,
});

const TYPED_HTTP_OPTIONS = `typed_extension_protocol_options["${HTTP_PROTOCOL_OPTIONS}"].explicit_http_config`;

/** Notes the cluster fields Envoy v3 has deprecated but still honours. */
function noteClusterDeprecations(raw: Record<string, unknown>) {
  const typed = raw.typed_extension_protocol_options !== undefined;
  for (const field of ["http2_protocol_options", "http_protocol_options"] as const)
    if (raw[field] !== undefined)
      noteDeprecated(
        raw,
        field,
        typed
          ? `${field} is deprecated and ignored: typed_extension_protocol_options is set, and Envoy uses that`
          : `${field} is deprecated: read as ${TYPED_HTTP_OPTIONS}.${field} (write it that way)`,
      );
  if (raw.dns_refresh_rate !== undefined)
    noteDeprecated(raw, "dns_refresh_rate", "dns_refresh_rate is deprecated in Envoy's v3 API in favour of cluster_type envoy.clusters.dns, which Signalbox does not support; it is still honoured");
}

/**
 * The deprecated cluster-level protocol options, as Envoy's createOptions (source/common/upstream/upstream_impl.cc)
 * reads them: typed_extension_protocol_options wins when set; otherwise http2_protocol_options makes the cluster
 * HTTP/2 and http_protocol_options (HTTP/1.1, the default) changes nothing, and both together are refused.
 */
function legacyProtocolOptions<T extends { http2_protocol_options?: object; http_protocol_options?: object; typed_extension_protocol_options?: TypedExtensionProtocolOptions }>(c: T) {
  const { http2_protocol_options, http_protocol_options: _, ...rest } = c;
  if (rest.typed_extension_protocol_options !== undefined || http2_protocol_options === undefined) return rest;
  return { ...rest, typed_extension_protocol_options: http2Options() };
}

const ClusterFields = z.strictObject({
  name: StatName.min(1, "required"),
  type: envoyEnum(["STATIC", "STRICT_DNS", "LOGICAL_DNS"], ["EDS", "ORIGINAL_DST"]).optional(),
  connect_timeout: Duration.optional(),
  // honoured by the router: the most of a request body it buffers to replay on retry (router/router-request.ts)
  per_connection_buffer_limit_bytes: UInt32Value.optional(),
  // 4 was ORIGINAL_DST_LB, removed from the v3 API
  lb_policy: envoyEnum(["ROUND_ROBIN", "LEAST_REQUEST", "RING_HASH", "RANDOM"], ["MAGLEV", "CLUSTER_PROVIDED", "LOAD_BALANCING_POLICY_CONFIG"], { MAGLEV: 5, CLUSTER_PROVIDED: 6, LOAD_BALANCING_POLICY_CONFIG: 7 }).optional(),
  dns_lookup_family: envoyEnum(["AUTO", "V4_ONLY", "V6_ONLY", "V4_PREFERRED", "ALL"]).optional(),
  dns_refresh_rate: Duration.optional(),
  load_assignment: ClusterLoadAssignment.optional(),
  circuit_breakers: CircuitBreakers.optional(),
  least_request_lb_config: z.strictObject({ choice_count: wrapped(z.number().int().min(2)).optional() }).optional(),
  ring_hash_lb_config: z
    .strictObject({
      minimum_ring_size: wrapped(z.number().int().min(1).max(8388608)).optional(),
      maximum_ring_size: wrapped(z.number().int().min(1).max(8388608)).optional(),
    })
    .refine((r) => (r.minimum_ring_size ?? 1024) <= (r.maximum_ring_size ?? 8388608), { message: "minimum_ring_size must not exceed maximum_ring_size" })
    .optional(),
  common_lb_config: CommonLbConfig.optional(),
  health_checks: repeated(z.array(HealthCheck).max(1, "only one health check per cluster is supported")).optional(),
  outlier_detection: OutlierDetection.optional(),
  transport_socket: UpstreamTransportSocket.optional(),
  /** HTTP/1.1 or HTTP/2 (then the cluster is HTTP/2-only: gRPC services such as ext_authz's), schema-upstream-http.ts */
  typed_extension_protocol_options: TypedExtensionProtocolOptions.optional(),
  /** deprecated: the typed options above replace both */
  http2_protocol_options: z.strictObject({}).optional(),
  http_protocol_options: z.strictObject({}).optional(),
});

export const Cluster = withDeprecations(
  noteClusterDeprecations,
  ClusterFields.superRefine((c, ctx) => {
    if (c.http_protocol_options !== undefined && c.http2_protocol_options !== undefined && c.typed_extension_protocol_options === undefined)
      ctx.addIssue({ code: "custom", path: ["http2_protocol_options"], message: "Both HTTP1 and HTTP2 options may only be configured with non-default 'protocol_selection' values (Envoy's words): keep one" });
  }).transform(legacyProtocolOptions),
);


export type LbEndpoint = z.infer<typeof LbEndpoint>;
export type CircuitBreakerThresholds = z.infer<typeof CircuitBreakerThresholds>;
export type HealthCheck = z.infer<typeof HealthCheck>;
export type OutlierDetection = z.infer<typeof OutlierDetection>;
export type UpstreamTlsContext = z.infer<typeof UpstreamTlsContext>;
export type Cluster = z.infer<typeof Cluster>;
