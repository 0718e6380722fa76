// The clusters a RouteConfiguration's request_mirror_policies name (route, virtual host and route configuration
// level). Envoy refuses a route table whose shadow cluster does not exist ("route: unknown shadow cluster",
// RouteCreator::createAndValidateRoute in source/common/router/config_impl.cc); a cluster_header policy names its
// cluster per request and is not checked.

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- also walks input that failed the schema
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** `[cluster, path below route_config]` for every mirror policy with a `cluster`; works on unparsed input too. */
export function mirrorClusterRefs(routeConfig: unknown): [unknown, string][] {
  const rc = routeConfig as Json;
  const refs: [unknown, string][] = [];
  const policies = (list: unknown, base: string) =>
    arr(list).forEach((p, i) => {
      if (p?.cluster !== undefined) refs.push([p.cluster, `${base}request_mirror_policies[${i}].cluster`]);
    });
  policies(rc?.request_mirror_policies, "");
  arr(rc?.virtual_hosts).forEach((vh, vi) => {
    policies(vh?.request_mirror_policies, `virtual_hosts[${vi}].`);
    arr(vh?.routes).forEach((r, ri) => policies(r?.route?.request_mirror_policies, `virtual_hosts[${vi}].routes[${ri}].route.`));
  });
  return refs;
}
