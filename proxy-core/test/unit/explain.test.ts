import { describe, expect, it } from "vitest";
import { RouteConfiguration } from "../../src/config/schema";
import { validateResources } from "../../src/config/validate";
import { explainRouteConfig, explainSnapshot, type Explanation, type ExplainRequest } from "../../src/router/explain";
import { MatchInput, RouteTable, matchRoute } from "../../src/router/route-table";

const rc = (raw: unknown) => RouteConfiguration.parse(raw);
const get = (authority: string, path: string, more: Partial<ExplainRequest> = {}): ExplainRequest => ({ method: "GET", authority, path, ...more });
const kinds = (e: Explanation) => e.skipped.map((s) => s.reasons.map((r) => r.kind));

const API = rc({
  virtual_hosts: [
    {
      name: "api",
      domains: ["api.example.com", "*.api.example.com", "api.*"],
      routes: [
        { name: "admin", match: { prefix: "/admin" }, route: { cluster: "admin" } },
        { name: "canary", match: { prefix: "/v1", headers: [{ name: "x-canary", string_match: { exact: "1" } }] }, route: { cluster: "canary" } },
        { name: "env", match: { prefix: "/v1", headers: [{ name: "x-env", string_match: { exact: "staging" } }] }, route: { cluster: "staging" } },
        { name: "debug", match: { prefix: "/v1", query_parameters: [{ name: "debug", string_match: { exact: "1" } }] }, route: { cluster: "debug" } },
        { name: "writes", match: { prefix: "/v1", headers: [{ name: ":method", string_match: { exact: "POST" } }] }, route: { cluster: "writer" } },
        { name: "sampled", match: { prefix: "/v1", runtime_fraction: { default_value: { numerator: 10 }, runtime_key: "v1.sampled" } }, route: { cluster: "sampled" } },
        { name: "grpc", match: { prefix: "/v1", grpc: {} }, route: { cluster: "grpc" } },
        { name: "users", match: { prefix: "/v1/users" }, route: { cluster: "users", prefix_rewrite: "/users", host_rewrite_literal: "users.internal" } },
      ],
    },
    { name: "fallback", domains: ["*"], routes: [{ match: { path: "/" }, direct_response: { status: 200, body: { inline_string: "hello" } } }] },
  ],
});

