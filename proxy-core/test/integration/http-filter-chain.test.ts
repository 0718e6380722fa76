// The connection manager's HTTP filter chain (Envoy's FilterManager): filters identified by @type or by name,
// unknown ones refused by name (or skipped when is_optional), the router last, typed_per_filter_config checked
// per filter; and the buffer filter as the first real filter on the seam: it stops decoding, reads the body and
// continues, or answers 413, and can be disabled or given another limit per route. Also what every response now
// passes through: route header mutations over a local reply's own headers, and x-envoy-upstream-service-time
// set by this hop only.
import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { validateResources } from "../../src/config";
import { cluster, listener, request, startProxy, startUpstream, withHttpFilters, type Harness, type Upstream } from "./harness";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const BUFFER = "type.googleapis.com/envoy.extensions.filters.http.buffer.v3.Buffer";
const BUFFER_PER_ROUTE = "type.googleapis.com/envoy.extensions.filters.http.buffer.v3.BufferPerRoute";

async function echoUpstream(): Promise<Upstream & { bodies: { headers: http.IncomingHttpHeaders; body: string }[] }> {
  const bodies: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const u = await startUpstream((req, res) => {
    let b = "";
    req.on("data", (c) => (b += c));
    req.on("end", () => {
      bodies.push({ headers: req.headers, body: b });
      res.end(`got ${b.length}`);
    });
  });
  cleanups.push(() => u.close());
  return Object.assign(u, { bodies });
}

async function proxy(...args: Parameters<typeof startProxy>): Promise<Harness> {
  const h = await startProxy(...args);
  cleanups.push(() => h.close());
  return h;
}

function refusals(l: unknown): string[] {
  const r = validateResources({ listeners: [l], clusters: [cluster("c", [1])] });
  return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
}

