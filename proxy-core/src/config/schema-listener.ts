// Listeners and the HTTP connection manager (envoy.config.listener.v3, http_connection_manager.v3).
import { z } from "zod";
import { Address, BoolValue, DataSource, Duration, HCM_TYPE, TYPE_PREFIX, envoyEnum, listenerNameFor, wrapped } from "./schema-common";
import { SdsSecretConfig, tlsValidationOneof } from "./schema-secret";
import { HttpFilter } from "./schema-http-filters";
import { RouteConfiguration } from "./schema-route";
import { Tracing, TrafficDirection } from "./schema-tracing";
import { AccessLog } from "./schema-access-log";
import { TCP_PROXY_TYPE, TcpProxy } from "./schema-tcp-proxy";
import { networkFilter, oneTerminalFilter } from "./schema-network-filter";
import { StatName } from "./schema-limits";

export const HttpConnectionManager = z.strictObject({
  "@type": z.literal(HCM_TYPE),
  stat_prefix: z.string().min(1),
  codec_type: envoyEnum(["AUTO", "HTTP1"], ["HTTP2", "HTTP3"]).optional(),
  server_name: z.string().optional(),
  /** default true: a UUIDv4 x-request-id is added when the request has none */
  generate_request_id: BoolValue.optional(),
  /** default 60; larger request headers get 431 and the connection is closed */
  max_request_headers_kb: wrapped(z.number().int().min(1).max(8192)).optional(),
  /** default disabled; Node's headersTimeout (408 + close) */
  request_headers_timeout: Duration.optional(),
  /** default disabled; the whole request must arrive in time (408) */
  request_timeout: Duration.optional(),
  /** default 5 min; no bytes either way on the stream for this long → 408 (or reset once the response started) */
  stream_idle_timeout: Duration.optional(),
  common_http_protocol_options: z
    .strictObject({
      /** default 1 h: a downstream connection with no active request is closed after this */
      idle_timeout: Duration.optional(),
    })
    .optional(),
  /** `[{upgrade_type: websocket}]` lets WebSocket upgrades through; without it Envoy answers 403 */
  upgrade_configs: z.array(z.strictObject({ upgrade_type: z.string().min(1), enabled: BoolValue.optional() })).optional(),
  route_config: RouteConfiguration,
  /** the filter chain, in order, the router last (schema-http-filters.ts lists the supported filters) */
  http_filters: z.array(HttpFilter).min(1).optional(),
  /** HCM tracing (Envoy docs: Tracing): sampling, B3 propagation, spans to Zipkin and/or the console (src/tracing/) */
  tracing: Tracing.optional(),
  /** file, stdout and stderr loggers with their formats and filters (src/access-log/) */
  access_log: z.array(AccessLog).optional(),
});

export const HcmNetworkFilter = z.strictObject({
  name: z.string().min(1),
  typed_config: HttpConnectionManager,
});

export const TcpProxyNetworkFilter = z.strictObject({
  name: z.string().min(1),
  typed_config: TcpProxy,
});

export type HcmNetworkFilter = z.infer<typeof HcmNetworkFilter>;
export type TcpProxyNetworkFilter = z.infer<typeof TcpProxyNetworkFilter>;
export type NetworkFilter = HcmNetworkFilter | TcpProxyNetworkFilter;

/** The HCM or tcp_proxy, chosen by typed_config's type URL (schema-network-filter.ts); others are refused. */
export const NetworkFilter = networkFilter<NetworkFilter>({ [HCM_TYPE]: HcmNetworkFilter, [TCP_PROXY_TYPE]: TcpProxyNetworkFilter });

export function isTcpProxyFilter(f: NetworkFilter): f is TcpProxyNetworkFilter {
  return f.typed_config["@type"] === TCP_PROXY_TYPE;
}

// ---- downstream TLS (envoy.extensions.transport_sockets.tls.v3).
export const DOWNSTREAM_TLS_TYPE = TYPE_PREFIX + "envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext";
export const TLS_INSPECTOR_TYPE = TYPE_PREFIX + "envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector";

export const DownstreamTlsVersion = envoyEnum(["TLS_AUTO", "TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3"]);

export const DownstreamTlsCertificate = z.strictObject({ certificate_chain: DataSource, private_key: DataSource });

