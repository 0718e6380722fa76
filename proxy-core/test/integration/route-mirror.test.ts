// request_mirror_policies end to end (route_components.proto RequestMirrorPolicy; router.cc shadowing,
// shadow_writer_impl.cc): the copy's host suffix, its body, its stats on the shadow cluster, the runtime fraction,
// the levels (route, virtual host, route configuration), cluster_header, trace_sampled, and that nothing about the
// shadow — slow, failing, over the buffer limit — changes the response the client gets.
import { afterEach, describe, expect, it } from "vitest";
import type http from "node:http";
import { cluster, deadPort, listener, request, startProxy, startUpstream, waitFor, type Harness, type Upstream } from "./harness";
import { ZIPKIN_TYPE, type Cluster, type Listener, type Route, type RouteConfiguration } from "../../src/config/schema";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Records every request with its body; answers `name` (after `delayMs`, or never when `hang`). */
async function upstream(name: string, opts: { delayMs?: number; hang?: boolean } = {}): Promise<Upstream & { got: Seen[] }> {
  const got: Seen[] = [];
  const held: http.ServerResponse[] = [];
  const u = await startUpstream((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      got.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (opts.hang) return void held.push(res);
      setTimeout(() => res.end(`${name} ${req.url}`), opts.delayMs ?? 0);
    });
  });
  cleanups.push(() => {
    for (const r of held) r.destroy();
    return u.close();
  });
  return Object.assign(u, { got });
}

async function proxy(routes: Route[], clusters: Cluster[], extra: { config?: Partial<RouteConfiguration>; vhost?: Record<string, unknown>; hcm?: Record<string, unknown> } = {}): Promise<Harness> {
  const l: Listener = listener("l", routes);
  const hcm = l.filter_chains[0].filters[0].typed_config as { route_config: RouteConfiguration };
  Object.assign(hcm, extra.hcm ?? {});
  Object.assign(hcm.route_config, extra.config ?? {});
  Object.assign(hcm.route_config.virtual_hosts![0], extra.vhost ?? {});
  const h = await startProxy([l], clusters);
  cleanups.push(() => h.close());
  return h;
}

const mirrored = (policies: Record<string, unknown>[], extra: Record<string, unknown> = {}): Route => ({ match: { prefix: "/" }, route: { cluster: "main", request_mirror_policies: policies, ...extra } }) as Route;