describe("HTTP filter chain: what a config may list", () => {
  const l = (filters: Record<string, unknown>[], routeExtra: Record<string, unknown> = {}) =>
    withHttpFilters(listener("l", [{ match: { prefix: "/" }, route: { cluster: "c" }, ...routeExtra }]), filters);
  const hcm = "listeners[0].filter_chains[0].filters[0].typed_config";

  it("names an unsupported filter once, by its name and type", () => {
    expect(refusals(l([{ name: "envoy.filters.http.lua", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua", inline_code: "x" } }]))).toEqual([
      `${hcm}.http_filters[0]: envoy.filters.http.lua (envoy.extensions.filters.http.lua.v3.Lua) is not supported by Signalbox`,
    ]);
    expect(refusals(l([{ name: "envoy.filters.http.lua" }]))).toEqual([`${hcm}.http_filters[0]: envoy.filters.http.lua is not supported by Signalbox`]);
  });

  it("skips an unknown filter marked is_optional, as Envoy does", () => {
    expect(refusals(l([{ name: "envoy.filters.http.lua", is_optional: true }]))).toEqual([]);
  });

  it("finds a filter by name when it has no typed_config, and checks its config", () => {
    // the buffer filter needs max_request_bytes: found by name, its (absent) config is checked
    expect(refusals(l([{ name: "envoy.filters.http.buffer" }]))).toEqual([expect.stringMatching(new RegExp(`^${hcm.replace(/[.[\]]/g, "\\$&")}\\.http_filters\\[0\\]\\.typed_config\\.max_request_bytes: `))]);
    expect(refusals(l([{ name: "envoy.filters.http.buffer", typed_config: { "@type": BUFFER, max_request_bytes: 0 } }]))).toEqual([`${hcm}.http_filters[0].typed_config.max_request_bytes: must be greater than 0`]);
  });

  it("wants the router last", () => {
    const routerFirst = withHttpFilters(listener("l", [{ match: { prefix: "/" }, route: { cluster: "c" } }]), []);
    const hc = routerFirst.filter_chains[0].filters[0].typed_config as { http_filters: Record<string, unknown>[] };
    hc.http_filters.push({ name: "envoy.filters.http.buffer", typed_config: { "@type": BUFFER, max_request_bytes: 10 } });
    expect(refusals(routerFirst)).toEqual([
      `${hcm}.http_filters[0]: envoy.filters.http.router is a terminal filter: it must be the last HTTP filter`,
      `${hcm}.http_filters[1]: the last HTTP filter must be the router (envoy.filters.http.router)`,
    ]);
  });

  it("checks typed_per_filter_config against each filter's per-route schema, and refuses unknown filters there by name", () => {
    const bad = l([], { typed_per_filter_config: { "envoy.filters.http.buffer": { "@type": BUFFER_PER_ROUTE } } });
    expect(refusals(bad)).toEqual([`${hcm}.route_config.virtual_hosts[0].routes[0].typed_per_filter_config["envoy.filters.http.buffer"]: exactly one of disabled or buffer is required`]);
    const unknown = l([], { typed_per_filter_config: { "envoy.filters.http.lua": { "@type": "type.googleapis.com/envoy.extensions.filters.http.lua.v3.LuaPerRoute" } } });
    expect(refusals(unknown)).toEqual([`${hcm}.route_config.virtual_hosts[0].routes[0].typed_per_filter_config["envoy.filters.http.lua"]: envoy.filters.http.lua is not supported by Signalbox`]);
  });
});

describe("buffer filter on the chain", () => {
  async function bufferProxy(u: Upstream) {
    const routes = [
      { match: { prefix: "/streamed" }, route: { cluster: "c" }, typed_per_filter_config: { "envoy.filters.http.buffer": { "@type": BUFFER_PER_ROUTE, disabled: true } } },
      { match: { prefix: "/tiny" }, route: { cluster: "c" }, typed_per_filter_config: { "envoy.filters.http.buffer": { "@type": BUFFER_PER_ROUTE, buffer: { max_request_bytes: 4 } } } },
      { match: { prefix: "/" }, route: { cluster: "c" } },
    ];
    const l = withHttpFilters(listener("l", routes), [{ name: "envoy.filters.http.buffer", typed_config: { "@type": BUFFER, max_request_bytes: { value: 1024 } } }]);
    return proxy([l], [cluster("c", [u.port])]);
  }

  it("sends the upstream the whole body at once, with a content-length a chunked request lacked", async () => {
    const u = await echoUpstream();
    const h = await bufferProxy(u);
    const r = await new Promise<string>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port: h.port, path: "/up", method: "POST", agent: false }, (res) => {
        let b = "";
        res.on("data", (c) => (b += c));
        res.on("end", () => resolve(b));
      });
      req.on("error", reject);
      req.write("hello ");
      setTimeout(() => req.end("world"), 50);
    });
    expect(r).toBe("got 11");
    expect(u.bodies[0].body).toBe("hello world");
    expect(u.bodies[0].headers["content-length"]).toBe("11");
    expect(u.bodies[0].headers["transfer-encoding"]).toBeUndefined();
  });

  it("answers 413 Payload Too Large past max_request_bytes, never reaching the upstream", async () => {
    const u = await echoUpstream();
    const h = await bufferProxy(u);
    const r = await request(h.port, "/big", { method: "POST", body: Buffer.alloc(2000, 1) });
    expect(r.status).toBe(413);
    expect(r.body).toBe("Payload Too Large");
    expect(r.headers["content-type"]).toBe("text/plain");
    expect(u.bodies).toHaveLength(0);
    expect(await h.stat("http.ingress_http.downstream_rq_too_large")).toBe(1);
    expect(await h.stat("http.ingress_http.downstream_rq_4xx")).toBe(1);
  });

  it("per route: disabled streams the body as it comes; another limit applies there", async () => {
    const u = await echoUpstream();
    const h = await bufferProxy(u);
    expect((await request(h.port, "/streamed", { method: "POST", body: Buffer.alloc(2000, 1) })).body).toBe("got 2000");
    expect((await request(h.port, "/tiny", { method: "POST", body: "12345" })).status).toBe(413);
    expect((await request(h.port, "/tiny", { method: "POST", body: "1234" })).body).toBe("got 4");
  });
});

describe("every response through the same writer", () => {
  it("a direct response's content-type is replaced by OVERWRITE_IF_EXISTS_OR_ADD, not doubled", async () => {
    const route = {
      match: { prefix: "/" },
      direct_response: { status: 200, body: { inline_string: "{}" } },
      response_headers_to_add: [{ header: { key: "content-type", value: "application/json" }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" }],
    };
    const h = await proxy([listener("l", [route])], []);
    const raw = await new Promise<string[]>((resolve, reject) => {
      http.get({ host: "127.0.0.1", port: h.port, path: "/", agent: false }, (res) => {
        res.resume();
        resolve(res.rawHeaders);
      }).on("error", reject);
    });
    const types = raw.filter((_, i) => i % 2 === 0 && raw[i].toLowerCase() === "content-type").length;
    expect(types).toBe(1);
    expect(raw[raw.findIndex((x) => x.toLowerCase() === "content-type") + 1]).toBe("application/json");
  });

  it("x-envoy-upstream-service-time is this hop's, not appended to an upstream Envoy's", async () => {
    const u = await startUpstream((_req, res) => {
      res.setHeader("x-envoy-upstream-service-time", "9999");
      res.end("ok");
    });
    cleanups.push(() => u.close());
    const h = await proxy([listener("l", [{ match: { prefix: "/" }, route: { cluster: "c" } }])], [cluster("c", [u.port])]);
    const r = await request(h.port, "/");
    expect(r.headers["x-envoy-upstream-service-time"]).toMatch(/^\d+$/);
    expect(r.headers["x-envoy-upstream-service-time"]).not.toBe("9999");
  });
});
