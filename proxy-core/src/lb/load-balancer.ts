// The load-balancer contract: pick a host from the cluster's current host set. `createLoadBalancer` builds the
// policy named by the cluster's `lb_policy` (one file per policy) and wraps it in the health/panic layer: policies
// only ever see the hosts they may pick (healthy ones, or all of them in panic mode, Envoy docs: Panic threshold).
import type { Cluster as ClusterConfig } from "../config/schema";
import type { Counter, Scope } from "../stats/store";
import type { Host } from "../upstream/host";
import { LeastRequestLoadBalancer } from "./least-request";
import { RandomLoadBalancer } from "./random";
import { RingHashLoadBalancer } from "./ring-hash";
import { RoundRobinLoadBalancer } from "./round-robin";

export { NO_LB_CONTEXT, candidates, isExcluded, type LbContext, type LoadBalancer } from "./lb-context";
import type { LbContext, LoadBalancer } from "./lb-context";

export const DEFAULT_PANIC_THRESHOLD_PERCENT = 50;

/**
 * Health and panic threshold around a policy. Below `healthy_panic_threshold` percent healthy hosts the
 * policy gets every host and each pick counts `lb_healthy_panic` (Envoy). 0 disables panic.
 */
export class HealthAwareLoadBalancer implements LoadBalancer {
  #panic = false;
  readonly #panicCounter: Counter;
  /**
   * the policy places requests by LbContext.hashKey (RING_HASH): only then does the router compute a route's
   * hash_policy, as Envoy's hashing balancers are the only ones calling LoadBalancerContext::computeHashKey
   */
  readonly hashing: boolean;

  constructor(
    readonly policy: LoadBalancer,
    readonly panicThresholdPercent: number,
    scope: Scope,
    hosts: readonly Host[],
  ) {
    this.hashing = policy instanceof RingHashLoadBalancer;
    this.#panicCounter = scope.counter("lb_healthy_panic");
    this.setHosts(hosts);
  }

  get panic(): boolean {
    return this.#panic;
  }

  setHosts(hosts: readonly Host[]) {
    const healthy = hosts.filter((h) => h.healthy);
    this.#panic = hosts.length > 0 && (100 * healthy.length) / hosts.length < this.panicThresholdPercent;
    this.policy.setHosts(this.#panic ? hosts : healthy);
  }

  chooseHost(ctx: LbContext): Host | null {
    if (this.#panic) this.#panicCounter.inc();
    return this.policy.chooseHost(ctx);
  }
}

export function createLoadBalancer(config: ClusterConfig, hosts: readonly Host[], scope: Scope): HealthAwareLoadBalancer {
  let policy: LoadBalancer;
  switch (config.lb_policy ?? "ROUND_ROBIN") {
    case "ROUND_ROBIN":
      policy = new RoundRobinLoadBalancer([]);
      break;
    case "LEAST_REQUEST":
      policy = new LeastRequestLoadBalancer([], config.least_request_lb_config?.choice_count ?? 2);
      break;
    case "RANDOM":
      policy = new RandomLoadBalancer([]);
      break;
    case "RING_HASH":
      policy = new RingHashLoadBalancer([], config.ring_hash_lb_config ?? {}, scope.scope("ring_hash_lb"));
      break;
    default:
      // validation refuses every other policy before a cluster is built
      throw new Error(`lb_policy ${config.lb_policy} is not supported`);
  }
  const threshold = config.common_lb_config?.healthy_panic_threshold?.value ?? DEFAULT_PANIC_THRESHOLD_PERCENT;
  return new HealthAwareLoadBalancer(policy, threshold, scope, hosts);
}
