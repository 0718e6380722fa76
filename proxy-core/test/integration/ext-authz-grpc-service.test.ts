// ext_authz with a gRPC service (envoy_grpc; ext_authz_grpc_impl.cc, check_request_utils.cc): the CheckRequest's
// AttributeContext, per-route context_extensions and disabling, the CheckResponse's mutations (ok_response),
// denials (denied_response), errors and deadlines, clear_route_cache, load balancing over the cluster's hosts,
// its max_requests circuit breaker, filter_enabled and the stats under the filter's stat_prefix.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { ProxyServer } from "../../src/server";
import type { CheckRequestMessage } from "../../src/http/filters/ext-authz/auth-proto";
import { cluster, listener, request, startUpstream, withHttpFilters, type Upstream } from "./harness";
import { startGrpcAuthz, type GrpcAnswer, type GrpcAuthz } from "./ext-authz-servers";

const EXT_AUTHZ = "type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz";
const PER_ROUTE = "type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute";
const FILTER_CONFIG = "type.googleapis.com/envoy.config.route.v3.FilterConfig";
const NAME = "envoy.filters.http.ext_authz";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const OK: GrpcAnswer = { status: { code: 0 } };

async function grpcAuthz(answer: (req: CheckRequestMessage) => GrpcAnswer | Promise<GrpcAnswer> = () => OK): Promise<GrpcAuthz> {
  const a = await startGrpcAuthz(answer);
  cleanups.push(() => a.close());
  return a;
}

interface Backend extends Upstream {
  got: { url: string; headers: http.IncomingHttpHeaders; body: string }[];
}

async function backend(name = "backend"): Promise<Backend> {
  const got: Backend["got"] = [];
  const u = await startUpstream((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      got.push({ url: req.url!, headers: req.headers, body });
      res.setHeader("x-existing", "upstream");
      res.end(name);
    });
  });
  cleanups.push(() => u.close());
  return Object.assign(u, { got });
}

interface Setup {
  filter?: Record<string, unknown>;
  routes?: Record<string, unknown>[];
  vhostPerFilter?: Record<string, unknown>;
  /** more clusters, and options for the authorization cluster */
  clusters?: ReturnType<typeof cluster>[];
  authzCluster?: Record<string, unknown>;
}

/** A proxy with ext_authz (grpc_service to the HTTP/2 cluster "authz", hosts `authzPorts`) before "backend"; WebSocket on. */
async function proxy(authzPorts: number[], b: { port: number }, s: Setup = {}) {
  const routes = s.routes ?? [{ match: { prefix: "/" }, route: { cluster: "backend" } }];
  const l = withHttpFilters(listener("l", routes as never), [
    { name: NAME, typed_config: { "@type": EXT_AUTHZ, grpc_service: { envoy_grpc: { cluster_name: "authz" }, timeout: "1s" }, transport_api_version: "V3", ...s.filter } },
  ]);
  if (s.vhostPerFilter !== undefined) Object.assign(l.filter_chains[0].filters[0].typed_config.route_config.virtual_hosts![0], { typed_per_filter_config: s.vhostPerFilter });
  l.filter_chains[0].filters[0].typed_config.upgrade_configs = [{ upgrade_type: "websocket" }];
  const http2 = { "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": { "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions", explicit_http_config: { http2_protocol_options: {} } } };
  const p = new ProxyServer({ drainMs: 200 });
  await p.apply({ listeners: [l], clusters: [cluster("backend", [b.port]), cluster("authz", authzPorts, { typed_extension_protocol_options: http2, ...s.authzCluster } as never), ...(s.clusters ?? [])] }, "v1");
  cleanups.push(() => p.shutdown(200));
  return { port: p.listeners.active.get("l")!.port, stat: (n: string) => p.store.counter(n).value };
}

