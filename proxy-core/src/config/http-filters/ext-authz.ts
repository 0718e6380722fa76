// envoy.filters.http.ext_authz (envoy.extensions.filters.http.ext_authz.v3.ExtAuthz and ExtAuthzPerRoute):
// every request is checked with an authorization service, over gRPC (envoy.service.auth.v3.Authorization/Check)
// or plain HTTP, before it goes on. Field names and defaults are the proto's (api/envoy/extensions/filters/http/
// ext_authz/v3/ext_authz.proto); what Signalbox does not implement is refused by name, by the strict objects or
// with a line saying why. The runtime is src/http/filters/ext-authz/.
import { z } from "zod";
import { BoolValue, Duration, TYPE_PREFIX, UInt32, envoyEnum, repeated } from "../schema-common";
import { StringMatcher } from "../schema-route";
import { RuntimeFractionalPercent } from "../schema-percent";
import { HttpStatus } from "./http-status";
import { noteDeprecated, withDeprecations } from "../warnings";

export const EXT_AUTHZ_TYPE = TYPE_PREFIX + "envoy.extensions.filters.http.ext_authz.v3.ExtAuthz";
export const EXT_AUTHZ_PER_ROUTE_TYPE = TYPE_PREFIX + "envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute";

/** envoy.type.matcher.v3.ListStringMatcher (header names, matched in lower case) */
export const ListStringMatcher = z.strictObject({ patterns: repeated(z.array(StringMatcher).min(1, "needs at least one pattern")) });

// Envoy's HeaderParser would expand %…% operators in these values; the authorization request takes literals only
const FORMAT_OPERATOR = /%[A-Z_0-9]+(\([^)]*\))?%/;

/** config.core.v3.HeaderValue; raw_value is refused by the strict object */
const HeaderValue = z.strictObject({
  key: z.string().min(1).max(16384),
  value: z
    .string()
    .max(16384)
    .refine((v) => !FORMAT_OPERATOR.test(v), { message: "format operators (%…%) are not supported here by Signalbox: use a literal value" })
    .optional(),
});

/** ExtAuthz.BufferSettings */
export const BufferSettings = z.strictObject({
  max_request_bytes: UInt32.refine((n) => n > 0, { message: "must be greater than 0" }),
  allow_partial_message: z.boolean().optional(),
  pack_as_bytes: z.boolean().optional(),
});

/** config.core.v3.HttpUri: all three are required by the proto */
const HttpUri = z.strictObject({ uri: z.string().min(1), cluster: z.string().min(1), timeout: Duration });

const AuthorizationRequest = withDeprecations(
  (raw) => {
    if (raw.allowed_headers !== undefined)
      noteDeprecated(raw, "allowed_headers", "authorization_request.allowed_headers is deprecated: write it as the filter's allowed_headers (the same meaning for an http_service)");
  },
  z.strictObject({
    allowed_headers: ListStringMatcher.optional(),
    headers_to_add: repeated(z.array(HeaderValue)).optional(),
  }),
);

// dynamic_metadata_from_headers is refused by name: Signalbox has no dynamic metadata for it to feed
const AuthorizationResponse = z.strictObject({
  allowed_upstream_headers: ListStringMatcher.optional(),
  allowed_upstream_headers_to_append: ListStringMatcher.optional(),
  allowed_client_headers: ListStringMatcher.optional(),
  allowed_client_headers_on_success: ListStringMatcher.optional(),
});

const NO_CRLF = { message: "must not contain CR, LF or NUL" };

/** ExtAuthz.HttpService; retry_policy is refused by name */
export const HttpService = z.strictObject({
  server_uri: HttpUri,
  path_prefix: z.string().refine((p) => !/[\r\n\0]/.test(p), NO_CRLF).optional(),
  authorization_request: AuthorizationRequest.optional(),
  authorization_response: AuthorizationResponse.optional(),
});

/** initial_metadata entries: gRPC metadata keys (lower case once read; binary `-bin` values are not supported) */
const GrpcMetadata = HeaderValue.refine((h) => /^[0-9a-z_.-]+$/i.test(h.key) && !h.key.toLowerCase().endsWith("-bin"), {
  message: "must be a gRPC metadata key (letters, digits, _ . -), not a binary (-bin) one",
});

/**
 * config.core.v3.GrpcService with an envoy_grpc target: the cluster's hosts, picked by its load balancer.
 * google_grpc (a channel of its own to a target URI) and the retry and message-size options are refused.
 */
export const GrpcService = z
  .strictObject({
    envoy_grpc: z.strictObject({ cluster_name: z.string().min(1), authority: z.string().max(16384).refine((a) => !/[\r\n\0]/.test(a), NO_CRLF).optional() }).optional(),
    google_grpc: z.unknown().optional(),
    /** the call's deadline; the filter's default is 200ms */
    timeout: Duration.optional(),
    initial_metadata: repeated(z.array(GrpcMetadata)).optional(),
  })
  .superRefine((g, ctx) => {
    if (g.google_grpc !== undefined)
      ctx.addIssue({ code: "custom", path: ["google_grpc"], message: "google_grpc is not supported by Signalbox: use envoy_grpc (a cluster)" });
    else if (g.envoy_grpc === undefined) ctx.addIssue({ code: "custom", path: ["envoy_grpc"], message: "is required (the proto's target_specifier)" });
  });

