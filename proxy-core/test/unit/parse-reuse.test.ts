// A worker reuses the parsed routes of its last valid snapshot (config/reuse.ts): what it hands back must be
// exactly what a fresh parse gives, refusals must read the same, and nothing remembered may be shared or changed.
import { describe, expect, it } from "vitest";
import { HCM_TYPE, ROUTER_TYPE, validateResources } from "../../src/config/index";
import { ParseReuse } from "../../src/config/reuse";
import { ProxyServer } from "../../src/server";

type Vhost = { name: string; domains: string[]; routes: unknown[] };
const snapshot = (vhosts: Vhost[]) => ({
  listeners: [
    {
      name: "main",
      address: { socket_address: { address: "127.0.0.1", port_value: 0 } },
      filter_chains: [{
        filters: [{
          name: "envoy.filters.network.http_connection_manager",
          typed_config: {
            "@type": HCM_TYPE,
            stat_prefix: "ingress_http",
            route_config: { virtual_hosts: vhosts },
            http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": ROUTER_TYPE } }],
          },
        }],
      }],
    },
  ],
  clusters: [
    { name: "a", connect_timeout: "1s", load_assignment: { cluster_name: "a", endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: 9 } } } }] }] } },
    { name: "b", connect_timeout: "1s", load_assignment: { cluster_name: "b", endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: 9 } } } }] }] } },
  ],
});
const routes = (n: number, cluster = "a") =>
  Array.from({ length: n }, (_, i) => ({ name: `r${i}`, match: { prefix: `/svc${i}` }, route: { cluster, timeout: "5s" }, request_headers_to_add: [{ header: { key: "x-r", value: String(i) } }] }));
const one = (rs: unknown[]) => snapshot([{ name: "all", domains: ["*"], routes: rs }]);
/** a fresh copy, as a worker gets from JSON.parse of each message */
const wire = <T>(v: T): T => JSON.parse(JSON.stringify(v));

function valid(input: unknown, reuse?: ParseReuse) {
  const v = validateResources(wire(input), reuse);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v;
}

describe("reusing the parsed routes of the last valid snapshot", () => {
  it("hands back what a fresh parse gives, reparsing only the routes that changed", () => {
    const reuse = new ParseReuse();
    const first = one(routes(50));
    expect(valid(first, reuse).value).toEqual(valid(first).value);
    expect([reuse.hits, reuse.misses, reuse.size]).toEqual([0, 50, 50]);

    const second = one(routes(50));
    (second.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[7] as { route: unknown }).route = { cluster: "b", timeout: "1s" };
    const got = valid(second, reuse);
    expect(got.value).toEqual(valid(second).value);
    expect([reuse.hits, reuse.misses]).toEqual([49, 51]);
    const r7 = got.value.listeners[0].filter_chains[0].filters[0].typed_config;
    expect("route_config" in r7 && r7.route_config.virtual_hosts?.[0].routes?.[7].route?.cluster).toBe("b");
  });

  it("refuses a bad route in the same words, and a refused snapshot does not replace what is kept", () => {
    const reuse = new ParseReuse();
    valid(one(routes(5)), reuse);
    const bad = one([...routes(5), { match: { prefix: "/x" }, route: { cluster: "a", timeout: "soon" }, redirect: { path_redirect: "/y" } }, { match: { safe_regex: { regex: "(?=x)" } }, direct_response: { status: 99 } }]);
    const plain = validateResources(wire(bad));
    const reused = validateResources(wire(bad), reuse);
    expect(plain.ok).toBe(false);
    expect(reused).toEqual(plain);
    expect(reuse.size).toBe(5);
    const hits = reuse.hits;
    valid(one(routes(5)), reuse);
    expect(reuse.hits - hits).toBe(5);
  });

  it("never hands one object to two identical routes of one snapshot", () => {
    const reuse = new ParseReuse();
    const same = routes(1);
    const two = snapshot([
      { name: "x", domains: ["x.example"], routes: same },
      { name: "y", domains: ["y.example"], routes: same },
    ]);
    for (let i = 0; i < 2; i++) {
      const hcm = valid(two, reuse).value.listeners[0].filter_chains[0].filters[0].typed_config;
      if (!("route_config" in hcm)) throw new Error("not an HCM");
      const [x, y] = hcm.route_config.virtual_hosts!;
      expect(x.routes![0]).toEqual(y.routes![0]);
      expect(x.routes![0]).not.toBe(y.routes![0]);
    }
  });

  it("warns about a deprecated field every time, not only on the first parse", () => {
    const reuse = new ParseReuse();
    const deprecated = one([{ match: { prefix: "/", headers: [{ name: "x-a", exact_match: "1" }] }, route: { cluster: "a" } }]);
    const first = valid(deprecated, reuse);
    const second = valid(deprecated, reuse);
    expect(first.warnings).toHaveLength(1);
    expect(second.warnings).toEqual(first.warnings);
  });

  it("freezes what it remembers: the live config cannot be changed through the next one", () => {
    const reuse = new ParseReuse();
    valid(one(routes(1)), reuse);
    const hcm = valid(one(routes(1)), reuse).value.listeners[0].filter_chains[0].filters[0].typed_config;
    if (!("route_config" in hcm)) throw new Error("not an HCM");
    const route = hcm.route_config.virtual_hosts![0].routes![0];
    expect(Object.isFrozen(route.route)).toBe(true);
    expect(() => {
      (route.route as { timeout?: unknown }).timeout = 1;
    }).toThrow(TypeError);
  });

  it("a worker applies snapshot after snapshot on reused routes and serves the last one's", async () => {
    const server = new ProxyServer({});
    try {
      await server.apply(wire(one(routes(20))), "v1");
      await server.apply(wire(one(routes(20, "b"))), "v2");
      await server.apply(wire(one(routes(20))), "v3");
      expect(server.version).toBe("v3");
      const hcm = server.resources!.listeners[0].filter_chains[0].filters[0].typed_config;
      expect("route_config" in hcm && hcm.route_config.virtual_hosts?.[0].routes?.map((r) => r.route?.cluster)).toEqual(Array(20).fill("a"));
    } finally {
      await server.shutdown(0);
    }
  });
});
