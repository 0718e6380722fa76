// The single contract: the subset of Envoy's v3 API that Signalbox supports.
// The worker loads configs with it, the console validates drafts with it and builds forms over it.
// Every object is strict: a field Envoy has but Signalbox does not implement is refused with its path,
// never silently ignored. Add a field here only together with the runtime code that honours it.
import { z } from "zod";
import { isDuration } from "./duration";

// ---------------------------------------------------------------- primitives

export const TYPE_PREFIX = "type.googleapis.com/";
export const HCM_TYPE = TYPE_PREFIX + "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
export const ROUTER_TYPE = TYPE_PREFIX + "envoy.extensions.filters.http.router.v3.Router";

export const Duration = z
  .string()
  .refine(isDuration, { message: 'must be a duration in seconds such as "0.25s" or "15s"' });

/** An Envoy enum: values Envoy knows but Signalbox does not implement get "X is not supported". */
export function envoyEnum<const T extends readonly [string, ...string[]]>(supported: T, knownUnsupported: readonly string[] = []) {
  return z.string().superRefine((v, ctx) => {
    if ((supported as readonly string[]).includes(v)) return;
    ctx.addIssue({
      code: "custom",
      message: knownUnsupported.includes(v)
        ? `${v} is not supported (supported: ${supported.join(", ")})`
        : `unknown value ${JSON.stringify(v)} (supported: ${supported.join(", ")})`,
    });
  }) as unknown as z.ZodType<T[number]>;
}

const Port = z.number().int().min(0).max(65535);
const UInt32 = z.number().int().min(0).max(4294967295);

export const SocketAddress = z.strictObject({
  address: z.string().min(1),
  port_value: Port,
  protocol: envoyEnum(["TCP"], ["UDP"]).optional(),
});

export const Address = z.strictObject({ socket_address: SocketAddress });

export const DataSource = z
  .strictObject({ inline_string: z.string().optional(), filename: z.string().min(1).optional() })
  .refine((d) => (d.inline_string === undefined) !== (d.filename === undefined), {
    message: "exactly one of inline_string or filename is required",
  });

// ---------------------------------------------------------------- routes

const RouteMatch = z
  .strictObject({
    prefix: z.string().optional(),
    path: z.string().optional(),
    case_sensitive: z.boolean().optional(),
  })
  .superRefine((m, ctx) => {
    const set = (["prefix", "path"] as const).filter((k) => m[k] !== undefined);
    if (set.length !== 1)
      ctx.addIssue({ code: "custom", message: `exactly one of prefix or path is required (got ${set.length ? set.join(", ") : "none"})` });
  });

const RouteAction = z.strictObject({
  cluster: z.string().min(1),
  timeout: Duration.optional(),
});

const DirectResponseAction = z.strictObject({
  status: z.number().int().min(200).max(599),
  body: DataSource.optional(),
});

export const Route = z
  .strictObject({
    name: z.string().optional(),
    match: RouteMatch,
    route: RouteAction.optional(),
    direct_response: DirectResponseAction.optional(),
  })
  .superRefine((r, ctx) => {
    const set = (["route", "direct_response"] as const).filter((k) => r[k] !== undefined);
    if (set.length !== 1)
      ctx.addIssue({ code: "custom", message: `exactly one action (route or direct_response) is required (got ${set.length ? set.join(", ") : "none"})` });
  });

export const VirtualHost = z.strictObject({
  name: z.string().min(1),
  domains: z.array(z.string().min(1)).min(1),
  routes: z.array(Route).optional(),
});

export const RouteConfiguration = z.strictObject({
  name: z.string().optional(),
  virtual_hosts: z.array(VirtualHost).optional(),
});

// ---------------------------------------------------------------- HTTP connection manager

const RouterFilter = z.strictObject({
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

const NetworkFilter = z.strictObject({
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

// ---------------------------------------------------------------- clusters

export const LbEndpoint = z.strictObject({
  endpoint: z.strictObject({ address: Address }),
  load_balancing_weight: z.number().int().min(1).optional(),
});

export const LocalityLbEndpoints = z.strictObject({
  lb_endpoints: z.array(LbEndpoint),
});

export const ClusterLoadAssignment = z.strictObject({
  cluster_name: z.string().min(1),
  endpoints: z.array(LocalityLbEndpoints).optional(),
});

export const CircuitBreakerThresholds = z.strictObject({
  priority: envoyEnum(["DEFAULT"], ["HIGH"]).optional(),
  max_connections: UInt32.optional(),
  max_pending_requests: UInt32.optional(),
  max_requests: UInt32.optional(),
  max_retries: UInt32.optional(),
});

export const CircuitBreakers = z.strictObject({
  thresholds: z.array(CircuitBreakerThresholds).optional(),
});

export const Cluster = z.strictObject({
  name: z.string().min(1),
  type: envoyEnum(["STATIC", "STRICT_DNS"], ["LOGICAL_DNS", "EDS", "ORIGINAL_DST"]).optional(),
  connect_timeout: Duration.optional(),
  lb_policy: envoyEnum(["ROUND_ROBIN"], ["LEAST_REQUEST", "RING_HASH", "RANDOM", "MAGLEV", "CLUSTER_PROVIDED", "LOAD_BALANCING_POLICY_CONFIG"]).optional(),
  dns_lookup_family: envoyEnum(["AUTO", "V4_ONLY", "V6_ONLY", "V4_PREFERRED", "ALL"]).optional(),
  dns_refresh_rate: Duration.optional(),
  load_assignment: ClusterLoadAssignment.optional(),
  circuit_breakers: CircuitBreakers.optional(),
});

// ---------------------------------------------------------------- bootstrap and snapshot

export const Admin = z.strictObject({ address: Address });

export const Node = z.strictObject({ id: z.string().optional(), cluster: z.string().optional() });

export const StaticResources = z.strictObject({
  listeners: z.array(Listener).optional(),
  clusters: z.array(Cluster).optional(),
});

export const Bootstrap = z.strictObject({
  node: Node.optional(),
  static_resources: StaticResources,
  admin: Admin.optional(),
});

/** What the console pushes to workers: the Envoy v3 listeners and clusters of one version. */
export const SnapshotResources = z.strictObject({
  listeners: z.array(Listener),
  clusters: z.array(Cluster),
});

export type SocketAddress = z.infer<typeof SocketAddress>;
export type Route = z.infer<typeof Route>;
export type VirtualHost = z.infer<typeof VirtualHost>;
export type RouteConfiguration = z.infer<typeof RouteConfiguration>;
export type HttpConnectionManager = z.infer<typeof HttpConnectionManager>;
export type FilterChain = z.infer<typeof FilterChain>;
export type Listener = z.infer<typeof Listener>;
export type LbEndpoint = z.infer<typeof LbEndpoint>;
export type CircuitBreakerThresholds = z.infer<typeof CircuitBreakerThresholds>;
export type Cluster = z.infer<typeof Cluster>;
export type Bootstrap = z.infer<typeof Bootstrap>;
export type SnapshotResources = z.infer<typeof SnapshotResources>;