describe("explain: virtual host and routes", () => {
  it("names the route taking the request and why every earlier one did not match, one reason kind each", () => {
    const e = explainRouteConfig(API, get("api.example.com", "/v1/users?page=2", { headers: [{ name: "x-env", value: "prod" }], randomValue: 50 }));
    expect(e.virtualHost).toMatchObject({ name: "api", matchedBy: "exact", domain: "api.example.com" });
    expect(e.route).toMatchObject({ index: 7, name: "users", match: 'prefix "/v1/users"' });
    expect(kinds(e)).toEqual([["path"], ["header_missing"], ["header_mismatch"], ["query"], ["method"], ["runtime_fraction"], ["grpc"]]);
    const msg = e.skipped.map((s) => s.reasons[0].message);
    expect(msg[0]).toBe('path "/v1/users?page=2" does not start with "/admin"');
    expect(msg[1]).toBe('header x-canary is missing (wants exact "1")');
    expect(msg[2]).toBe('header x-env is "prod", wants exact "staging"');
    expect(msg[3]).toBe('query parameter debug is missing (wants exact "1")');
    expect(msg[4]).toBe('method GET: the route wants :method exact "POST"');
    expect(msg[5]).toContain("10% of requests");
    expect(msg[5]).toContain("random value 50");
    expect(msg[6]).toBe("not a gRPC request (content-type absent)");
    expect(e.action).toEqual({ kind: "cluster", cluster: "users", known: null });
    expect(e.upstream).toMatchObject({ cluster: "users", path: "/users?page=2", pathRewritten: true, host: "users.internal", hostRewritten: true, timeoutMs: 15000 });
    expect(e.outcome).toEqual({ status: null, responseFlag: null, summary: "forwarded to cluster users" });
  });

  it("stops at the first route that matches, and lists no route after it", () => {
    const e = explainRouteConfig(API, get("api.example.com", "/v1/x", { headers: [{ name: "x-canary", value: "1" }] }));
    expect(e.route?.name).toBe("canary");
    expect(e.skipped.map((s) => s.name)).toEqual(["admin"]);
  });

  it("a runtime_fraction route takes the requests whose random value falls under its share", () => {
    const e = explainRouteConfig(API, get("api.example.com", "/v1/x", { randomValue: 5 }));
    expect(e.route?.name).toBe("sampled");
    expect(e.route?.conditions).toEqual(["runtime_fraction 10% of requests (runtime key v1.sampled)"]);
  });

  it("says which kind of domain chose the virtual host: exact, suffix, prefix, wildcard", () => {
    expect(explainRouteConfig(API, get("a.api.example.com", "/")).virtualHost).toMatchObject({ name: "api", matchedBy: "suffix", domain: "*.api.example.com" });
    expect(explainRouteConfig(API, get("api.other.org", "/")).virtualHost).toMatchObject({ name: "api", matchedBy: "prefix", domain: "api.*" });
    expect(explainRouteConfig(API, get("else.org", "/")).virtualHost).toMatchObject({ name: "fallback", matchedBy: "wildcard", domain: "*" });
  });

  it("no virtual host, or no route in it: 404 NR, with every route's reason", () => {
    const noVh = explainRouteConfig(rc({ virtual_hosts: [{ name: "a", domains: ["a"], routes: [] }] }), get("b", "/"));
    expect(noVh.outcome).toEqual({ status: 404, responseFlag: "NR", summary: '404 NR: no virtual host has a domain matching "b"' });
    const noRoute = explainRouteConfig(API, get("else.org", "/missing"));
    expect(noRoute.route).toBeNull();
    expect(noRoute.outcome).toMatchObject({ status: 404, responseFlag: "NR" });
    expect(noRoute.skipped).toEqual([{ index: 0, name: null, match: 'path "/"', conditions: [], reasons: [{ kind: "path", message: 'path "/missing" is not "/"' }] }]);
  });

  it("agrees with the router's own scan on a virtual host large enough to be indexed", () => {
    const routes = [];
    for (let i = 0; i < 40; i++) {
      routes.push({ match: { prefix: `/svc${i % 7}/`, ...(i % 3 === 0 ? { headers: [{ name: "x-t", string_match: { exact: `t${i % 5}` } }] } : {}) }, route: { cluster: `c${i}` } });
      if (i % 9 === 0) routes.push({ match: { path: `/svc${i % 7}/exact`, case_sensitive: false }, route: { cluster: `e${i}` } });
    }
    const config = rc({ virtual_hosts: [{ name: "big", domains: ["*"], routes }] });
    const table = new RouteTable(config);
    for (const path of ["/svc1/a", "/svc0/exact", "/SVC0/EXACT", "/svc6/", "/none"]) {
      for (const t of [null, "t0", "t3"]) {
        const headers = t === null ? [] : [{ name: "x-t", value: t }];
        const e = explainRouteConfig(config, get("h", path, { headers }));
        const m = new MatchInput(path, [...headers.flatMap((h) => [h.name, h.value]), "x-forwarded-proto", "http"], "GET", "h");
        const scan = table.findVirtualHost("h")!.routes.find((r) => matchRoute(r, m)) ?? null;
        expect(e.route?.index ?? null).toBe(scan?.index ?? null);
        for (const s of e.skipped) expect(s.reasons.length).toBeGreaterThan(0);
      }
    }
  });
});

