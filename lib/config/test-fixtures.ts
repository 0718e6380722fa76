// Shared fixtures for the console's unit and integration tests.
import { HCM_TYPE, ROUTER_TYPE } from "../../proxy-core/src/config/index";

type Route = Record<string, unknown>;

export function listener(name: string, port: number, routes: Route[], opts: { address?: string; vhost?: string } = {}) {
  return {
    name,
    address: { socket_address: { address: opts.address ?? "127.0.0.1", port_value: port } },
    filter_chains: [
      {
        filters: [
          {
            name: "envoy.filters.network.http_connection_manager",
            typed_config: {
              "@type": HCM_TYPE,
              stat_prefix: name,
              route_config: { name, virtual_hosts: [{ name: opts.vhost ?? "default", domains: ["*"], routes }] },
              http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": ROUTER_TYPE } }],
            },
          },
        ],
      },
    ],
  };
}

export function cluster(name: string, ports: number[], extra: Record<string, unknown> = {}) {
  return {
    name,
    type: "STATIC",
    lb_policy: "ROUND_ROBIN",
    connect_timeout: "1s",
    load_assignment: {
      cluster_name: name,
      endpoints: [{ lb_endpoints: ports.map((p) => ({ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: p } } } })) }],
    },
    ...extra,
  };
}

export const prefixRoute = (prefix: string, clusterName: string) => ({ match: { prefix }, route: { cluster: clusterName } });

export function bootstrap(listeners: Record<string, unknown>[], clusters: Record<string, unknown>[]) {
  return { static_resources: { listeners, clusters } };
}
