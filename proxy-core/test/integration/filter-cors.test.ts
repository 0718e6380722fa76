// envoy.filters.http.cors on the chain: preflights answered locally with Envoy's header set, simple requests
// marked on the way back, the policy merged from the virtual host and the route, shadow mode, forwarded and
// refused preflights from unknown origins, routes the filter stands aside for, and the origin_valid /
// origin_invalid stats.
import { afterEach, describe, expect, it } from "vitest";
import { validateResources } from "../../src/config";
import { cluster, listener, request, startProxy, startUpstream, withHttpFilters, type Harness, type Upstream } from "./harness";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const CORS = "type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors";
const POLICY = "type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy";
const FILTER_CONFIG = "type.googleapis.com/envoy.config.route.v3.FilterConfig";
const APP = "https://app.example";

const vhostPolicy = {
  "@type": POLICY,
  allow_origin_string_match: [{ exact: APP }, { suffix: ".trusted.example" }],
  allow_methods: "GET, POST",
  allow_headers: "content-type, x-token",
  expose_headers: "x-trace",
  max_age: "600",
  allow_credentials: true,
};

async function corsProxy(): Promise<{ h: Harness; u: Upstream }> {
  const u = await startUpstream((req, res) => {
    // an upstream that answers CORS itself: the filter's values win
    res.setHeader("access-control-allow-origin", "https://upstream.example");
    res.end(`upstream ${req.method} ${req.url}`);
  });
  cleanups.push(() => u.close());
  const perRoute = (p: { "@type": string; [k: string]: unknown }) => ({ typed_per_filter_config: { "envoy.filters.http.cors": p } });
  const routes = [
    { match: { prefix: "/methods" }, route: { cluster: "c" }, ...perRoute({ "@type": POLICY, allow_methods: "PUT", allow_headers: "*" }) },
    { match: { prefix: "/echo" }, route: { cluster: "c" }, ...perRoute({ "@type": POLICY, allow_methods: "*" }) },
    { match: { prefix: "/shadow" }, route: { cluster: "c" }, ...perRoute({ "@type": POLICY, filter_enabled: { default_value: { numerator: 0 } }, shadow_enabled: { default_value: { numerator: 100 } } }) },
    { match: { prefix: "/strict" }, route: { cluster: "c" }, ...perRoute({ "@type": POLICY, forward_not_matching_preflights: false }) },
    { match: { prefix: "/off" }, route: { cluster: "c" }, ...perRoute({ "@type": FILTER_CONFIG, disabled: true }) },
    { match: { prefix: "/direct" }, direct_response: { status: 200, body: { inline_string: "direct" } } },
    { match: { prefix: "/" }, route: { cluster: "c" } },
  ];
  const l = withHttpFilters(listener("l", routes), [{ name: "envoy.filters.http.cors", typed_config: { "@type": CORS } }]);
  const vh = (l.filter_chains[0].filters[0].typed_config as { route_config: { virtual_hosts: Record<string, unknown>[] } }).route_config.virtual_hosts[0];
  vh.typed_per_filter_config = { "envoy.filters.http.cors": vhostPolicy };
  const h = await startProxy([l], [cluster("c", [u.port])]);
  cleanups.push(() => h.close());
  return { h, u };
}

