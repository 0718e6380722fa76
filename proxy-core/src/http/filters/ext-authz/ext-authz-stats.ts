// The ext_authz filter's stats (docs/root/configuration/http/http_filters/ext_authz_filter.rst "Statistics";
// ExtAuthz::FilterConfig in source/extensions/filters/http/ext_authz/ext_authz.h). Envoy counts each decision
// twice: in the filter's own tree, `http.<hcm stat_prefix>.ext_authz.[<filter stat_prefix>.]<name>`, created with
// the filter; and in the route's target cluster, `cluster.<name>.ext_authz.[<filter stat_prefix>.]<name>` (the
// tree the docs name), created on first use. A denial also charges that cluster's response-code counters
// (`upstream_rq_<code>`, and `internal.upstream_rq_<code>` as the request is an internal one) unless
// charge_cluster_response_stats is false.
import type { Counter, StatsStore } from "../../../stats/store";
import type { Cluster } from "../../../upstream/cluster";

export const EXT_AUTHZ_COUNTERS = ["ok", "denied", "error", "disabled", "failure_mode_allowed", "invalid"] as const;
/** the cluster-scoped subset (ext_authz.h: ext_authz_ok_ … ext_authz_failure_mode_allowed_) */
const CLUSTER_COUNTERS = ["ok", "denied", "error", "invalid", "failure_mode_allowed"] as const;

type FilterCounters = { [K in (typeof EXT_AUTHZ_COUNTERS)[number]]: Counter };
type ClusterCounters = { [K in (typeof CLUSTER_COUNTERS)[number]]: Counter };

/** cluster → filter stat_prefix → counters */
const byCluster = new WeakMap<Cluster, Map<string, ClusterCounters>>();

export class ExtAuthzStats {
  readonly c: FilterCounters;
  readonly #sub: string;

  /** `hcmScope` is `http.<stat_prefix>.`; `statPrefix` the filter's own (may be empty) */
  constructor(store: StatsStore, hcmScope: string, statPrefix: string) {
    this.#sub = statPrefix === "" ? "ext_authz" : `ext_authz.${statPrefix}`;
    const scope = store.scope(hcmScope).scope(this.#sub);
    this.c = Object.fromEntries(EXT_AUTHZ_COUNTERS.map((n) => [n, scope.counter(n)])) as FilterCounters;
  }

  /** The route's target cluster's ext_authz counters (null without a cluster). */
  cluster(cluster: Cluster | null): ClusterCounters | null {
    if (cluster === null) return null;
    let m = byCluster.get(cluster);
    if (m === undefined) byCluster.set(cluster, (m = new Map()));
    let c = m.get(this.#sub);
    if (c === undefined) {
      const scope = cluster.stats.scope.scope(this.#sub);
      m.set(this.#sub, (c = Object.fromEntries(CLUSTER_COUNTERS.map((n) => [n, scope.counter(n)])) as ClusterCounters));
    }
    return c;
  }

  /** Envoy's CodeStatsImpl::chargeResponseStat for a denial, on the route's cluster (an internal request). */
  static chargeDenial(cluster: Cluster, status: number) {
    cluster.stats.chargeResponse(status);
    const s = cluster.stats.scope;
    s.counter("internal.upstream_rq_completed").inc();
    s.counter(`internal.upstream_rq_${status}`).inc();
    s.counter(`internal.upstream_rq_${(status / 100) | 0}xx`).inc();
  }
}
