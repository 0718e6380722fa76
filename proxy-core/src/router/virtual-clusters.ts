// A virtual host's virtual_clusters (route_components.proto `VirtualCluster`; docs
// configuration/http/http_filters/router_filter.rst "Virtual Clusters"): per-endpoint stats for requests the router
// sends upstream, under `vhost.<virtual host>.vcluster.<virtual cluster>.`. The first virtual cluster whose
// `headers` all match (`:method` and `:path` included) takes the request; any other routed request goes to the
// catch-all `other`, which exists whenever the virtual host has virtual clusters (Envoy's CatchAllVirtualCluster,
// CommonVirtualHostImpl::virtualClusterFromEntries). Envoy picks it once the route's cluster is known, so direct
// responses, redirects and unknown clusters count in none.
// The stats are Envoy's ALL_VIRTUAL_CLUSTER_STATS, which are the route stats' set: RouteStats serves both.
import type { VirtualCluster as VirtualClusterConfig } from "../config/schema";
import { StatsStore, type Scope } from "../stats/store";
import { HeaderMatchList, type MatchRequest } from "./matchers";
import { routeStatsFor, type RouteStats } from "./route-stats";

export interface VirtualCluster {
  /** %VIRTUAL_CLUSTER_NAME% */
  readonly name: string;
  readonly stats: RouteStats;
}

/** Envoy's name for the catch-all virtual cluster. */
export const OTHER_VIRTUAL_CLUSTER = "other";

export class VirtualClusters {
  readonly #entries: { readonly cluster: VirtualCluster; readonly headers: HeaderMatchList }[];
  readonly other: VirtualCluster;

  /** `vhostScope`: `vhost.<virtual host name>.`; without one (a RouteTable built without a store) stats stay private */
  constructor(configs: readonly VirtualClusterConfig[], vhostScope: Scope | null) {
    const scope = (vhostScope ?? new StatsStore().scope("vhost")).scope("vcluster");
    this.#entries = configs.map((c) => ({ cluster: { name: c.name, stats: routeStatsFor(scope.scope(c.name)) }, headers: new HeaderMatchList(c.headers ?? []) }));
    this.other = { name: OTHER_VIRTUAL_CLUSTER, stats: routeStatsFor(scope.scope(OTHER_VIRTUAL_CLUSTER)) };
  }

  static compile(configs: readonly VirtualClusterConfig[] | undefined, vhostScope: Scope | null): VirtualClusters | null {
    return configs?.length ? new VirtualClusters(configs, vhostScope) : null;
  }

  select(req: MatchRequest): VirtualCluster {
    for (const e of this.#entries) if (e.headers.match(req)) return e.cluster;
    return this.other;
  }
}