describe("explain: what the route does", () => {
  const ACTIONS = rc({
    virtual_hosts: [
      {
        name: "a",
        domains: ["*"],
        routes: [
          { match: { prefix: "/split" }, route: { weighted_clusters: { clusters: [{ name: "blue", weight: 1 }, { name: "green", weight: 3 }] } } },
          { match: { prefix: "/old" }, redirect: { host_redirect: "new.example.com", prefix_rewrite: "/new", response_code: "PERMANENT_REDIRECT" } },
          { match: { prefix: "/teapot" }, direct_response: { status: 418, body: { inline_string: "short and stout" } } },
          { match: { prefix: "/file" }, direct_response: { status: 503, body: { filename: "/nonexistent/maintenance.html" } } },
          { match: { prefix: "/by-header" }, route: { cluster_header: "x-cluster" } },
        ],
      },
    ],
  });

  it("weighted clusters: each cluster's probability is its weight over the sum, and a random value picks one", () => {
    const e = explainRouteConfig(ACTIONS, get("h", "/split"));
    expect(e.action).toEqual({
      kind: "weighted_clusters",
      totalWeight: 4,
      clusters: [
        { name: "blue", weight: 1, probability: 0.25, known: null },
        { name: "green", weight: 3, probability: 0.75, known: null },
      ],
      picked: null,
    });
    // Envoy's pickWeightedCluster: random % 4 in [0,1) → blue, [1,4) → green
    expect(explainRouteConfig(ACTIONS, get("h", "/split", { randomValue: 4 })).upstream?.cluster).toBe("blue");
    expect(explainRouteConfig(ACTIONS, get("h", "/split", { randomValue: 6 })).upstream?.cluster).toBe("green");
  });

  it("a redirect's target URL, and a direct response's status and body size (a body file is named, not read)", () => {
    const r = explainRouteConfig(ACTIONS, get("h:8080", "/old/page?q=1"));
    expect(r.action).toEqual({ kind: "redirect", status: 308, location: "http://new.example.com/new/page?q=1" });
    expect(r.outcome).toMatchObject({ status: 308, summary: "308 redirect to http://new.example.com/new/page?q=1" });
    expect(explainRouteConfig(ACTIONS, get("h", "/teapot")).action).toEqual({ kind: "direct_response", status: 418, bodyBytes: 15, bodyFile: null });
    const f = explainRouteConfig(ACTIONS, get("h", "/file"));
    expect(f.action).toEqual({ kind: "direct_response", status: 503, bodyBytes: null, bodyFile: "/nonexistent/maintenance.html" });
  });

  it("cluster_header: the cluster the request names, or a 503 NC without the header", () => {
    const known = new Set(["blue"]);
    expect(explainRouteConfig(ACTIONS, get("h", "/by-header", { headers: [{ name: "X-Cluster", value: "blue" }] }), { clusters: known }).action).toEqual({ kind: "cluster_header", header: "x-cluster", cluster: "blue", known: true });
    expect(explainRouteConfig(ACTIONS, get("h", "/by-header", { headers: [{ name: "x-cluster", value: "nope" }] }), { clusters: known }).outcome).toMatchObject({ status: 503, responseFlag: "NC" });
    expect(explainRouteConfig(ACTIONS, get("h", "/by-header")).outcome).toEqual({ status: 503, responseFlag: "NC", summary: "503 NC: the request has no x-cluster header to name a cluster" });
  });

  it("require_tls: a 301 to https before any route, every route skipped for it; EXTERNAL_ONLY spares internal requests", () => {
    const config = rc({ virtual_hosts: [{ name: "secure", domains: ["*"], require_tls: "EXTERNAL_ONLY", routes: [{ match: { prefix: "/" }, route: { cluster: "app" } }] }] });
    const e = explainRouteConfig(config, get("shop.example.com", "/cart?x=1"));
    expect(e.action).toEqual({ kind: "tls_redirect", status: 301, location: "https://shop.example.com/cart?x=1" });
    expect(e.route).toBeNull();
    expect(kinds(e)).toEqual([["tls"]]);
    expect(e.outcome.status).toBe(301);
    expect(explainRouteConfig(config, get("shop.example.com", "/cart", { tls: true })).route?.index).toBe(0);
    expect(explainRouteConfig(config, get("shop.example.com", "/cart", { internal: true })).route?.index).toBe(0);
  });
});

