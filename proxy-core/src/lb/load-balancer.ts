// The load-balancer contract: pick a host from the cluster's current host set. Policies are created by
// `createLoadBalancer` from the cluster's `lb_policy`; issue #3 adds LEAST_REQUEST, RANDOM, … here.
import type { Host } from "../upstream/host";
import { RoundRobinLoadBalancer } from "./round-robin";

/** Per-request input to host selection (Envoy's LoadBalancerContext). */
export interface LbContext {
  /** hash of the route's hash_policy (header, source IP …), for RING_HASH; null when the route has none */
  hashKey: number | null;
  /** hosts to avoid (retry_host_predicate previous_hosts); the LB may still return one if nothing else is left */
  excluded: ReadonlySet<Host> | null;
}

export const NO_LB_CONTEXT: LbContext = Object.freeze({ hashKey: null, excluded: null });

export interface LoadBalancer {
  /** null when no host is available → 503 `no healthy upstream` */
  chooseHost(ctx: LbContext): Host | null;
  /** called whenever the host set or host health changes */
  setHosts(hosts: readonly Host[]): void;
}

export function createLoadBalancer(policy: string | undefined, hosts: readonly Host[]): LoadBalancer {
  switch (policy ?? "ROUND_ROBIN") {
    case "ROUND_ROBIN":
      return new RoundRobinLoadBalancer(hosts);
    default:
      // validation refuses every other policy before a cluster is built
      throw new Error(`lb_policy ${policy} is not supported`);
  }
}
