// Clusters, endpoints and circuit breakers (envoy.config.cluster.v3, endpoint.v3). Spec §2, §3.
import { z } from "zod";
import { Address, Duration, UInt32, envoyEnum } from "./schema-common";

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


export type LbEndpoint = z.infer<typeof LbEndpoint>;
export type CircuitBreakerThresholds = z.infer<typeof CircuitBreakerThresholds>;
export type Cluster = z.infer<typeof Cluster>;
