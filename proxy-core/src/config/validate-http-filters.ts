// Cross-field checks of an HTTP connection manager's filters (the schema checks each filter alone): the router
// is the last filter and the only terminal one, as Envoy requires (`FilterChainUtility`: a terminal filter must be
// last), every `typed_per_filter_config` names a filter Signalbox has, with a config its per-route schema accepts,
// and the clusters filters call themselves (ext_authz's service) exist.
import type { HttpConnectionManager } from "./schema";
import { httpFilterSpec, perFilterConfigIssues } from "./schema-http-filters";
import { EXT_AUTHZ_TYPE, extAuthzClusterRefs } from "./http-filters/ext-authz";

interface Issue {
  path: string;
  message: string;
}

const key = (p: string | number) => (typeof p === "number" ? `[${p}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? `.${p}` : `["${p}"]`);

export function httpFilterChainIssues(hcm: HttpConnectionManager, base: string): Issue[] {
  const out: Issue[] = [];
  const filters = hcm.http_filters ?? [];
  filters.forEach((f, i) => {
    const spec = httpFilterSpec(f);
    const last = i === filters.length - 1;
    if (spec?.terminal && !last) out.push({ path: `${base}.http_filters[${i}]`, message: `${f.name} is a terminal filter: it must be the last HTTP filter` });
    if (last && spec !== null && !spec.terminal) out.push({ path: `${base}.http_filters[${i}]`, message: "the last HTTP filter must be the router (envoy.filters.http.router)" });
  });
  const rc = hcm.route_config;
  const check = (m: Record<string, Record<string, unknown>> | undefined, at: string) => {
    if (m === undefined) return;
    for (const i of perFilterConfigIssues(m)) out.push({ path: `${at}.typed_per_filter_config${i.path.map(key).join("")}`, message: i.message });
  };
  check(rc.typed_per_filter_config, `${base}.route_config`);
  rc.virtual_hosts?.forEach((vh, vi) => {
    check(vh.typed_per_filter_config, `${base}.route_config.virtual_hosts[${vi}]`);
    vh.routes?.forEach((r, ri) => check(r.typed_per_filter_config, `${base}.route_config.virtual_hosts[${vi}].routes[${ri}]`));
  });
  return out;
}

/** Filters that call a cluster of their own (not through the router), by type URL: what they name, where. */
const FILTER_CLUSTER_REFS: ReadonlyMap<string, (raw: Record<string, unknown>) => { path: string; cluster: string; http: boolean }[]> = new Map([[EXT_AUTHZ_TYPE, extAuthzClusterRefs]]);

/**
 * Clusters HTTP filters call themselves (ext_authz's authorization service) must exist, as Envoy requires of an
 * envoy_grpc cluster; one reached over HTTP/1.1 must not be HTTP/2-only (`http` refs).
 */
export function httpFilterClusterIssues(hcm: HttpConnectionManager, base: string, clusters: ReadonlyMap<string, unknown>, http2Only: ReadonlySet<string>): Issue[] {
  const out: Issue[] = [];
  (hcm.http_filters ?? []).forEach((f, i) => {
    const spec = httpFilterSpec(f);
    const refs = spec === null || f.typed_config === undefined ? undefined : FILTER_CLUSTER_REFS.get(spec.typeUrl);
    for (const r of refs?.(f.typed_config!) ?? []) {
      const path = `${base}.http_filters[${i}].typed_config.${r.path}`;
      if (!clusters.has(r.cluster)) out.push({ path, message: `unknown cluster "${r.cluster}"` });
      else if (r.http && http2Only.has(r.cluster)) out.push({ path, message: `cluster ${r.cluster} is HTTP/2-only (explicit_http_config.http2_protocol_options), and an http_service is called over HTTP/1.1: use grpc_service with it` });
    }
  });
  return out;
}