// Fields of ExtAuthz left out (so refused by name): metadata_context_namespaces, typed_metadata_context_namespaces,
// route_metadata_context_namespaces, route_typed_metadata_context_namespaces, enable_dynamic_metadata_ingestion,
// filter_metadata, emit_filter_state_stats (no dynamic metadata or filter state); filter_enabled_metadata,
// deny_at_disable (deny_at_disable needs a runtime_key); bootstrap_metadata_labels_key (no node metadata);
// encode_raw_headers, validate_mutations, decoder_header_mutation_rules, enforce_response_header_limits.
export const ExtAuthzConfig = z
  .strictObject({
    "@type": z.literal(EXT_AUTHZ_TYPE),
    grpc_service: GrpcService.optional(),
    http_service: HttpService.optional(),
    transport_api_version: envoyEnum(["AUTO", "V2", "V3"]).optional(),
    failure_mode_allow: z.boolean().optional(),
    failure_mode_allow_header_add: z.boolean().optional(),
    with_request_body: BufferSettings.optional(),
    clear_route_cache: z.boolean().optional(),
    status_on_error: HttpStatus.optional(),
    filter_enabled: RuntimeFractionalPercent.optional(),
    include_peer_certificate: z.boolean().optional(),
    include_tls_session: z.boolean().optional(),
    stat_prefix: z.string().regex(/^[A-Za-z0-9_.\-]*$/, "must be a stat name (letters, digits, _ . -)").optional(),
    allowed_headers: ListStringMatcher.optional(),
    disallowed_headers: ListStringMatcher.optional(),
    charge_cluster_response_stats: BoolValue.optional(),
    max_denied_response_body_bytes: UInt32.optional(),
  })
  .superRefine((c, ctx) => {
    if (ctx.issues.some((i) => i.code === "unrecognized_keys")) return;
    if ((c.grpc_service === undefined) === (c.http_service === undefined))
      ctx.addIssue({ code: "custom", message: `exactly one of grpc_service, http_service is required (got ${c.grpc_service && c.http_service ? "both" : "none"})` });
    // Envoy's Config::Utility::checkTransportVersion, applied to the gRPC client only
    if (c.grpc_service !== undefined && c.transport_api_version !== "V3")
      ctx.addIssue({ code: "custom", path: ["transport_api_version"], message: "must be V3 with a grpc_service: Envoy refuses V2 and AUTO (the default), as the v2 transport API is gone" });
    if (c.allowed_headers !== undefined && c.http_service?.authorization_request?.allowed_headers !== undefined)
      ctx.addIssue({ code: "custom", path: ["http_service", "authorization_request", "allowed_headers"], message: "Invalid duplicate configuration for allowed_headers (Envoy's words): keep the filter's allowed_headers" });
  });
export type ExtAuthzConfig = z.output<typeof ExtAuthzConfig>;

/** ExtAuthz.CheckSettings; the per-route service overrides (grpc_service, http_service) are refused by name */
const CheckSettings = z
  .strictObject({
    context_extensions: z.record(z.string(), z.string()).optional(),
    disable_request_body_buffering: z.boolean().optional(),
    with_request_body: BufferSettings.optional(),
  })
  .refine((s) => !(s.disable_request_body_buffering === true && s.with_request_body !== undefined), {
    message: "Only one of disable_request_body_buffering or with_request_body can be set (Envoy's words)",
  });

export const ExtAuthzPerRoute = z
  .strictObject({
    "@type": z.literal(EXT_AUTHZ_PER_ROUTE_TYPE),
    disabled: z.boolean().optional(),
    check_settings: CheckSettings.optional(),
  })
  .refine((r) => (r.disabled !== undefined) !== (r.check_settings !== undefined), { message: "exactly one of disabled or check_settings is required (the proto's oneof override)" });
export type ExtAuthzPerRoute = z.output<typeof ExtAuthzPerRoute>;

/** The cluster an ext_authz filter calls (raw, validated typed_config), for the cross-resource checks. */
export function extAuthzClusterRefs(raw: Record<string, unknown>): { path: string; cluster: string; http: boolean }[] {
  const grpc = (raw.grpc_service as { envoy_grpc?: { cluster_name?: unknown } } | undefined)?.envoy_grpc?.cluster_name;
  if (typeof grpc === "string") return [{ path: "grpc_service.envoy_grpc.cluster_name", cluster: grpc, http: false }];
  const http = (raw.http_service as { server_uri?: { cluster?: unknown } } | undefined)?.server_uri?.cluster;
  if (typeof http === "string") return [{ path: "http_service.server_uri.cluster", cluster: http, http: true }];
  return [];
}