export const CommonTlsContext = z
  .strictObject({
    tls_params: z.strictObject({ tls_minimum_protocol_version: DownstreamTlsVersion.optional(), tls_maximum_protocol_version: DownstreamTlsVersion.optional() }).optional(),
    // HTTP/2 is not implemented: offering h2 would make clients speak it
    alpn_protocols: z.array(z.string().refine((p) => p === "http/1.1", { message: "only http/1.1 is supported (HTTP/2 is not)" })).optional(),
    tls_certificates: z.array(DownstreamTlsCertificate).optional(),
    /** certificates by secret name (schema-secret.ts): static_resources.secrets, or the console's with sds_config */
    tls_certificate_sds_secret_configs: z.array(SdsSecretConfig).optional(),
    validation_context: z.strictObject({ trusted_ca: DataSource }).optional(),
    validation_context_sds_secret_config: SdsSecretConfig.optional(),
  })
  .superRefine((c, ctx) => {
    const inline = c.tls_certificates?.length ?? 0;
    const sds = c.tls_certificate_sds_secret_configs?.length ?? 0;
    if (inline === 0 && sds === 0) ctx.addIssue({ code: "custom", path: ["tls_certificates"], message: "at least one certificate is required (tls_certificates or tls_certificate_sds_secret_configs)" });
    // Envoy's ServerContextConfigImpl: "SDS and non-SDS TLS certificates may not be mixed in server contexts"
    if (inline > 0 && sds > 0) ctx.addIssue({ code: "custom", path: ["tls_certificate_sds_secret_configs"], message: "SDS and non-SDS TLS certificates may not be mixed (Envoy's rule): use tls_certificates or tls_certificate_sds_secret_configs" });
    tlsValidationOneof(c, ctx);
  });


export const DownstreamTlsContext = z.strictObject({
  "@type": z.literal(DOWNSTREAM_TLS_TYPE),
  common_tls_context: CommonTlsContext,
  require_client_certificate: BoolValue.optional(),
  require_sni: BoolValue.optional(),
});

export const TransportSocket = z.strictObject({
  name: z.string().min(1),
  typed_config: DownstreamTlsContext,
});

export const FilterChainMatch = z.strictObject({
  /** exact names or wildcards such as `*.example.com`; matched against the TLS SNI */
  server_names: z.array(z.string().min(1)).optional(),
  transport_protocol: envoyEnum(["tls"], ["raw_buffer"]).optional(),
});

export const FilterChain = z.strictObject({
  name: z.string().optional(),
  filter_chain_match: FilterChainMatch.optional(),
  /** exactly one: envoy.filters.network.http_connection_manager or envoy.filters.network.tcp_proxy */
  filters: z.array(NetworkFilter).min(1, "a network filter is required (envoy.filters.network.http_connection_manager or envoy.filters.network.tcp_proxy)").superRefine(oneTerminalFilter),
  transport_socket: TransportSocket.optional(),
});

export const ListenerFilter = z.strictObject({
  name: z.string().refine((n) => n === "envoy.filters.listener.tls_inspector", {
    error: (i) => `${String(i.input)} is not supported by Signalbox (supported: envoy.filters.listener.tls_inspector)`,
  }),
  typed_config: z.strictObject({ "@type": z.literal(TLS_INSPECTOR_TYPE) }).optional(),
});

/** A listener; one written without `name` (Envoy's proto has no rule for it) is named after its address. */
export const Listener = z.strictObject({
  /** unset or "": `127.0.0.1_8080` (listenerNameFor in schema-common.ts) */
  name: StatName.optional(),
  address: Address,
  // SNI (server_names) always works on TLS listeners: the TLS inspector is built in
  listener_filters: z.array(ListenerFilter).optional(),
  filter_chains: z.array(FilterChain).min(1),
  /** used when no filter chain matches; without it such connections are closed */
  default_filter_chain: FilterChain.optional(),
  /** tracing: OUTBOUND makes the HCM's spans egress (CLIENT kind, decorator propagated upstream) */
  traffic_direction: TrafficDirection.optional(),
  /** the listener's stats are `listener.<stat_prefix>.` instead of `listener.<address>.` (Envoy's Listener.stat_prefix) */
  stat_prefix: z.string().optional(),
}).transform((l) => ({ ...l, name: l.name || listenerNameFor(l.address) }));


export type HttpConnectionManager = z.infer<typeof HttpConnectionManager>;
export type FilterChain = z.infer<typeof FilterChain>;
export type DownstreamTlsContext = z.infer<typeof DownstreamTlsContext>;
export type Listener = z.infer<typeof Listener>;
