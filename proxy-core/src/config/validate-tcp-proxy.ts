// Cross-resource checks of a tcp_proxy network filter: every cluster it names exists (go-control-plane's
// Snapshot.Consistent(), as for the HCM's routes). Envoy itself would accept an unknown cluster and count
// `tcp.<stat_prefix>.downstream_cx_no_route` per connection; Signalbox refuses it when the config is built.
import type { ConfigIssue } from "./issues";
import type { TcpProxy } from "./schema-tcp-proxy";

/** The clusters a tcp_proxy names, each with its path below `typed_config`; works on unparsed input too. */
export function tcpProxyClusterRefs(tcp: unknown): [unknown, string][] {
  const t = tcp as { cluster?: unknown; weighted_clusters?: { clusters?: unknown } } | null | undefined;
  const refs: [unknown, string][] = [];
  if (t?.cluster !== undefined) refs.push([t.cluster, "cluster"]);
  const weighted = t?.weighted_clusters?.clusters;
  if (Array.isArray(weighted)) weighted.forEach((c: { name?: unknown } | null, i) => refs.push([c?.name, `weighted_clusters.clusters[${i}].name`]));
  return refs;
}

/** `base` is the filter's `…filters[n].typed_config` path. */
export function tcpProxyIssues(tcp: TcpProxy, base: string, clusterNames: { has(name: string): boolean }): ConfigIssue[] {
  return tcpProxyClusterRefs(tcp)
    .filter(([name]) => typeof name === "string" && !clusterNames.has(name))
    .map(([name, path]) => ({ path: `${base}.${path}`, message: `unknown cluster "${name as string}"` }));
}
