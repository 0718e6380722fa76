// The config route tests run against: an Envoy v3 bootstrap (validated as the worker validates it), or a bare
// RouteConfiguration, which is what Envoy's route table check tool takes. A bare one is validated with the same
// checks, as the route_config of a connection manager, except that the clusters it names need not exist (the
// tool loads routes without clusters: Router::ConfigImpl with validate_clusters false).
import { validateBootstrap, type ConfigIssue, type ConfigWarning } from "../config/validate";
import { Bootstrap, HCM_TYPE, ROUTER_TYPE, type RouteConfiguration, type SnapshotResources } from "../config/schema";
import { withWarnings } from "../config/warnings";

const ROOT = "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config";

/** Paths under the synthetic bootstrap, back to paths of the route configuration itself. */
function relative<T extends { path: string }>(items: T[]): T[] {
  return items.map((i) => (i.path === ROOT ? { ...i, path: "" } : i.path.startsWith(ROOT) ? { ...i, path: i.path.slice(ROOT.length).replace(/^\./, "") } : i));
}

export type LoadedConfig =
  | { ok: true; kind: "bootstrap"; target: SnapshotResources; warnings: ConfigWarning[] }
  | { ok: true; kind: "route_configuration"; target: RouteConfiguration; warnings: ConfigWarning[] }
  | { ok: false; errors: ConfigIssue[] };

export function loadRouteTestConfig(doc: unknown): LoadedConfig {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return { ok: false, errors: [{ path: "", message: "must be an Envoy v3 bootstrap (static_resources) or a RouteConfiguration (virtual_hosts)" }] };
  if ("static_resources" in doc) {
    const v = validateBootstrap(doc);
    if (!v.ok) return v;
    const sr = v.value.static_resources;
    return { ok: true, kind: "bootstrap", target: { listeners: sr.listeners ?? [], clusters: sr.clusters ?? [] }, warnings: v.warnings };
  }
  const wrapped = {
    static_resources: {
      listeners: [
        {
          name: "route_check",
          address: { socket_address: { address: "127.0.0.1", port_value: 0 } },
          filter_chains: [{ filters: [{ name: "envoy.filters.network.http_connection_manager", typed_config: { "@type": HCM_TYPE, stat_prefix: "route_check", route_config: doc, http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": ROUTER_TYPE } }] } }] }],
        },
      ],
    },
  };
  const v = validateBootstrap(wrapped);
  if (!v.ok) {
    const errors = relative(v.errors).filter((e) => !e.message.startsWith('unknown cluster "'));
    if (errors.length > 0) return { ok: false, errors };
  }
  // the schema accepted it (only cluster references failed, which the tool does not check): its parsed form
  const { result, warnings } = withWarnings(wrapped, () => Bootstrap.parse(wrapped));
  const f = result.static_resources.listeners![0].filter_chains[0].filters[0];
  return { ok: true, kind: "route_configuration", target: (f.typed_config as { route_config: RouteConfiguration }).route_config, warnings: relative(warnings) };
}
