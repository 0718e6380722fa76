// The demo's config change on its own: what it adds, what it leaves alone, and that removing it gives back
// the document it started from.
import { describe, expect, it } from "vitest";
import { starterDocument } from "../config/starter";
import { validateDocument } from "../config/validation";
import { bootstrap, cluster, listener, prefixRoute } from "../config/test-fixtures";
import { ApiError } from "../errors";
import type { BootstrapDoc } from "../config/draft-mapper";
import type { Cluster, HcmNetworkFilter, Listener } from "../../proxy-core/src/config/index";
import { addDemoConfig, DEMO_TRACING, removeDemoResources } from "./demo-config";

const STARTER = { address: "127.0.0.1", port: 18080 };
const PORTS = { healthy: 41001, slow: 41002, flaky: 41003 };
// the documents here are valid (each test checks it where it matters): read them as the schema types them
const hcmOf = (doc: BootstrapDoc, i = 0) => ((doc.static_resources.listeners[i] as Listener).filter_chains[0].filters[0] as HcmNetworkFilter).typed_config;
const routesOf = (doc: BootstrapDoc, i = 0) => hcmOf(doc, i).route_config.virtual_hosts![0].routes!;
const clustersOf = (doc: BootstrapDoc) => doc.static_resources.clusters as Cluster[];

describe("addDemoConfig", () => {
  it("puts the demo routes first on the starter listener, with the breaker, retries and tracing, and stays valid", () => {
    const plan = addDemoConfig(starterDocument(STARTER), PORTS, STARTER);
    expect(validateDocument(plan.doc)).toEqual([]);
    expect(plan.target).toEqual({ listener: "main", host: "127.0.0.1", port: 18080 });
    const routes = routesOf(plan.doc);
    expect(routes.map((r) => r.match.prefix ?? r.name)).toEqual(["/demo/healthy", "/demo/slow", "/demo/flaky", "/"]);
    expect(routes[2].route!.retry_policy).toMatchObject({ retry_on: expect.stringContaining("5xx"), num_retries: 2 });
    const clusters = Object.fromEntries(clustersOf(plan.doc).map((c) => [c.name, c]));
    expect(Object.keys(clusters)).toEqual(["demo-healthy", "demo-slow", "demo-flaky"]);
    expect(clusters["demo-slow"].circuit_breakers!.thresholds![0]).toMatchObject({ max_requests: 2, max_pending_requests: 1 });
    expect(clusters["demo-flaky"].load_assignment!.endpoints![0].lb_endpoints[0].endpoint.address.socket_address.port_value).toBe(41003);
    expect(hcmOf(plan.doc).tracing).toEqual(DEMO_TRACING);
    expect(plan.tracingAdded).toEqual(DEMO_TRACING);
  });

  it("leaves out what the schema refuses (route stat_prefix today) and says so", () => {
    const plan = addDemoConfig(starterDocument(STARTER), PORTS, STARTER);
    const accepted = routesOf(plan.doc)[0].stat_prefix !== undefined;
    expect(plan.notes.some((n) => n.startsWith(accepted ? "route stat_prefix: demo_" : "route stat_prefix: skipped"))).toBe(true);
  });

  it("keeps the user's routes, clusters and HCM tracing, and replaces a previous demo instead of adding a second", () => {
    const doc = bootstrap([listener("edge", 18080, [prefixRoute("/api", "api"), prefixRoute("/", "api")])], [cluster("api", [40000])]);
    hcmOf(doc).tracing = { random_sampling: { value: 5 } };
    const once = addDemoConfig(doc, PORTS, STARTER);
    const twice = addDemoConfig(once.doc, { healthy: 42001, slow: 42002, flaky: 42003 }, STARTER);
    expect(validateDocument(twice.doc)).toEqual([]);
    expect(routesOf(twice.doc).map((r) => r.match.prefix)).toEqual(["/demo/healthy", "/demo/slow", "/demo/flaky", "/api", "/"]);
    expect(clustersOf(twice.doc).map((c) => c.name)).toEqual(["api", "demo-healthy", "demo-slow", "demo-flaky"]);
    expect(clustersOf(twice.doc)[1].load_assignment!.endpoints![0].lb_endpoints[0].endpoint.address.socket_address.port_value).toBe(42001);
    expect(hcmOf(twice.doc).tracing).toEqual({ random_sampling: { value: 5 } });
    expect(twice.tracingAdded).toBeNull();
    expect(twice.notes).toContain('tracing: listener "edge" keeps its own tracing settings');
  });

  it("a second start over a demo that was not taken out still knows the tracing is the demo's", () => {
    const first = addDemoConfig(starterDocument(STARTER), PORTS, STARTER);
    const previous = { listener: "main", tracing: first.tracingAdded! };
    const second = addDemoConfig(first.doc, { healthy: 42001, slow: 42002, flaky: 42003 }, STARTER, previous);
    expect(second.tracingAdded).toEqual(DEMO_TRACING);
    expect(removeDemoResources(second.doc, { listener: "main", tracing: second.tracingAdded! }).doc).toEqual(starterDocument(STARTER));
  });

  it("prefers the starter listener's address, and a wildcard bind is reached on loopback", () => {
    const doc = bootstrap([listener("other", 18081, [prefixRoute("/", "api")]), listener("public", 18080, [prefixRoute("/", "api")], { address: "0.0.0.0" })], [cluster("api", [40000])]);
    const plan = addDemoConfig(doc, PORTS, { address: "0.0.0.0", port: 18080 });
    expect(plan.target).toEqual({ listener: "public", host: "127.0.0.1", port: 18080 });
    expect(routesOf(plan.doc, 0)).toHaveLength(1);
    expect(routesOf(plan.doc, 1)).toHaveLength(4);
  });

  it("refuses with 409 when no listener has a catch-all virtual host", () => {
    const doc = bootstrap([listener("api", 18080, [prefixRoute("/", "api")])], [cluster("api", [40000])]);
    hcmOf(doc).route_config.virtual_hosts![0].domains = ["api.example.com"];
    const e = (() => {
      try {
        addDemoConfig(doc, PORTS, STARTER);
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 409, message: expect.stringContaining("catch-all") });
  });
});

describe("removeDemoResources", () => {
  it("gives back the document the demo was added to, tracing included", () => {
    const doc = starterDocument(STARTER);
    const plan = addDemoConfig(doc, PORTS, STARTER);
    const r = removeDemoResources(plan.doc, { listener: "main", tracing: plan.tracingAdded! });
    expect(r.changed).toBe(true);
    expect(r.doc).toEqual(doc);
    expect(removeDemoResources(r.doc, null).changed).toBe(false);
  });

  it("keeps tracing it did not add, or that the user changed since", () => {
    const plan = addDemoConfig(starterDocument(STARTER), PORTS, STARTER);
    expect(hcmOf(removeDemoResources(plan.doc, null).doc).tracing).toEqual(DEMO_TRACING);
    hcmOf(plan.doc).tracing = { random_sampling: { value: 50 } };
    expect(hcmOf(removeDemoResources(plan.doc, { listener: "main", tracing: DEMO_TRACING }).doc).tracing).toEqual({ random_sampling: { value: 50 } });
  });
});
