// Routing end to end (Envoy docs: HTTP routing, intro/arch_overview/http/http_routing; RouteAction and
// RedirectAction in config/route/v3/route_components.proto): direct responses, redirects, rewrites, header mutations
// at every level, weighted clusters, header matchers and hash_policy, through a real proxy to real node:http upstreams.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { cluster, listener, request, startProxy, startUpstream, type Harness, type Upstream } from "./harness";
import type { Listener, Route, RouteConfiguration } from "../../src/config/schema";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
/** An upstream that echoes what it received: method, url and headers as JSON. */
async function echo(name = "u"): Promise<Upstream> {
  const u = await startUpstream((req, res) => {
    res.setHeader("x-upstream", name);
    res.setHeader("x-from-upstream", "up");
    res.end(JSON.stringify({ name, url: req.url, headers: req.headers, raw: req.rawHeaders }));
  });
  cleanups.push(() => u.close());
  return u;
}
async function proxy(...args: Parameters<typeof startProxy>): Promise<Harness> {
  const h = await startProxy(...args);
  cleanups.push(() => h.close());
  return h;
}
/** A listener whose route_config gets `extra` (route-configuration and virtual-host level fields). */
function listenerWith(routes: Route[], extra: { config?: Partial<RouteConfiguration>; vhost?: Record<string, unknown> } = {}): Listener {
  const l = listener("l", routes);
  const hcm = l.filter_chains[0].filters[0].typed_config as { route_config: RouteConfiguration };
  Object.assign(hcm.route_config, extra.config ?? {});
  Object.assign(hcm.route_config.virtual_hosts![0], extra.vhost ?? {});
  return l;
}

describe("direct_response and redirect", () => {
  it("direct_response inline and from a file, with route response_headers_to_add; no upstream", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sb-direct-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(path.join(dir, "body.txt"), "from file");
    const h = await proxy(
      [
        listenerWith([
          { match: { path: "/ok" }, direct_response: { status: 200, body: { inline_string: "ok" } }, response_headers_to_add: [{ header: { key: "x-route", value: "r1" } }] },
          { match: { path: "/file" }, direct_response: { status: 503, body: { filename: path.join(dir, "body.txt") } } },
        ]),
      ],
      [],
    );
    const r = await request(h.port, "/ok");
    expect(r.status).toBe(200);
    expect(r.body).toBe("ok");
    expect(r.headers["content-length"]).toBe("2");
    expect(r.headers["content-type"]).toBe("text/plain");
    expect(r.headers["x-route"]).toBe("r1");
    expect(r.headers["x-envoy-upstream-service-time"]).toBeUndefined();
    const f = await request(h.port, "/file");
    expect([f.status, f.body]).toEqual([503, "from file"]);
    expect(await h.stat("http.ingress_http.rq_direct_response")).toBe(2);
  });

  it("https_redirect → 301 with location, empty body, rq_redirect; other codes and fields", async () => {
    const h = await proxy(
      [
        listenerWith([
          { match: { prefix: "/old/" }, redirect: { prefix_rewrite: "/new/", response_code: "TEMPORARY_REDIRECT" } },
          { match: { prefix: "/moved" }, redirect: { host_redirect: "example.com", path_redirect: "/there", strip_query: true, response_code: "PERMANENT_REDIRECT" } },
          { match: { prefix: "/" }, redirect: { https_redirect: true } },
        ]),
      ],
      [],
    );
    const r = await request(h.port, "/p?q=1", { headers: { host: "h" } });
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe("https://h/p?q=1");
    expect(r.body).toBe("");
    expect(r.headers["content-length"]).toBe("0");
    expect(r.headers.server).toBe("envoy");
    const t = await request(h.port, "/old/a?x=1", { headers: { host: "h:8080" } });
    expect([t.status, t.headers.location]).toEqual([307, "http://h:8080/new/a?x=1"]);
    const m = await request(h.port, "/moved?x=1", { headers: { host: "h" } });
    expect([m.status, m.headers.location]).toEqual([308, "http://example.com/there"]);
    expect(await h.stat("http.ingress_http.rq_redirect")).toBe(3);
    expect(await h.stat("http.ingress_http.downstream_rq_3xx")).toBe(3);
  });
});

