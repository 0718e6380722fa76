// The router's per-cluster stats (`cluster.<name>.`): retries, per-try timeouts, retry buffering, and the
// `retry.upstream_rq_<code>` tree for responses that caused a retry (newer Envoy, cluster_stats.rst). Resolved once
// per Cluster object and cached, so the request path only increments fields.
import type { Counter } from "../stats/store";
import type { Cluster } from "../upstream/cluster";

export const ROUTER_CLUSTER_COUNTERS = [
  "upstream_rq_retry",
  "upstream_rq_retry_success",
  "upstream_rq_retry_overflow",
  "upstream_rq_retry_limit_exceeded",
  "upstream_rq_per_try_timeout",
  "retry_or_shadow_abandoned",
] as const;

export class RouterClusterStats {
  readonly upstream_rq_retry: Counter;
  readonly upstream_rq_retry_success: Counter;
  readonly upstream_rq_retry_overflow: Counter;
  readonly upstream_rq_retry_limit_exceeded: Counter;
  readonly upstream_rq_per_try_timeout: Counter;
  readonly retry_or_shadow_abandoned: Counter;
  readonly #retryCodes: (Counter | undefined)[] = [];
  readonly #retryClasses: (Counter | undefined)[] = [];

  constructor(private readonly cluster: Cluster) {
    const s = cluster.stats.scope;
    this.upstream_rq_retry = s.counter("upstream_rq_retry");
    this.upstream_rq_retry_success = s.counter("upstream_rq_retry_success");
    this.upstream_rq_retry_overflow = s.counter("upstream_rq_retry_overflow");
    this.upstream_rq_retry_limit_exceeded = s.counter("upstream_rq_retry_limit_exceeded");
    this.upstream_rq_per_try_timeout = s.counter("upstream_rq_per_try_timeout");
    this.retry_or_shadow_abandoned = s.counter("retry_or_shadow_abandoned");
  }

  /** `retry.upstream_rq_<code>` / `retry.upstream_rq_<N>xx`: a response that was retried, not forwarded */
  chargeRetriedResponse(status: number) {
    const s = this.cluster.stats.scope;
    (this.#retryCodes[status] ??= s.counter(`retry.upstream_rq_${status}`)).inc();
    const cls = (status / 100) | 0;
    (this.#retryClasses[cls] ??= s.counter(`retry.upstream_rq_${cls}xx`)).inc();
  }
}

const cache = new WeakMap<Cluster, RouterClusterStats>();

export function routerStatsFor(cluster: Cluster): RouterClusterStats {
  let s = cache.get(cluster);
  if (s === undefined) cache.set(cluster, (s = new RouterClusterStats(cluster)));
  return s;
}