describe("explain: HTTP filters", () => {
  const FILTER = (name: string, type: string, config: Record<string, unknown> = {}) => ({ name, typed_config: { "@type": `type.googleapis.com/${type}`, ...config } });
  const hcm = (routes: unknown[], vhExtra: Record<string, unknown> = {}) => ({
    "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
    stat_prefix: "ingress",
    route_config: { virtual_hosts: [{ name: "app", domains: ["*"], routes, ...vhExtra }] },
    http_filters: [
      FILTER("envoy.filters.http.ext_authz", "envoy.extensions.filters.http.ext_authz.v3.ExtAuthz", { transport_api_version: "V3", grpc_service: { envoy_grpc: { cluster_name: "authz" } } }),
      FILTER("envoy.filters.http.local_ratelimit", "envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit", { stat_prefix: "rl", token_bucket: { max_tokens: 100, tokens_per_fill: 10, fill_interval: "1s" }, filter_enabled: { default_value: { numerator: 100 } }, filter_enforced: { default_value: { numerator: 100 } } }),
      FILTER("envoy.filters.http.cors", "envoy.extensions.filters.http.cors.v3.Cors"),
      FILTER("envoy.filters.http.fault", "envoy.extensions.filters.http.fault.v3.HTTPFault", { abort: { http_status: 503, percentage: { numerator: 5 } }, delay: { fixed_delay: "2s", percentage: { numerator: 50 } } }),
      { name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } },
    ],
  });
  const snapshot = (h: unknown) => {
    const v = validateResources({
      listeners: [{ name: "web", address: { socket_address: { address: "127.0.0.1", port_value: 8080 } }, filter_chains: [{ filters: [{ name: "envoy.filters.network.http_connection_manager", typed_config: h }] }] }],
      clusters: ["app", "authz", "public"].map((name) => ({ name, connect_timeout: "1s", type: "STATIC", load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: 9 } } } }] }] } })),
    });
    if (!v.ok) throw new Error(JSON.stringify(v.errors));
    return v.value;
  };
  const DISABLED = { "@type": "type.googleapis.com/envoy.config.route.v3.FilterConfig", disabled: true };
  const s = snapshot(
    hcm(
      [
        { match: { prefix: "/public" }, route: { cluster: "public" }, typed_per_filter_config: { "envoy.filters.http.ext_authz": DISABLED, "envoy.filters.http.fault": DISABLED } },
        {
          match: { prefix: "/limited" },
          route: { cluster: "app" },
          typed_per_filter_config: {
            "envoy.filters.http.local_ratelimit": { "@type": "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit", stat_prefix: "limited", token_bucket: { max_tokens: 5, fill_interval: "60s" }, filter_enabled: { default_value: { numerator: 100 } }, filter_enforced: { default_value: { numerator: 100 } } },
          },
        },
        { match: { prefix: "/" }, route: { cluster: "app" } },
      ],
      { typed_per_filter_config: { "envoy.filters.http.cors": { "@type": "type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy", allow_origin_string_match: [{ exact: "https://app.example.com" }] } } },
    ),
  );
  const byName = (e: Explanation) => Object.fromEntries(e.filters.map((f) => [f.filter.replace("envoy.filters.http.", ""), f]));

  it("a filter disabled on the route says so, and where", () => {
    const f = byName(explainSnapshot(s, get("h", "/public")));
    expect(f.ext_authz).toMatchObject({ effect: "disabled", configFrom: "route" });
    expect(f.fault).toMatchObject({ effect: "disabled", configFrom: "route" });
    expect(f.local_ratelimit).toMatchObject({ effect: "acts", configFrom: "filter" });
  });

  it("ext_authz names its service; local_ratelimit its bucket, the route's own when it has one; fault its percentages", () => {
    const root = byName(explainSnapshot(s, get("h", "/")));
    expect(root.ext_authz).toMatchObject({ effect: "acts" });
    expect(root.ext_authz.summary).toContain("gRPC service on cluster authz");
    expect(root.local_ratelimit.summary).toBe("takes a token from the bucket (100 tokens, 10 added every 1s); without one: 429");
    expect(root.fault).toMatchObject({ effect: "acts", summary: "delays 50% of requests by 2s; aborts 5% of requests with 503" });
    const limited = byName(explainSnapshot(s, get("h", "/limited")));
    expect(limited.local_ratelimit).toMatchObject({ effect: "acts", configFrom: "route" });
    expect(limited.local_ratelimit.summary).toContain("5 tokens, 1 added every 60s");
  });

  it("cors: the virtual host's policy, and whether this request's origin is allowed", () => {
    const allowed = byName(explainSnapshot(s, get("h", "/", { headers: [{ name: "origin", value: "https://app.example.com" }] })));
    expect(allowed.cors).toMatchObject({ effect: "acts", configFrom: "virtual_host" });
    expect(allowed.cors.summary).toContain("is allowed");
    const other = byName(explainSnapshot(s, get("h", "/", { headers: [{ name: "origin", value: "https://evil.example" }] })));
    expect(other.cors.summary).toContain("is not allowed");
    expect(byName(explainSnapshot(s, get("h", "/"))).cors.effect).toBe("skipped");
  });

  it("picks the listener by name or port, and says so when none is HTTP", () => {
    expect(explainSnapshot(s, get("h", "/"), { listener: "8080" }).listener).toEqual({ name: "web", address: "127.0.0.1:8080", filterChain: "filter_chains[0]" });
    expect(explainSnapshot(s, get("h", "/"), { listener: "web" }).route?.index).toBe(2);
    expect(explainSnapshot(s, get("h", "/"), { listener: "nope" }).outcome.summary).toBe('no listener is named "nope" or bound to it');
  });
});