describe("rewrites", () => {
  it("prefix_rewrite sends the rewritten path and x-envoy-original-path; the query is kept", async () => {
    const u = await echo();
    const h = await proxy([listenerWith([{ match: { prefix: "/service/1/" }, route: { cluster: "svc", prefix_rewrite: "/" } }])], [cluster("svc", [u.port])]);
    const seen = JSON.parse((await request(h.port, "/service/1/abc?x=1")).body);
    expect(seen.url).toBe("/abc?x=1");
    expect(seen.headers["x-envoy-original-path"]).toBe("/service/1/abc?x=1");
  });

  it("regex_rewrite substitutes on the path without the query, which is kept; host_rewrite_literal", async () => {
    // Envoy applies regex_rewrite to the path without its query and appends the query again
    // (RouteEntryImplBase::currentUrlPathAfterRewriteWithMatchedPath, source/common/router/config_impl.cc)
    const u = await echo();
    const h = await proxy(
      [listenerWith([{ match: { prefix: "/svc/" }, route: { cluster: "svc", regex_rewrite: { pattern: { regex: "^/svc/([^/]+)/(.*)$" }, substitution: "/\\2/instance/\\1" }, host_rewrite_literal: "upstream.internal" } }])],
      [cluster("svc", [u.port])],
    );
    const seen = JSON.parse((await request(h.port, "/svc/a1/b/c?k=v")).body);
    expect(seen.url).toBe("/b/c/instance/a1?k=v");
    expect(seen.headers.host).toBe("upstream.internal");
    expect(seen.headers["x-envoy-original-path"]).toBe("/svc/a1/b/c?k=v");
  });

  it("no rewrite: no x-envoy-original-path", async () => {
    const u = await echo();
    const h = await proxy([listenerWith([{ match: { prefix: "/" }, route: { cluster: "svc" } }])], [cluster("svc", [u.port])]);
    expect(JSON.parse((await request(h.port, "/x")).body).headers["x-envoy-original-path"]).toBeUndefined();
  });
});

