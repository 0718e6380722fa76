// The clusters a RouteConfiguration's request_mirror_policies name (route, virtual host and route configuration
// level). Envoy refuses a route table whose shadow cluster does not exist ("route: unknown shadow cluster",
// RouteCreator::createAndValidateRoute in source/common/router/config_impl.cc); a cluster_header policy names its
// cluster per request and is not checked.

import { jsonAt } from "./json";

// also walks input that failed the schema, where a single element may stand in place of a list
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** `[cluster, path below route_config]` for every mirror policy with a `cluster`; works on unparsed input too. */
export function mirrorClusterRefs(routeConfig: unknown): [unknown, string][] {
  const refs: [unknown, string][] = [];
  const policies = (list: unknown, base: string) =>
    arr(list).forEach((p, i) => {
      const cluster = jsonAt(p, "cluster");
      if (cluster !== undefined) refs.push([cluster, `${base}request_mirror_policies[${i}].cluster`]);
    });
  policies(jsonAt(routeConfig, "request_mirror_policies"), "");
  arr(jsonAt(routeConfig, "virtual_hosts")).forEach((vh, vi) => {
    policies(jsonAt(vh, "request_mirror_policies"), `virtual_hosts[${vi}].`);
    arr(jsonAt(vh, "routes")).forEach((r, ri) => policies(jsonAt(r, "route", "request_mirror_policies"), `virtual_hosts[${vi}].routes[${ri}].route.`));
  });
  return refs;
}
