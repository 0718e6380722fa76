// The starter version published on an empty database: one listener answering every request with a hint.
import { HCM_TYPE, ROUTER_TYPE } from "../../proxy-core/src/config/index";
import { starterListener } from "../env";
import type { BootstrapDoc } from "./draft-mapper";

export const STARTER_BODY = "Signalbox is running: open the console to add routes";

export function starterDocument(addr = starterListener()): BootstrapDoc {
  return {
    static_resources: {
      listeners: [
        {
          name: "main",
          address: { socket_address: { address: addr.address, port_value: addr.port } },
          filter_chains: [
            {
              filters: [
                {
                  name: "envoy.filters.network.http_connection_manager",
                  typed_config: {
                    "@type": HCM_TYPE,
                    stat_prefix: "main",
                    route_config: {
                      name: "main",
                      virtual_hosts: [
                        {
                          name: "default",
                          domains: ["*"],
                          routes: [{ name: "starter", match: { prefix: "/" }, direct_response: { status: 200, body: { inline_string: STARTER_BODY } } }],
                        },
                      ],
                    },
                    http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": ROUTER_TYPE } }],
                  },
                },
              ],
            },
          ],
        },
      ],
      clusters: [],
    },
  };
}