describe("ext_authz grpc_service: the CheckRequest", () => {
  it("carries Envoy's AttributeContext: peers, id, method, lower-cased headers, path, host, scheme, protocol", async () => {
    const a = await grpcAuthz();
    const b = await backend();
    const { port } = await proxy([a.port], b);
    await request(port, "/items?id=3", { method: "PUT", headers: { "X-Mixed-Case": "v", "x-twice": "1", Authorization: "Bearer z" }, body: "ignored" });
    const attrs = a.checks[0].attributes;
    expect(attrs.source.address.socket_address.address).toBe("127.0.0.1");
    expect(attrs.source.address.socket_address.port_value).toBeGreaterThan(0);
    expect(attrs.destination.address.socket_address).toEqual({ address: "127.0.0.1", port_value: port });
    const h = attrs.request.http;
    expect(h).toMatchObject({ method: "PUT", path: "/items?id=3", host: `127.0.0.1:${port}`, scheme: "http", protocol: "HTTP/1.1" });
    expect(h.id).toMatch(/^\d+$/);
    expect(h.body).toBeUndefined();
    expect(h.headers).toMatchObject({ ":method": "PUT", ":path": "/items?id=3", ":authority": `127.0.0.1:${port}`, ":scheme": "http", "x-mixed-case": "v", authorization: "Bearer z", "x-forwarded-proto": "http" });
    expect(h.headers.host).toBeUndefined();
    expect(Math.abs(Number(attrs.request.time.seconds) * 1000 - Date.now())).toBeLessThan(5000);
    expect(b.got[0].body).toBe("ignored");
  });

  it("allowed_headers keeps only those (no defaults for gRPC); disallowed_headers removes", async () => {
    const a = await grpcAuthz();
    const b = await backend();
    const { port } = await proxy([a.port], b, { filter: { allowed_headers: { patterns: [{ prefix: "x-keep" }, { exact: ":path" }] }, disallowed_headers: { patterns: [{ exact: "x-keep-not" }] } } });
    await request(port, "/", { headers: { "x-keep-me": "1", "x-keep-not": "2", authorization: "a" } });
    expect(a.checks[0].attributes.request.http.headers).toEqual({ ":path": "/", "x-keep-me": "1" });
  });

  it("context_extensions merge from the virtual host and the route, the route's winning; with_request_body sends the body", async () => {
    const a = await grpcAuthz();
    const b = await backend();
    const per = (ext: Record<string, string>) => ({ [NAME]: { "@type": PER_ROUTE, check_settings: { context_extensions: ext } } });
    const { port } = await proxy([a.port], b, {
      filter: { with_request_body: { max_request_bytes: 1024 } },
      vhostPerFilter: per({ vhost: "shop", tier: "vhost" }),
      routes: [
        { match: { prefix: "/raw" }, route: { cluster: "backend" }, typed_per_filter_config: per({ tier: "route" }) },
        { match: { prefix: "/" }, route: { cluster: "backend" } },
      ],
    });
    await request(port, "/raw", { method: "POST", body: "héllo" });
    await request(port, "/other");
    expect(a.checks[0].attributes.context_extensions).toEqual({ vhost: "shop", tier: "route" });
    expect(a.checks[0].attributes.request.http).toMatchObject({ body: "héllo", size: 6 });
    expect(a.checks[0].attributes.request.http.headers["x-envoy-auth-partial-body"]).toBe("false");
    expect(a.checks[1].attributes.context_extensions).toEqual({ vhost: "shop", tier: "vhost" });
    expect(b.got[0].body).toBe("héllo");
  });

  it("per route: ExtAuthzPerRoute disabled, or a FilterConfig that disables the filter, skip the check", async () => {
    const a = await grpcAuthz(() => ({ status: { code: 7 } }));
    const b = await backend();
    const routes = [
      { match: { prefix: "/off" }, route: { cluster: "backend" }, typed_per_filter_config: { [NAME]: { "@type": PER_ROUTE, disabled: true } } },
      { match: { prefix: "/wrapped" }, route: { cluster: "backend" }, typed_per_filter_config: { [NAME]: { "@type": FILTER_CONFIG, disabled: true } } },
      { match: { prefix: "/" }, route: { cluster: "backend" } },
    ];
    const { port } = await proxy([a.port], b, { routes });
    expect((await request(port, "/off")).status).toBe(200);
    expect((await request(port, "/wrapped")).status).toBe(200);
    expect((await request(port, "/on")).status).toBe(403);
    expect(a.checks).toHaveLength(1);
  });
});