describe("request_mirror_policies", () => {
  it("a GET is copied to the shadow cluster with the host suffixed -shadow (before the port); the client gets the main answer", async () => {
    const main = await upstream("main");
    const shadow = await upstream("shadow");
    const h = await proxy([mirrored([{ cluster: "shadow" }])], [cluster("main", [main.port]), cluster("shadow", [shadow.port])]);
    const r = await request(h.port, "/items?page=2", { headers: { host: "api.example:8080", "x-user": "u1" } });
    expect([r.status, r.body]).toEqual([200, "main /items?page=2"]);
    const plain = await request(h.port, "/plain", { headers: { host: "svc" } });
    expect(plain.body).toBe("main /plain");
    await waitFor(() => shadow.got.length === 2, "2 shadow requests");
    const [a, b] = shadow.got;
    expect([a.method, a.url, a.headers.host, a.headers["x-user"]]).toEqual(["GET", "/items?page=2", "api.example-shadow:8080", "u1"]);
    expect(a.headers["x-request-id"]).toBe(main.got[0].headers["x-request-id"]);
    expect(main.got[0].headers.host).toBe("api.example:8080");
    expect(b.headers.host).toBe("svc-shadow");
    await waitFor(async () => (await h.stat("cluster.shadow.upstream_rq_200")) === 2, "shadow responses counted");
    expect(await h.stat("cluster.shadow.upstream_rq_total")).toBe(2);
    expect(await h.stat("cluster.main.upstream_rq_200")).toBe(2);
  });

  it("a request body is buffered and sent with the copy", async () => {
    const main = await upstream("main");
    const shadow = await upstream("shadow");
    const h = await proxy([mirrored([{ cluster: "shadow", disable_shadow_host_suffix_append: true }])], [cluster("main", [main.port]), cluster("shadow", [shadow.port])]);
    const payload = "x".repeat(20_000);
    const r = await request(h.port, "/upload", { method: "POST", body: payload, headers: { host: "h" } });
    expect(r.body).toBe("main /upload");
    await waitFor(() => shadow.got.length === 1, "the shadow POST");
    expect([shadow.got[0].method, shadow.got[0].body.length, shadow.got[0].headers.host]).toEqual(["POST", 20_000, "h"]);
    expect(main.got[0].body).toBe(payload);
  });

  it("a shadow that hangs, refuses connections or has no host never changes the client's response", async () => {
    const main = await upstream("main");
    const hang = await upstream("hang", { hang: true });
    const h = await proxy(
      [mirrored([{ cluster: "hang" }, { cluster: "dead" }, { cluster: "empty" }], { timeout: "0.5s" })],
      [cluster("main", [main.port]), cluster("hang", [hang.port]), cluster("dead", [await deadPort()]), cluster("empty", [])],
    );
    const t0 = performance.now();
    const r = await request(h.port, "/x");
    expect([r.status, r.body]).toEqual([200, "main /x"]);
    expect(performance.now() - t0).toBeLessThan(400);
    await waitFor(async () => (await h.stat("cluster.hang.upstream_rq_timeout")) === 1, "the shadow's route timeout");
    expect(await h.stat("cluster.hang.upstream_rq_504")).toBe(1);
    await waitFor(async () => (await h.stat("cluster.dead.upstream_rq_503")) === 1, "the refused shadow");
    expect(await h.stat("cluster.dead.upstream_cx_connect_fail")).toBe(1);
    expect([await h.stat("cluster.empty.upstream_cx_none_healthy"), await h.stat("cluster.empty.upstream_rq_503")]).toEqual([1, 1]);
    expect(await h.stat("cluster.main.upstream_rq_200")).toBe(1);
  });

  it("runtime_fraction: 0 % by default mirrors nothing; the runtime key turns it on", async () => {
    const main = await upstream("main");
    const shadow = await upstream("shadow");
    const h = await proxy([mirrored([{ cluster: "shadow", runtime_fraction: { default_value: { numerator: 0 }, runtime_key: "mirror.share" } }])], [cluster("main", [main.port]), cluster("shadow", [shadow.port])]);
    h.proxy.loadRuntime([{ name: "admin", admin_layer: {} }]);
    for (let i = 0; i < 10; i++) await request(h.port, "/a");
    expect(h.proxy.modifyRuntime([["mirror.share", "100"]])).toBeNull();
    for (let i = 0; i < 5; i++) await request(h.port, "/b");
    await waitFor(() => shadow.got.length === 5, "5 shadows");
    expect(shadow.got.every((g) => g.url === "/b")).toBe(true);
  });

  it("the most specific level wins: route, else virtual host, else route configuration; cluster_header names the cluster per request", async () => {
    const main = await upstream("main");
    const [s1, s2, s3] = await Promise.all([upstream("s1"), upstream("s2"), upstream("s3")]);
    const h = await proxy(
      [
        { match: { prefix: "/own" }, route: { cluster: "main", request_mirror_policies: [{ cluster_header: "x-mirror-to" }] } },
        { match: { prefix: "/" }, route: { cluster: "main" } },
      ],
      [cluster("main", [main.port]), cluster("s1", [s1.port]), cluster("s2", [s2.port]), cluster("s3", [s3.port])],
      { vhost: { request_mirror_policies: [{ cluster: "s2" }] }, config: { request_mirror_policies: [{ cluster: "s3" }] } },
    );
    await request(h.port, "/own", { headers: { "x-mirror-to": "s1" } });
    await request(h.port, "/own"); // no header: no shadow
    await request(h.port, "/own", { headers: { "x-mirror-to": "nowhere" } }); // unknown cluster: skipped
    await request(h.port, "/vh");
    await waitFor(() => s1.got.length === 1 && s2.got.length === 1, "s1 and s2 shadows");
    expect([s1.got[0].url, s2.got[0].url, s3.got.length]).toEqual(["/own", "/vh", 0]);
    expect(main.got.length).toBe(4);
  });

  it("a body over the cluster's buffer limit abandons the shadow (retry_or_shadow_abandoned) and is streamed to the main cluster", async () => {
    const main = await upstream("main");
    const shadow = await upstream("shadow");
    const h = await proxy([mirrored([{ cluster: "shadow" }])], [cluster("main", [main.port], { per_connection_buffer_limit_bytes: 1024 }), cluster("shadow", [shadow.port])]);
    const r = await request(h.port, "/big", { method: "POST", body: "y".repeat(8192) });
    expect(r.body).toBe("main /big");
    expect(main.got[0].body.length).toBe(8192);
    expect(await h.stat("cluster.main.retry_or_shadow_abandoned")).toBe(1);
    await request(h.port, "/small", { method: "POST", body: "z" });
    await waitFor(() => shadow.got.length === 1, "the small body's shadow");
    expect(shadow.got[0].url).toBe("/small");
  });

  it("trace_sampled sets the copy's sampling decision; unset, the copy keeps the request's", async () => {
    const main = await upstream("main");
    const [off, inherit] = await Promise.all([upstream("off"), upstream("inherit")]);
    const collector = await upstream("zipkin");
    const zipkin = { provider: { name: "envoy.tracers.zipkin", typed_config: { "@type": ZIPKIN_TYPE, collector_cluster: "zipkin", collector_endpoint: "/api/v2/spans", collector_endpoint_version: "HTTP_JSON" } } };
    const h = await proxy(
      [mirrored([{ cluster: "off", trace_sampled: false }, { cluster: "inherit" }])],
      [cluster("main", [main.port]), cluster("off", [off.port]), cluster("inherit", [inherit.port]), cluster("zipkin", [collector.port])],
      { hcm: { tracing: zipkin } },
    );
    await request(h.port, "/t");
    await waitFor(() => off.got.length === 1 && inherit.got.length === 1, "both shadows");
    expect(main.got[0].headers["x-b3-sampled"]).toBe("1");
    expect(off.got[0].headers["x-b3-sampled"]).toBe("0");
    expect(inherit.got[0].headers["x-b3-sampled"]).toBe("1");
    expect(off.got[0].headers["x-b3-traceid"]).toBe(main.got[0].headers["x-b3-traceid"]);
  });

  it("an unknown shadow cluster is refused at load, with its path", async () => {
    const h = await startProxy([], []);
    cleanups.push(() => h.close());
    const l = listener("l", [mirrored([{ cluster: "nope" }])]);
    await expect(h.proxy.apply({ listeners: [l], clusters: [cluster("main", [1])] }, "v2")).rejects.toThrow(
      'listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0].route.request_mirror_policies[0].cluster: unknown cluster "nope"',
    );
  });
});
