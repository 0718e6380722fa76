// Listeners and the HTTP connection manager (envoy.config.listener.v3, http_connection_manager.v3).
import { z } from "zod";
import { Address, HCM_TYPE, ROUTER_TYPE, envoyEnum } from "./schema-common";
import { RouteConfiguration } from "./schema-route";

export const RouterFilter = z.strictObject({
  name: z.string().min(1),
  typed_config: z.strictObject({ "@type": z.literal(ROUTER_TYPE) }).optional(),
});

export const HttpConnectionManager = z.strictObject({
  "@type": z.literal(HCM_TYPE),
  stat_prefix: z.string().min(1),
  codec_type: envoyEnum(["AUTO", "HTTP1"], ["HTTP2", "HTTP3"]).optional(),
  server_name: z.string().optional(),
  route_config: RouteConfiguration,
  http_filters: z.array(RouterFilter).min(1).optional(),
});

export const NetworkFilter = z.strictObject({
  name: z.string().min(1),
  typed_config: HttpConnectionManager,
});

export const FilterChain = z.strictObject({
  name: z.string().optional(),
  filters: z.array(NetworkFilter).length(1, "exactly one network filter (envoy.filters.network.http_connection_manager) is supported"),
});

export const Listener = z.strictObject({
  name: z.string().min(1),
  address: Address,
  // without filter_chain_match (not supported) Envoy refuses several chains, so one is the only valid count
  filter_chains: z.array(FilterChain).min(1).max(1, "only one filter chain is supported (filter_chain_match is not)"),
});


export type HttpConnectionManager = z.infer<typeof HttpConnectionManager>;
export type FilterChain = z.infer<typeof FilterChain>;
export type Listener = z.infer<typeof Listener>;