describe("ext_authz grpc_service: the CheckResponse", () => {
  it("ok_response: headers set, appended and removed upstream, query parameters changed, response_headers_to_add to the client", async () => {
    const a = await grpcAuthz(() => ({
      status: { code: 0 },
      ok_response: {
        headers: [{ header: { key: "x-user", value: "alice" } }, { header: { key: "x-list", value: "b" }, append: { value: true } }, { header: { key: "x-absent", value: "c" }, append: { value: true } }],
        headers_to_remove: ["x-token", "host"],
        query_parameters_to_set: [{ key: "page", value: "2" }],
        query_parameters_to_remove: ["debug"],
        response_headers_to_add: [
          { header: { key: "x-added", value: "1" } },
          { header: { key: "x-existing", value: "replaced" }, append_action: 2 },
          { header: { key: "x-existing", value: "kept" }, append_action: 1 },
        ],
      },
    }));
    const b = await backend();
    const { port } = await proxy([a.port], b);
    const r = await request(port, "/list?debug=1&page=1", { headers: { "x-user": "mallory", "x-list": "a", "x-token": "secret" } });
    expect(r.status).toBe(200);
    expect(r.headers["x-added"]).toBe("1");
    expect(r.headers["x-existing"]).toBe("replaced");
    const got = b.got[0];
    expect(got.url).toBe("/list?page=2");
    expect(got.headers["x-user"]).toBe("alice");
    expect(got.headers["x-list"]).toBe("a,b");
    // append only joins a header that is there (Envoy's appendCopy)
    expect(got.headers["x-absent"]).toBeUndefined();
    expect(got.headers["x-token"]).toBeUndefined();
    expect(got.headers.host).toBe(`127.0.0.1:${port}`);
  });

  it("denied_response: its status, headers and body; without one, 403 and an empty body", async () => {
    let denial: GrpcAnswer = { status: { code: 7 }, denied_response: { status: { code: 401 }, headers: [{ header: { key: "www-authenticate", value: "Bearer realm=x" } }], body: "log in first" } };
    const a = await grpcAuthz(() => denial);
    const b = await backend();
    const { port, stat } = await proxy([a.port], b);
    const r = await request(port, "/");
    expect(r.status).toBe(401);
    expect(r.body).toBe("log in first");
    expect(r.headers["www-authenticate"]).toBe("Bearer realm=x");
    denial = { status: { code: 16 } };
    const plain = await request(port, "/");
    expect(plain.status).toBe(403);
    expect(plain.body).toBe("");
    expect(b.got).toHaveLength(0);
    expect(stat("http.ingress_http.ext_authz.denied")).toBe(2);
    expect(stat("cluster.backend.upstream_rq_403")).toBe(1);
  });

  it("a failed call (gRPC error, deadline) is an error: 403, or through with failure_mode_allow", async () => {
    let mode: "fail" | "slow" = "fail";
    const a = await grpcAuthz(() => (mode === "fail" ? { grpcError: 14 } : new Promise((r) => setTimeout(() => r(OK), 500))));
    const b = await backend();
    const strict = await proxy([a.port], b, { filter: { grpc_service: { envoy_grpc: { cluster_name: "authz" }, timeout: "0.1s" } } });
    expect((await request(strict.port, "/")).status).toBe(403);
    mode = "slow";
    expect((await request(strict.port, "/")).status).toBe(403);
    expect(strict.stat("http.ingress_http.ext_authz.error")).toBe(2);
    expect(strict.stat("cluster.authz.upstream_rq_timeout")).toBe(1);
    const lenient = await proxy([a.port], b, { filter: { grpc_service: { envoy_grpc: { cluster_name: "authz" }, timeout: "0.1s" }, failure_mode_allow: true } });
    expect((await request(lenient.port, "/")).status).toBe(200);
    expect(b.got[0].headers["x-envoy-auth-failure-mode-allowed"]).toBeUndefined();
  });

  it("clear_route_cache: a header the service sets picks the route again", async () => {
    const a = await grpcAuthz(() => ({ status: { code: 0 }, ok_response: { headers: [{ header: { key: "x-tier", value: "gold" } }] } }));
    const b = await backend();
    const gold = await backend("gold");
    const routes = [
      { match: { prefix: "/", headers: [{ name: "x-tier", string_match: { exact: "gold" } }] }, route: { cluster: "gold" } },
      { match: { prefix: "/" }, route: { cluster: "backend" } },
    ];
    const clusters = [cluster("gold", [gold.port])];
    const cleared = await proxy([a.port], b, { routes, clusters, filter: { clear_route_cache: true } });
    expect((await request(cleared.port, "/")).body).toBe("gold");
    const kept = await proxy([a.port], b, { routes, clusters });
    expect((await request(kept.port, "/")).body).toBe("backend");
  });
});

