// The load-balancer contract: pick a host from the cluster's current host set. Policies are created by
// `createLoadBalancer` from the cluster's `lb_policy`; issue #3 adds LEAST_REQUEST, RANDOM, … here.
import type { Host } from "../upstream/host";
import { RoundRobinLoadBalancer } from "./round-robin";

export interface LoadBalancer {
  /** null when no host is available → 503 `no healthy upstream` */
  chooseHost(): Host | null;
  /** called whenever the host set changes (DNS refresh) */
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