const preflight = (origin: string, extra: Record<string, string> = {}) => ({ method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", ...extra } });
const corsHeaders = (headers: Record<string, unknown>) => Object.fromEntries(Object.entries(headers).filter(([k]) => k.startsWith("access-control-")));

describe("CORS filter", () => {
  it("answers a preflight from an allowed origin with 200 and Envoy's header set, without the upstream", async () => {
    const { h, u } = await corsProxy();
    const r = await request(h.port, "/any", preflight(APP));
    expect(r.status).toBe(200);
    expect(corsHeaders(r.headers)).toEqual({
      "access-control-allow-origin": APP,
      "access-control-allow-credentials": "true",
      "access-control-allow-methods": "GET, POST",
      "access-control-allow-headers": "content-type, x-token",
      "access-control-max-age": "600",
      // the filter's encoder marks its own preflight answer too
      "access-control-expose-headers": "x-trace",
    });
    expect(r.body).toBe("");
    expect(r.headers["content-length"]).toBe("0");
    expect(r.headers["content-type"]).toBeUndefined();
    expect(r.headers.server).toBe("envoy");
    expect(u.seen).toHaveLength(0);
    expect(await h.stat("http.ingress_http.cors.origin_valid")).toBe(1);
    expect(await h.stat("http.ingress_http.downstream_rq_2xx")).toBe(1);
  });

  it("marks a simple request's response: the request's origin (over the upstream's), credentials, exposed headers", async () => {
    const { h, u } = await corsProxy();
    const r = await request(h.port, "/data", { headers: { origin: "https://x.trusted.example" } });
    expect(r.body).toBe("upstream GET /data");
    expect(corsHeaders(r.headers)).toEqual({ "access-control-allow-origin": "https://x.trusted.example", "access-control-allow-credentials": "true", "access-control-expose-headers": "x-trace" });
    expect(u.seen[0].headers.origin).toBe("https://x.trusted.example");
  });

  it("leaves requests without an Origin alone, uncounted", async () => {
    const { h } = await corsProxy();
    const r = await request(h.port, "/data");
    expect(corsHeaders(r.headers)).toEqual({ "access-control-allow-origin": "https://upstream.example" });
    expect(await h.stat("http.ingress_http.cors.origin_valid")).toBe(0);
    expect(await h.stat("http.ingress_http.cors.origin_invalid")).toBe(0);
  });

  it("a disallowed origin: counted invalid, its response unmarked, its preflight forwarded upstream by default", async () => {
    const { h, u } = await corsProxy();
    const simple = await request(h.port, "/data", { headers: { origin: "https://evil.example" } });
    expect(simple.headers["access-control-allow-origin"]).toBe("https://upstream.example");
    expect(simple.headers["access-control-allow-credentials"]).toBeUndefined();
    const pre = await request(h.port, "/data", preflight("https://evil.example"));
    expect(pre.body).toBe("upstream OPTIONS /data");
    expect(u.seen).toHaveLength(2);
    expect(await h.stat("http.ingress_http.cors.origin_invalid")).toBe(2);
  });

  it("forward_not_matching_preflights: false answers such a preflight locally, without allow-origin", async () => {
    const { h, u } = await corsProxy();
    const r = await request(h.port, "/strict", preflight("https://evil.example"));
    expect(r.status).toBe(200);
    expect(r.headers["access-control-allow-origin"]).toBeUndefined();
    expect(r.headers["access-control-allow-methods"]).toBe("GET, POST");
    expect(u.seen).toHaveLength(0);
  });

  it("per route: the route's fields replace the virtual host's one by one; '*' echoes the request's method and headers", async () => {
    const { h } = await corsProxy();
    const r = await request(h.port, "/methods", preflight(APP, { "access-control-request-headers": "x-a, x-b" }));
    expect(corsHeaders(r.headers)).toMatchObject({ "access-control-allow-origin": APP, "access-control-allow-methods": "PUT", "access-control-allow-headers": "x-a, x-b", "access-control-max-age": "600" });
    const echo = await request(h.port, "/echo", { method: "OPTIONS", headers: { origin: APP, "access-control-request-method": "DELETE" } });
    expect(echo.headers["access-control-allow-methods"]).toBe("DELETE");
  });

  it("an OPTIONS request without Access-Control-Request-Method is not a preflight: it goes upstream", async () => {
    const { h } = await corsProxy();
    const r = await request(h.port, "/data", { method: "OPTIONS", headers: { origin: APP } });
    expect(r.body).toBe("upstream OPTIONS /data");
    expect(r.headers["access-control-allow-origin"]).toBe(APP);
  });

  it("shadow mode counts origins but enforces nothing", async () => {
    const { h } = await corsProxy();
    const r = await request(h.port, "/shadow", preflight(APP));
    expect(r.body).toBe("upstream OPTIONS /shadow");
    expect(r.headers["access-control-allow-origin"]).toBe("https://upstream.example");
    await request(h.port, "/shadow", { headers: { origin: "https://evil.example" } });
    expect(await h.stat("http.ingress_http.cors.origin_valid")).toBe(1);
    expect(await h.stat("http.ingress_http.cors.origin_invalid")).toBe(1);
  });

  it("stands aside where a FilterConfig disables it and on routes without a route entry (direct responses)", async () => {
    const { h } = await corsProxy();
    const off = await request(h.port, "/off", preflight(APP));
    expect(off.body).toBe("upstream OPTIONS /off");
    const direct = await request(h.port, "/direct", { headers: { origin: APP } });
    expect(direct.body).toBe("direct");
    expect(direct.headers["access-control-allow-origin"]).toBeUndefined();
    expect(await h.stat("http.ingress_http.cors.origin_valid")).toBe(0);
  });

  it("refuses CorsPolicy fields it does not know, with their path", () => {
    const l = withHttpFilters(listener("l", [{ match: { prefix: "/" }, route: { cluster: "c" }, typed_per_filter_config: { "envoy.filters.http.cors": { "@type": POLICY, allow_origin_regex: ["x"] } } }]), [
      { name: "envoy.filters.http.cors", typed_config: { "@type": CORS } },
    ]);
    const r = validateResources({ listeners: [l], clusters: [cluster("c", [1])] });
    expect(r.ok ? [] : r.errors.map((e) => e.path)).toEqual(['listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0].typed_per_filter_config["envoy.filters.http.cors"]']);
  });
});