// Envoy docs: Custom request/response headers (configuration/http/http_conn_man/headers)
describe("header mutations", () => {
  it("route → virtual host → route configuration, outermost applied last; remove; format operators; responses too", async () => {
    const u = await echo("u1");
    const h = await proxy(
      [
        listenerWith(
          [
            {
              match: { prefix: "/" },
              route: { cluster: "svc" },
              request_headers_to_add: [
                { header: { key: "x-level", value: "route" }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" },
                { header: { key: "x-trace", value: "%REQ(x-b3-traceid)%" } },
                { header: { key: "x-peer", value: "%DOWNSTREAM_REMOTE_ADDRESS%" } },
                { header: { key: "x-up", value: "%UPSTREAM_HOST%" } },
                { header: { key: "x-client", value: "route" }, append_action: "ADD_IF_ABSENT" },
              ],
              request_headers_to_remove: ["x-internal"],
              response_headers_to_add: [{ header: { key: "x-resp", value: "route" } }],
              response_headers_to_remove: ["x-from-upstream"],
            },
          ],
          {
            vhost: { request_headers_to_add: [{ header: { key: "x-level", value: "vhost" }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" }], response_headers_to_add: [{ header: { key: "x-resp", value: "vhost" } }] },
            config: {
              request_headers_to_add: [{ header: { key: "x-level", value: "global" }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" }],
              response_headers_to_add: [{ header: { key: "x-resp-global", value: "g" }, append_action: "OVERWRITE_IF_EXISTS" }],
            },
          },
        ),
      ],
      [cluster("svc", [u.port])],
    );
    const r = await request(h.port, "/", { headers: { "x-b3-traceid": "t1", "x-internal": "secret", "x-client": "mine" } });
    const seen = JSON.parse(r.body);
    expect(seen.headers["x-level"]).toBe("global");
    expect(seen.headers["x-trace"]).toBe("t1");
    expect(seen.headers["x-peer"]).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(seen.headers["x-up"]).toBe(`127.0.0.1:${u.port}`);
    expect(seen.headers["x-client"]).toBe("mine");
    expect(seen.headers["x-internal"]).toBeUndefined();
    expect(r.headers["x-resp"]).toBe("route, vhost");
    expect(r.headers["x-resp-global"]).toBeUndefined(); // OVERWRITE_IF_EXISTS on an absent header adds nothing
    expect(r.headers["x-from-upstream"]).toBeUndefined();
    expect(r.headers["x-upstream"]).toBe("u1");
  });

  it("refuses unsupported format operators and pseudo-header mutations at validation", async () => {
    const { validateResources } = await import("../../src/config/validate");
    const bad = validateResources({
      listeners: [listenerWith([{ match: { prefix: "/" }, direct_response: { status: 200 }, request_headers_to_add: [{ header: { key: "x", value: "%START_TIME%" } }, { header: { key: ":path", value: "/" } }] }])],
      clusters: [],
    });
    expect(bad.ok).toBe(false);
    const msgs = bad.ok ? "" : bad.errors.map((e) => `${e.path}: ${e.message}`).join("\n");
    expect(msgs).toMatch(/request_headers_to_add\[0\]\.header\.value: format operator %START_TIME% is not supported/);
    expect(msgs).toMatch(/request_headers_to_add\[1\]\.header\.key: pseudo-headers and host cannot be modified/);
  });
});

describe("weighted clusters and matchers", () => {
  it("weighted clusters: a 90/10 split over 2,000 requests stays within ±4σ; per-cluster headers and host rewrite", async () => {
    const v1 = await echo("v1");
    const v2 = await echo("v2");
    const h = await proxy(
      [
        listenerWith([
          {
            match: { prefix: "/" },
            route: {
              weighted_clusters: {
                clusters: [
                  { name: "v1", weight: 90 },
                  { name: "v2", weight: 10, request_headers_to_add: [{ header: { key: "x-canary", value: "yes" } }], host_rewrite_literal: "v2.internal" },
                ],
              },
            },
          },
        ]),
      ],
      [cluster("v1", [v1.port]), cluster("v2", [v2.port])],
    );
    const n = 2000;
    let c2 = 0;
    const agent = new (await import("node:http")).Agent({ keepAlive: true, maxSockets: 8 });
    cleanups.push(() => agent.destroy());
    for (let i = 0; i < n; i += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, () => request(h.port, "/", { agent })));
      for (const r of batch) {
        const seen = JSON.parse(r.body);
        if (seen.name === "v2") {
          c2++;
          expect(seen.headers["x-canary"]).toBe("yes");
          expect(seen.headers.host).toBe("v2.internal");
        } else expect(seen.headers["x-canary"]).toBeUndefined();
      }
    }
    // σ = sqrt(n·p·(1−p)) ≈ 13.4
    expect(Math.abs(c2 - 200)).toBeLessThan(54);
    expect(await h.stat("cluster.v2.upstream_rq_total")).toBe(c2);
    expect(await h.stat("cluster.v1.upstream_rq_total")).toBe(n - c2);
  });

  it("header and query matchers pick the route; first match wins", async () => {
    const stable = await echo("stable");
    const canary = await echo("canary");
    const h = await proxy(
      [
        listenerWith([
          { match: { prefix: "/", headers: [{ name: "x-env", string_match: { exact: "canary" } }] }, route: { cluster: "canary" } },
          { match: { prefix: "/", query_parameters: [{ name: "canary", present_match: true }] }, route: { cluster: "canary" } },
          { match: { safe_regex: { regex: "/item/[0-9]+" } }, direct_response: { status: 200, body: { inline_string: "item" } } },
          { match: { prefix: "/" }, route: { cluster: "stable" } },
        ]),
      ],
      [cluster("stable", [stable.port]), cluster("canary", [canary.port])],
    );
    expect(JSON.parse((await request(h.port, "/a", { headers: { "x-env": "canary" } })).body).name).toBe("canary");
    expect(JSON.parse((await request(h.port, "/a?canary")).body).name).toBe("canary");
    expect(JSON.parse((await request(h.port, "/a", { headers: { "x-env": "prod" } })).body).name).toBe("stable");
    expect((await request(h.port, "/item/42?x")).body).toBe("item");
    expect(JSON.parse((await request(h.port, "/item/42/x")).body).name).toBe("stable");
  });
});

describe("hash_policy", () => {
  it("a header hash pins a user to one RING_HASH host; source_ip is used when the header is absent", async () => {
    const ups = [await echo("a"), await echo("b"), await echo("c")];
    const h = await proxy(
      [listenerWith([{ match: { prefix: "/" }, route: { cluster: "svc", hash_policy: [{ header: { header_name: "x-user" }, terminal: true }, { connection_properties: { source_ip: true } }] } }])],
      [cluster("svc", ups.map((u) => u.port), { lb_policy: "RING_HASH" })],
    );
    const hostOf = async (headers: Record<string, string>) => JSON.parse((await request(h.port, "/", { headers })).body).name as string;
    const perUser = new Map<string, Set<string>>();
    for (let u = 0; u < 12; u++)
      for (let i = 0; i < 4; i++) {
        const user = `user-${u}`;
        const set = perUser.get(user) ?? new Set();
        set.add(await hostOf({ "x-user": user }));
        perUser.set(user, set);
      }
    for (const set of perUser.values()) expect(set.size).toBe(1);
    // 12 users over 3 hosts: more than one host is used
    expect(new Set([...perUser.values()].map((s) => [...s][0])).size).toBeGreaterThan(1);
    const bySource = new Set<string>();
    for (let i = 0; i < 6; i++) bySource.add(await hostOf({}));
    expect(bySource.size).toBe(1);
  });
});
