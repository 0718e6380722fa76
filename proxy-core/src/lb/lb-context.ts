// What every load-balancing policy shares: the per-request context, the policy contract, and the helpers that
// honour a retry's excluded hosts. Apart from load-balancer.ts, which builds the policies, so that they import
// this and not their builder.
import type { Host } from "../upstream/host";

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

/** True when `h` must be avoided for this request. */
export function isExcluded(ctx: LbContext, h: Host): boolean {
  return ctx.excluded !== null && ctx.excluded.has(h);
}

/** The hosts a request may use: all but the excluded ones, or all of them if that leaves none (Envoy). */
export function candidates(hosts: readonly Host[], ctx: LbContext): readonly Host[] {
  const ex = ctx.excluded;
  if (ex === null || ex.size === 0) return hosts;
  const left = hosts.filter((h) => !ex.has(h));
  return left.length > 0 ? left : hosts;
}
