import { describe, expect, it } from "vitest";
import { compose, decompose, composeResources, routeRow } from "./draft-mapper";
import { HCM_TYPE } from "../../proxy-core/src/config/index";
import { bootstrap, cluster, listener, prefixRoute } from "./test-fixtures";

const rich = bootstrap(
  [
    listener("edge", 18001, [prefixRoute("/a", "alpha"), { name: "hello", match: { path: "/hi" }, direct_response: { status: 200, body: { inline_string: "hi" } } }]),
    {
      name: "multi",
      address: { socket_address: { address: "0.0.0.0", port_value: 18002 } },
      filter_chains: [
        {
          name: "fc0",
          filters: [
            {
              name: "hcm",
              typed_config: {
                "@type": HCM_TYPE,
                stat_prefix: "multi",
                route_config: {
                  virtual_hosts: [
                    { name: "one", domains: ["one.example"], routes: [prefixRoute("/", "beta")] },
                    { name: "empty", domains: ["*"] }, // no routes key at all
                    { name: "none", domains: ["none.example"], routes: [] },
                  ],
                },
              },
            },
          ],
        },
        { filters: [{ name: "hcm", typed_config: { "@type": HCM_TYPE, stat_prefix: "second", route_config: { name: "rc-without-vhosts" } } }] },
      ],
    },
  ],
  [
    cluster("alpha", [1, 2, 3]),
    {
      name: "beta",
      load_assignment: {
        cluster_name: "beta",
        endpoints: [
          { lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: 9 } } }, load_balancing_weight: 3 }] },
          { lb_endpoints: [] },
        ],
      },
      circuit_breakers: { thresholds: [{ priority: "DEFAULT", max_connections: 5 }, { max_requests: 9 }] },
    },
    { name: "gamma" },
    { name: "delta", circuit_breakers: {} },
  ],
);

describe("draft-mapper", () => {
  it("round-trips a document exactly: compose(decompose(doc)) equals doc", () => {
    const rows = decompose(rich);
    expect(compose(rows)).toStrictEqual(rich);
  });

  it("splits the document into one row per resource", () => {
    const rows = decompose(rich);
    expect(rows.listeners.map((l) => [l.name, l.port])).toEqual([["edge", 18001], ["multi", 18002]]);
    expect(rows.virtualHosts.map((v) => v.name)).toEqual(["default", "one", "empty", "none"]);
    expect(rows.routes.map((r) => [r.matchKind, r.matchValue, r.action, r.clusterName])).toEqual([
      ["prefix", "/a", "cluster", "alpha"],
      ["path", "/hi", "direct_response", null],
      ["prefix", "/", "cluster", "beta"],
    ]);
    expect(rows.clusters.map((c) => [c.name, c.type, c.lbPolicy])).toEqual([
      ["alpha", "STATIC", "ROUND_ROBIN"], ["beta", "STATIC", "ROUND_ROBIN"], ["gamma", "STATIC", "ROUND_ROBIN"], ["delta", "STATIC", "ROUND_ROBIN"],
    ]);
    expect(rows.endpoints.map((e) => [e.port, e.localityIndex, e.weight])).toEqual([[1, 0, 1], [2, 0, 1], [3, 0, 1], [9, 0, 3]]);
    expect(rows.circuitBreakers.map((c) => c.priority)).toEqual(["DEFAULT", "DEFAULT"]);
    // children are not duplicated inside their parent's JSON
    expect(JSON.stringify(rows.listeners[0].json)).not.toContain("/a");
    expect(JSON.stringify(rows.clusters[0].json)).not.toContain("port_value");
  });

  it("does not share objects with the input", () => {
    const doc = structuredClone(rich);
    const rows = decompose(doc);
    (doc.static_resources.clusters[0] as { name: string }).name = "changed";
    expect(composeResources(rows).clusters[0].name).toBe("alpha");
  });

  it("orders by position regardless of row order", () => {
    const rows = decompose(rich);
    rows.routes.reverse();
    rows.clusters.reverse();
    rows.endpoints.reverse();
    expect(compose(rows)).toStrictEqual(rich);
  });

  it("a listener without a name is known by the name workers give it, and its JSON stays as written", () => {
    const unnamed = listener("x", 18080, [prefixRoute("/", "alpha")]);
    delete (unnamed as { name?: string }).name;
    const doc = bootstrap([unnamed, { ...listener("y", 18081, [prefixRoute("/", "alpha")]), name: "" }], [cluster("alpha", [1])]);
    const rows = decompose(doc);
    expect(rows.listeners.map((l) => l.name)).toEqual(["127.0.0.1_18080", "127.0.0.1_18081"]);
    expect(compose(rows)).toEqual(doc);
  });

  it("an empty document gives empty arrays", () => {
    expect(compose(decompose({ static_resources: {} }))).toEqual({ static_resources: { listeners: [], clusters: [] } });
  });
});

describe("route rows record the match kind and action of every route form", () => {
  it("covers regex, segment-prefix, weighted and redirect routes", () => {
    const rows = [
      routeRow({ match: { safe_regex: { regex: "/v[0-9]+/.*" } }, route: { cluster: "a" } }, "vh", 0),
      routeRow({ match: { path_separated_prefix: "/api" }, route: { weighted_clusters: { clusters: [{ name: "a", weight: 1 }] } } }, "vh", 1),
      routeRow({ match: { prefix: "/old" }, redirect: { path_redirect: "/new" } }, "vh", 2),
    ];
    expect(rows.map((r) => [r.matchKind, r.matchValue, r.action, r.clusterName])).toEqual([
      ["safe_regex", "/v[0-9]+/.*", "cluster", "a"],
      ["path_separated_prefix", "/api", "weighted_clusters", null],
      ["prefix", "/old", "redirect", null],
    ]);
  });
});
