import { describe, expect, it } from "vitest";
import { HCM_TYPE, ROUTER_TYPE, formatIssues, validateBootstrap, validateResources } from "../../src/config/index";

const listener = (port: number, routes: unknown[], vhosts?: unknown[]) => ({
  name: "main",
  address: { socket_address: { address: "127.0.0.1", port_value: port } },
  filter_chains: [{
    filters: [{
      name: "envoy.filters.network.http_connection_manager",
      typed_config: {
        "@type": HCM_TYPE,
        stat_prefix: "ingress_http",
        route_config: { virtual_hosts: vhosts ?? [{ name: "all", domains: ["*"], routes }] },
        http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": ROUTER_TYPE } }],
      },
    }],
  }],
});
const ROUTE_PATH = "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0].route.cluster";

describe("config validation names every problem with its field path", () => {
  it("reports schema errors and an unknown cluster together", () => {
    const r = validateBootstrap({
      static_resources: {
        listeners: [listener(70000, [{ match: { prefix: "/" }, route: { cluster: "missing" } }])],
        clusters: [{ name: "a", lb_policy: "MAGLEV", foo: 1 }],
      },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual(
      expect.arrayContaining([
        { path: "static_resources.listeners[0].address.socket_address.port_value", message: "must be a port between 0 and 65535" },
        { path: "static_resources.clusters[0].lb_policy", message: expect.stringMatching(/^MAGLEV is not supported/) },
        { path: "static_resources.clusters[0].foo", message: "foo is not supported by Signalbox" },
        { path: ROUTE_PATH, message: 'unknown cluster "missing"' },
      ]),
    );
    expect(r.errors).toHaveLength(4);
    expect(formatIssues(r.errors)).toContain(`${ROUTE_PATH}: unknown cluster "missing"`);
  });

  it("reports an unknown cluster alone when the rest is valid", () => {
    const r = validateBootstrap({ static_resources: { listeners: [listener(8080, [{ match: { prefix: "/" }, route: { cluster: "missing" } }])], clusters: [] } });
    expect(r).toEqual({ ok: false, errors: [{ path: ROUTE_PATH, message: 'unknown cluster "missing"' }] });
  });

  it("refuses two virtual hosts with the same name (Envoy does)", () => {
    const vh = (domain: string) => ({ name: "dup", domains: [domain], routes: [{ match: { prefix: "/" }, direct_response: { status: 200 } }] });
    const r = validateResources({ listeners: [listener(8080, [], [vh("a.example.com"), vh("b.example.com")])], clusters: [] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([{ path: "listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[1].name", message: 'duplicate virtual host name "dup" (also virtual_hosts[0])' }]);
  });

  it('says "is required" only for a missing field; a field of the wrong type gets the type problem', () => {
    const r = validateResources({ listeners: [], clusters: [{ name: 5, load_assignment: { endpoints: [] } }] });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors).toEqual([
        { path: "clusters[0].name", message: "Invalid input: expected string, received number" },
        { path: "clusters[0].load_assignment.cluster_name", message: "is required" },
      ]);
  });

  it("uses snapshot-relative paths for resources pushed by the console", () => {
    const r = validateResources({ listeners: [listener(8080, [{ match: { prefix: "/" }, route: { cluster: "missing" } }])], clusters: [{ name: "c", type: "BOGUS" }] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.path)).toEqual(["clusters[0].type", ROUTE_PATH.replace("static_resources.", "")]);
  });
});
