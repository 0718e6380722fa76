// Route features end to end (route_components.proto, router_filter.rst): virtual clusters and their stats and
// %VIRTUAL_CLUSTER_NAME%, cluster_header, require_tls, internal_only_headers, match.grpc, match.runtime_fraction
// driven through the admin's /runtime_modify, the :authority pseudo-header, and hash_policy on a RING_HASH
// cluster (generated cookies). A real proxy, real node:http upstreams. Request mirroring is route-mirror.test.ts.
import { afterEach, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type http from "node:http";
import { cluster, listener, request, startProxy, startUpstream, waitFor, type Harness, type Upstream } from "./harness";
import { FILE_ACCESS_LOG_TYPE, type Cluster, type Listener, type Route, type RouteConfiguration } from "../../src/config/schema";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Echoes what it received as JSON; `/slow` answers after 1 s, `/flaky` answers 503 to its first request. */
async function echo(name: string): Promise<Upstream> {
  let flaky = 0;
  const u = await startUpstream((req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = req.url ?? "/";
    const answer = () => res.end(JSON.stringify({ name, url, headers: req.headers }));
    if (url.startsWith("/slow")) return void setTimeout(answer, 1000);
    if (url.startsWith("/flaky") && flaky++ === 0) return void ((res.statusCode = 503), res.end("again"));
    if (url.startsWith("/created")) res.statusCode = 201;
    answer();
  });
  cleanups.push(() => u.close());
  return u;
}

async function proxy(listeners: Listener[], clusters: Cluster[]): Promise<Harness> {
  const h = await startProxy(listeners, clusters);
  cleanups.push(() => h.close());
  return h;
}

function listenerWith(routes: Route[], extra: { config?: Partial<RouteConfiguration>; vhost?: Record<string, unknown>; hcm?: Record<string, unknown> } = {}): Listener {
  const l = listener("l", routes);
  const hcm = l.filter_chains[0].filters[0].typed_config as { route_config: RouteConfiguration };
  Object.assign(hcm, extra.hcm ?? {});
  Object.assign(hcm.route_config, extra.config ?? {});
  Object.assign(hcm.route_config.virtual_hosts![0], extra.vhost ?? {});
  return l;
}

const body = (r: { body: string }) => JSON.parse(r.body) as { name: string; url: string; headers: Record<string, string> };

describe("virtual_clusters", () => {
  it("counts matching requests under vhost.<vh>.vcluster.<vc>., the rest under `other`, and logs %VIRTUAL_CLUSTER_NAME%", async () => {
    const u = await echo("u");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sb-vcluster-"));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const log = path.join(dir, "access.log");
    const h = await proxy(
      [
        listenerWith(
          [
            { match: { path: "/direct" }, direct_response: { status: 200 } },
            { match: { prefix: "/" }, route: { cluster: "c", timeout: "0.3s", retry_policy: { retry_on: "5xx", num_retries: 1 } } },
          ],
          {
            vhost: {
              virtual_clusters: [
                { name: "create", headers: [{ name: ":method", string_match: { exact: "POST" } }, { name: ":path", string_match: { prefix: "/created" } }] },
                { name: "flaky", headers: [{ name: ":path", string_match: { prefix: "/flaky" } }] },
                { name: "slow", headers: [{ name: ":path", string_match: { prefix: "/slow" } }] },
              ],
            },
            hcm: { access_log: [{ name: "envoy.access_loggers.file", typed_config: { "@type": FILE_ACCESS_LOG_TYPE, path: log, log_format: { text_format_source: { inline_string: "%REQ(:PATH)% %VIRTUAL_CLUSTER_NAME% %RESPONSE_CODE%\n" } } } }] },
          },
        ),
      ],
      [cluster("c", [u.port])],
    );
    expect((await request(h.port, "/created/1", { method: "POST", body: "x" })).status).toBe(201);
    expect((await request(h.port, "/created/2")).status).toBe(201); // GET: not `create`
    expect((await request(h.port, "/flaky")).status).toBe(200); // 503, retried, 200
    expect((await request(h.port, "/slow")).status).toBe(504);
    expect((await request(h.port, "/direct")).status).toBe(200); // a direct response counts in no virtual cluster

    const vc = (name: string) => h.stat(`vhost.all.vcluster.${name}`);
    expect([await vc("create.upstream_rq_201"), await vc("create.upstream_rq_2xx"), await vc("create.upstream_rq_total"), await vc("create.upstream_rq_completed")]).toEqual([1, 1, 1, 1]);
    expect([await vc("other.upstream_rq_201"), await vc("other.upstream_rq_total")]).toEqual([1, 1]);
    expect([await vc("flaky.upstream_rq_retry"), await vc("flaky.upstream_rq_retry_success"), await vc("flaky.upstream_rq_200"), await vc("flaky.upstream_rq_503"), await vc("flaky.upstream_rq_total")]).toEqual([1, 1, 1, undefined, 2]);
    expect([await vc("slow.upstream_rq_timeout"), await vc("slow.upstream_rq_504"), await vc("slow.upstream_rq_5xx")]).toEqual([1, 1, 1]);
    expect(await vc("slow.upstream_rq_retry_limit_exceeded")).toBe(0);
    // upstream_rq_time is a histogram of the virtual cluster too
    const stats = (await request(h.admin.port, "/stats?filter=vcluster\\.create\\.upstream_rq_time")).body;
    expect(stats).toMatch(/^vhost\.all\.vcluster\.create\.upstream_rq_time: P0\(/m);

    await waitFor(async () => {
      await h.proxy.accessLogs.flush();
      return fs.existsSync(log) && fs.readFileSync(log, "utf8").split("\n").length > 5;
    }, "5 access log lines");
    expect(fs.readFileSync(log, "utf8").split("\n").slice(0, 5)).toEqual(["/created/1 create 201", "/created/2 other 201", "/flaky flaky 200", "/slow slow 504", "/direct - 200"]);
  });

  it("a virtual cluster without headers is refused with Envoy's message", async () => {
    const h = await startProxy([], []);
    cleanups.push(() => h.close());
    const l = listenerWith([{ match: { prefix: "/" }, direct_response: { status: 200 } }], { vhost: { virtual_clusters: [{ name: "empty" }] } });
    await expect(h.proxy.apply({ listeners: [l], clusters: [] }, "v2")).rejects.toThrow(
      "listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].virtual_clusters[0].headers: virtual clusters must define 'headers'",
    );
  });
});

describe("cluster_header", () => {
  it("routes to the cluster the header names (first value), forwards the header; absent or unknown → 503 no_cluster", async () => {
    const a = await echo("a");
    const b = await echo("b");
    const h = await proxy([listenerWith([{ match: { prefix: "/" }, route: { cluster_header: "x-cluster" } }])], [cluster("a", [a.port]), cluster("b", [b.port])]);
    const r = await request(h.port, "/x", { headers: { "x-cluster": "b" } });
    expect(body(r).name).toBe("b");
    expect(body(r).headers["x-cluster"]).toBe("b");
    expect(body(await request(h.port, "/x", { headers: { "x-cluster": "a" } })).name).toBe("a");
    for (const headers of [{}, { "x-cluster": "nope" }] as Record<string, string>[]) {
      const miss = await request(h.port, "/x", { headers });
      expect([miss.status, miss.body, miss.headers["content-length"]]).toEqual([503, "", "0"]);
    }
    expect(await h.stat("http.ingress_http.no_cluster")).toBe(2);
  });
});

describe("require_tls and internal requests", () => {
  it("ALL: a request that is not https gets 301 to https://<host><path>; x-forwarded-proto: https passes", async () => {
    const u = await echo("u");
    const h = await proxy([listenerWith([{ match: { prefix: "/app" }, route: { cluster: "c" } }], { vhost: { require_tls: "ALL" } })], [cluster("c", [u.port])]);
    const r = await request(h.port, "/anything?q=1", { headers: { host: "shop.example:8080" } });
    expect([r.status, r.headers.location, r.body]).toEqual([301, "https://shop.example:8080/anything?q=1", ""]);
    // even an internal request is redirected under ALL
    expect((await request(h.port, "/app", { headers: { "x-forwarded-for": "10.0.0.1" } })).status).toBe(301);
    const ok = await request(h.port, "/app", { headers: { "x-forwarded-proto": "https" } });
    expect(ok.status).toBe(200);
    // an SslRedirectRoute is a direct response entry: router.cc counts rq_direct_response for it
    expect([await h.stat("http.ingress_http.rq_direct_response"), await h.stat("http.ingress_http.rq_redirect")]).toEqual([2, 0]);
  });

  it("EXTERNAL_ONLY: internal requests (one internal x-forwarded-for address) pass and carry x-envoy-internal; a client's own x-envoy-internal is dropped", async () => {
    const u = await echo("u");
    const h = await proxy([listenerWith([{ match: { prefix: "/" }, route: { cluster: "c" } }], { vhost: { require_tls: "EXTERNAL_ONLY" } })], [cluster("c", [u.port])]);
    // no x-forwarded-for: external, even from 127.0.0.1 (Envoy without use_remote_address)
    expect((await request(h.port, "/p")).status).toBe(301);
    for (const xff of ["10.1.2.3", "192.168.0.9", "172.20.0.1", "127.0.0.1", "fd00::1"]) {
      const r = await request(h.port, "/p", { headers: { "x-forwarded-for": xff } });
      expect(r.status, xff).toBe(200);
      expect(body(r).headers["x-envoy-internal"]).toBe("true");
    }
    for (const xff of ["8.8.8.8", "10.0.0.1, 10.0.0.2", "172.32.0.1"]) expect((await request(h.port, "/p", { headers: { "x-forwarded-for": xff } })).status, xff).toBe(301);
    expect((await request(h.port, "/p", { headers: { "x-envoy-internal": "true" } })).status).toBe(301);
    const https = await request(h.port, "/p", { headers: { "x-forwarded-proto": "https", "x-envoy-internal": "true" } });
    expect(https.status).toBe(200);
    expect(body(https).headers["x-envoy-internal"]).toBeUndefined();
  });

  it("internal_only_headers are removed from external requests, before route matching, and kept on internal ones", async () => {
    const u = await echo("u");
    const h = await proxy(
      [
        listenerWith(
          [
            { match: { prefix: "/", headers: [{ name: "x-debug-token", present_match: true }] }, direct_response: { status: 299 } },
            { match: { prefix: "/" }, route: { cluster: "c" } },
          ],
          { config: { internal_only_headers: ["X-Debug-Token", "x-tenant-override"] } },
        ),
      ],
      [cluster("c", [u.port])],
    );
    const ext = await request(h.port, "/p", { headers: { "x-debug-token": "t", "x-tenant-override": "x", "x-other": "kept" } });
    expect(ext.status).toBe(200);
    expect(body(ext).headers["x-debug-token"]).toBeUndefined();
    expect(body(ext).headers["x-tenant-override"]).toBeUndefined();
    expect(body(ext).headers["x-other"]).toBe("kept");
    const internal = await request(h.port, "/p", { headers: { "x-debug-token": "t", "x-forwarded-for": "10.9.9.9" } });
    expect(internal.status).toBe(299);
  });
});

describe("match.grpc, match.runtime_fraction, pseudo-headers", () => {
  it("grpc routes take application/grpc and application/grpc+proto requests only", async () => {
    const g = await echo("grpc");
    const web = await echo("web");
    const h = await proxy([listenerWith([{ match: { prefix: "/", grpc: {} }, route: { cluster: "g" } }, { match: { prefix: "/" }, route: { cluster: "w" } }])], [cluster("g", [g.port]), cluster("w", [web.port])]);
    const to = async (ct?: string) => body(await request(h.port, "/pkg.Svc/Call", { method: "POST", body: "", headers: ct ? { "content-type": ct } : {} })).name;
    expect([await to("application/grpc"), await to("application/grpc+proto"), await to("application/grpc-web"), await to("application/json"), await to()]).toEqual(["grpc", "grpc", "web", "web", "web"]);
  });

  it("runtime_fraction follows the runtime key set through POST /runtime_modify, and its default without one", async () => {
    const stable = await echo("stable");
    const canary = await echo("canary");
    const h = await proxy(
      [
        listenerWith([
          { match: { prefix: "/", runtime_fraction: { default_value: { numerator: 0 }, runtime_key: "routing.traffic_shift.canary" } }, route: { cluster: "canary" } },
          { match: { prefix: "/", headers: [{ name: ":authority", string_match: { exact: "half.example" } }], runtime_fraction: { default_value: { numerator: 50 } } }, route: { cluster: "canary" } },
          { match: { prefix: "/" }, route: { cluster: "stable" } },
        ]),
      ],
      [cluster("stable", [stable.port]), cluster("canary", [canary.port])],
    );
    h.proxy.loadRuntime([{ name: "static", static_layer: {} }, { name: "admin", admin_layer: {} }]);
    const names = async (n: number, host = "h") => {
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push(body(await request(h.port, "/", { headers: { host } })).name);
      return out;
    };
    expect(new Set(await names(20))).toEqual(new Set(["stable"]));
    const set = await request(h.admin.port, "/runtime_modify?routing.traffic_shift.canary=100", { method: "POST" });
    expect([set.status, set.body]).toEqual([200, "OK\n"]);
    expect(new Set(await names(20))).toEqual(new Set(["canary"]));
    await request(h.admin.port, "/runtime_modify?routing.traffic_shift.canary=", { method: "POST" });
    expect(new Set(await names(20))).toEqual(new Set(["stable"]));
    // the 50 % default on :authority half.example: 400 requests land within ±5σ (σ = 10)
    const half = (await names(400, "half.example")).filter((n) => n === "canary").length;
    expect(half).toBeGreaterThan(150);
    expect(half).toBeLessThan(250);
  });
});

describe("hash_policy on a RING_HASH cluster", () => {
  it("a cookie with a ttl is generated on the first response; requests carrying it stick to one host", async () => {
    const ups = await Promise.all([echo("h0"), echo("h1"), echo("h2")]);
    const h = await proxy(
      [listenerWith([{ match: { prefix: "/" }, route: { cluster: "ring", hash_policy: [{ cookie: { name: "sticky", ttl: "3600s", path: "/" } }] } }])],
      [cluster("ring", ups.map((u) => u.port), { lb_policy: "RING_HASH" }), cluster("rr", [ups[0].port])],
    );
    const first = await request(h.port, "/");
    const setCookie = first.headers["set-cookie"]?.[0] ?? "";
    expect(setCookie).toMatch(/^sticky="[0-9a-f]{16}"; Max-Age=3600; Path=\/; HttpOnly$/);
    const cookie = setCookie.split(";")[0];
    const hosts = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const r = await request(h.port, "/", { headers: { cookie } });
      expect(r.headers["set-cookie"]).toBeUndefined();
      hosts.add(body(r).name);
    }
    expect(hosts.size).toBe(1);
  });

  it("query_parameter and header policies spread keys over the ring and keep each key on one host; a round-robin cluster sets no cookie", async () => {
    const ups = await Promise.all([echo("h0"), echo("h1"), echo("h2")]);
    const h = await proxy(
      [
        listenerWith([
          { match: { prefix: "/rr" }, route: { cluster: "rr", hash_policy: [{ cookie: { name: "sticky", ttl: "60s" } }] } },
          { match: { prefix: "/" }, route: { cluster: "ring", hash_policy: [{ query_parameter: { name: "user" }, terminal: true }, { header: { header_name: "x-user" } }] } },
        ]),
      ],
      [cluster("ring", ups.map((u) => u.port), { lb_policy: "RING_HASH" }), cluster("rr", ups.map((u) => u.port))],
    );
    const seen = new Map<string, Set<string>>();
    for (let round = 0; round < 3; round++)
      for (let k = 0; k < 12; k++) {
        const byQuery = body(await request(h.port, `/p?user=u${k}`)).name;
        const byHeader = body(await request(h.port, "/p", { headers: { "x-user": `u${k}` } })).name;
        for (const [key, name] of [[`q${k}`, byQuery], [`h${k}`, byHeader]]) (seen.get(key) ?? seen.set(key, new Set()).get(key)!).add(name);
      }
    for (const [key, names] of seen) expect(names.size, key).toBe(1);
    expect(new Set([...seen.values()].map((s) => [...s][0])).size).toBeGreaterThan(1);
    expect((await request(h.port, "/rr")).headers["set-cookie"]).toBeUndefined();
  });
});