describe("ext_authz grpc_service: the cluster, sampling and stats", () => {
  it("checks go round robin over the cluster's hosts; its max_requests circuit breaker applies", async () => {
    const slowMs = { value: 0 };
    const answer = () => (slowMs.value ? new Promise<GrpcAnswer>((r) => setTimeout(() => r(OK), slowMs.value)) : OK);
    const a1 = await grpcAuthz(answer);
    const a2 = await grpcAuthz(answer);
    const b = await backend();
    const { port, stat } = await proxy([a1.port, a2.port], b, { authzCluster: { circuit_breakers: { thresholds: [{ max_requests: 1 }] } } });
    for (let i = 0; i < 4; i++) expect((await request(port, "/")).status).toBe(200);
    expect([a1.checks.length, a2.checks.length]).toEqual([2, 2]);
    expect(stat("cluster.authz.upstream_rq_total")).toBe(4);
    slowMs.value = 300;
    const replies = await Promise.all([request(port, "/a"), request(port, "/b")]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 403]);
    expect(stat("cluster.authz.upstream_rq_pending_overflow")).toBe(1);
  });

  it("stat_prefix goes after ext_authz.; filter_enabled at 0% checks nothing and counts disabled", async () => {
    const a = await grpcAuthz();
    const b = await backend();
    const waf = await proxy([a.port], b, { filter: { stat_prefix: "waf" } });
    await request(waf.port, "/");
    expect(waf.stat("http.ingress_http.ext_authz.waf.ok")).toBe(1);
    expect(waf.stat("cluster.backend.ext_authz.waf.ok")).toBe(1);
    const off = await proxy([a.port], b, { filter: { filter_enabled: { default_value: { numerator: 0 } } } });
    expect((await request(off.port, "/")).status).toBe(200);
    expect(off.stat("http.ingress_http.ext_authz.disabled")).toBe(1);
    expect(a.checks).toHaveLength(1);
  });

  it("a WebSocket upgrade is checked too, Upgrade header included: allowed → 101 and messages flow; denied → 403", async () => {
    const a = await grpcAuthz((req) => (req.attributes.request.http.path === "/ok" ? OK : { status: { code: 7 } }));
    const server = http.createServer();
    const wss = new WebSocketServer({ server });
    wss.on("connection", (ws) => ws.on("message", (m) => ws.send(`echo ${m}`)));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise<void>((r) => (wss.close(), server.closeAllConnections(), server.close(() => r()))));
    const { port } = await proxy([a.port], { port: (server.address() as AddressInfo).port });
    const open = (p: string) =>
      new Promise<string>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}${p}`);
        ws.once("open", () => ws.send("hi"));
        ws.once("message", (m) => (resolve(String(m)), ws.close()));
        ws.once("unexpected-response", (_req, res) => (res.resume(), res.on("end", () => resolve(`status ${res.statusCode}`))));
        ws.once("error", reject);
      });
    expect(await open("/ok")).toBe("echo hi");
    expect(await open("/no")).toBe("status 403");
    expect(a.checks.map((c) => c.attributes.request.http.headers.upgrade)).toEqual(["websocket", "websocket"]);
  });
});
