// WebSocket upgrades: proxied end to end with upgrade_configs websocket; without it Envoy answers 403
// (conn_manager_impl.cc, downstream_rq_ws_on_non_ws_route). An upgrade goes through the same route processing
// (rewrites, host rewrite, header mutations) and the cluster's pool (TLS, connect_timeout, circuit breakers) as
// any request. Real `ws` clients and servers.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import WebSocket, { WebSocketServer } from "ws";
import { cluster, deadPort, listener, startProxy, waitFor } from "./harness";
import { makeCerts, type TestCerts } from "./upstream-tls-certs";
import { UPSTREAM_TLS_TYPE, type Cluster, type Route } from "../../src/config";
import { LocalBodies } from "../../src/router/local-reply";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let certs: TestCerts;
beforeAll(() => {
  certs = makeCerts();
});
afterAll(() => certs.cleanup());

async function wsUpstream(tls = false) {
  const plain = (_req: http.IncomingMessage, res: http.ServerResponse) => res.end("plain");
  const server = tls ? https.createServer({ cert: certs.serverCert, key: certs.serverKey }, plain) : http.createServer(plain);
  const wss = new WebSocketServer({ server });
  const seenHeaders: http.IncomingHttpHeaders[] = [];
  const seenUrls: string[] = [];
  wss.on("connection", (ws, req) => {
    seenHeaders.push(req.headers);
    seenUrls.push(req.url ?? "");
    ws.on("message", (m, binary) => ws.send(binary ? m : `echo ${m}`, { binary }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(() => new Promise<void>((r) => (wss.close(), server.closeAllConnections(), server.close(() => r()))));
  return { port: (server.address() as AddressInfo).port, seenHeaders, seenUrls };
}

async function proxyTo(port: number, websocket: boolean, opts: { route?: Partial<Route>; cluster?: Partial<Cluster> } = {}) {
  const l = listener("main", [{ match: { prefix: "/" }, ...opts.route, route: { cluster: "ws", ...opts.route?.route } }]);
  if (websocket) l.filter_chains[0].filters[0].typed_config.upgrade_configs = [{ upgrade_type: "websocket" }];
  const h = await startProxy([l], [cluster("ws", [port], opts.cluster)]);
  cleanups.push(() => h.close());
  return h;
}

function connect(port: number, path = "/chat", headers: Record<string, string> = {}): Promise<{ ws: WebSocket; res: http.IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers });
    ws.once("upgrade", (res) => ws.once("open", () => resolve({ ws, res })));
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => reject(Object.assign(new Error(`status ${res.statusCode}`), { status: res.statusCode, headers: res.headers, body })));
    });
    ws.once("error", reject);
  });
}

describe("WebSocket", () => {
  it("with upgrade_configs websocket: 101 relayed (server: envoy), text and a 5 MiB binary message echo through", async () => {
    const up = await wsUpstream();
    const h = await proxyTo(up.port, true);
    const { ws, res } = await connect(h.port);
    cleanups.push(() => ws.terminate());
    expect(res.statusCode).toBe(101);
    expect(res.headers.server).toBe("envoy");
    expect(up.seenHeaders[0]["x-forwarded-proto"]).toBe("http");
    expect(up.seenHeaders[0]["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    ws.send("hello");
    expect(String((await once(ws, "message"))[0])).toBe("echo hello");
    const big = Buffer.alloc(5 * 1024 * 1024, 7);
    ws.send(big);
    const [echo] = await once(ws, "message");
    expect(Buffer.compare(echo as Buffer, big)).toBe(0);
    expect(await h.stat("http.ingress_http.downstream_cx_upgrades_total")).toBe(1);
    expect(await h.stat("http.ingress_http.downstream_cx_upgrades_active")).toBe(1);
    ws.close();
    await once(ws, "close");
    await expect.poll(() => h.stat("http.ingress_http.downstream_cx_upgrades_active")).toBe(0);
    await expect.poll(() => h.stat("http.ingress_http.downstream_rq_1xx")).toBe(1);
    // plain requests on the same listener still work
    const r = await fetch(`http://127.0.0.1:${h.port}/plain`);
    expect(await r.text()).toBe("plain");
  });

  it("without upgrade_configs: 403 with an empty body, downstream_rq_ws_on_non_ws_route", async () => {
    const up = await wsUpstream();
    const h = await proxyTo(up.port, false);
    await expect(connect(h.port)).rejects.toMatchObject({ status: 403 });
    expect(up.seenHeaders).toHaveLength(0);
    expect(await h.stat("http.ingress_http.downstream_rq_ws_on_non_ws_route")).toBe(1);
  });

  it("an unreachable upstream → 503 with Envoy's connect-failure body", async () => {
    const h = await proxyTo(await deadPort(), true);
    const body = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ port: h.port, host: "127.0.0.1", path: "/", headers: { connection: "upgrade", upgrade: "websocket", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" } });
      req.on("response", (res) => {
        let b = "";
        res.on("data", (d) => (b += d));
        res.on("end", () => resolve({ status: res.statusCode!, body: b }));
      });
      req.on("error", reject);
      req.end();
    });
    expect(body.status).toBe(503);
    expect(body.body).toMatch(/^upstream connect error or disconnect\/reset before headers\. reset reason: remote connection failure/);
  });

  it("prefix_rewrite, regex_rewrite and host_rewrite_literal apply to the upgrade request", async () => {
    const up = await wsUpstream();
    const h = await proxyTo(up.port, true, { route: { match: { prefix: "/live/" }, route: { cluster: "ws", prefix_rewrite: "/socket/", host_rewrite_literal: "chat.internal" } } });
    const { ws } = await connect(h.port, "/live/room?id=7");
    cleanups.push(() => ws.terminate());
    expect(up.seenUrls).toEqual(["/socket/room?id=7"]);
    expect(up.seenHeaders[0].host).toBe("chat.internal");
    expect(up.seenHeaders[0]["x-envoy-original-path"]).toBe("/live/room?id=7");
    const rx = await proxyTo(up.port, true, { route: { match: { safe_regex: { regex: "^/v[0-9]+/chat$" } }, route: { cluster: "ws", regex_rewrite: { pattern: { regex: "^/v([0-9]+)/chat$" }, substitution: "/chat/\\1" } } } });
    const second = await connect(rx.port, "/v2/chat");
    cleanups.push(() => second.ws.terminate());
    expect(up.seenUrls[1]).toBe("/chat/2");
  });

  it("request_headers_to_add / remove and response_headers_to_add apply to the upgrade and its 101", async () => {
    const up = await wsUpstream();
    const h = await proxyTo(up.port, true, {
      route: {
        request_headers_to_add: [{ header: { key: "x-tenant", value: "blue" } }],
        request_headers_to_remove: ["x-secret"],
        response_headers_to_add: [{ header: { key: "x-served-by", value: "signalbox" } }],
      },
    });
    const { ws, res } = await connect(h.port, "/chat", { "x-secret": "s3cr3t" });
    cleanups.push(() => ws.terminate());
    expect(res.statusCode).toBe(101);
    expect(res.headers["x-served-by"]).toBe("signalbox");
    expect(up.seenHeaders[0]["x-tenant"]).toBe("blue");
    expect(up.seenHeaders[0]["x-secret"]).toBeUndefined();
  });

  it("a cluster with an UpstreamTlsContext carries the upgrade over TLS", async () => {
    const up = await wsUpstream(true);
    const h = await proxyTo(up.port, true, { cluster: { transport_socket: { name: "envoy.transport_sockets.tls", typed_config: { "@type": UPSTREAM_TLS_TYPE } } } });
    const { ws } = await connect(h.port);
    cleanups.push(() => ws.terminate());
    ws.send("over tls");
    expect(String((await once(ws, "message"))[0])).toBe("echo over tls");
    expect(up.seenHeaders).toHaveLength(1);
    expect(await h.stat("cluster.ws.upstream_cx_total")).toBe(1);
  });

  it("the cluster's connect_timeout applies: 503 connection timeout after 0.25 s, counted", async () => {
    // accepts and never speaks: the TLS handshake never completes, which the connect timeout covers
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((sock) => (sockets.add(sock), sock.on("error", () => {})));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise<void>((r) => (sockets.forEach((x) => x.destroy()), silent.close(() => r()))));
    const h = await proxyTo((silent.address() as AddressInfo).port, true, {
      cluster: { connect_timeout: "0.25s", transport_socket: { name: "envoy.transport_sockets.tls", typed_config: { "@type": UPSTREAM_TLS_TYPE } } },
    });
    const t0 = Date.now();
    const err = await connect(h.port).catch((e) => e);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(err).toMatchObject({ status: 503, body: LocalBodies.connectionTimeout });
    expect(await h.stat("cluster.ws.upstream_cx_connect_timeout")).toBe(1);
    expect(await h.stat("cluster.ws.upstream_cx_connect_fail")).toBe(1);
  });

  it("circuit breakers: an open WebSocket holds its request slot; max_requests 1 refuses a second upgrade with the overflow 503", async () => {
    const up = await wsUpstream();
    const h = await proxyTo(up.port, true, { cluster: { circuit_breakers: { thresholds: [{ max_requests: 1 }] } } });
    const first = await connect(h.port);
    cleanups.push(() => first.ws.terminate());
    expect(await h.stat("cluster.ws.upstream_rq_active")).toBe(1);
    expect(await h.stat("cluster.ws.upstream_rq_total")).toBe(1);
    expect(await h.stat("cluster.ws.upstream_cx_active")).toBe(1);
    const refused = await connect(h.port).catch((e) => e);
    expect(refused).toMatchObject({ status: 503, body: LocalBodies.overflow });
    expect(refused.headers["x-envoy-overloaded"]).toBe("true");
    expect(up.seenHeaders).toHaveLength(1);
    expect(await h.stat("cluster.ws.upstream_rq_pending_overflow")).toBe(1);
    // the refused upgrade had a connection dialed for it (as in Envoy), which stays in the pool
    expect(await h.stat("cluster.ws.upstream_cx_total")).toBe(2);
    // closing the first frees the slot and closes its connection (an upgraded one never returns to the pool)
    first.ws.close();
    await once(first.ws, "close");
    await waitFor(async () => (await h.stat("cluster.ws.upstream_rq_active")) === 0 && (await h.stat("cluster.ws.upstream_cx_active")) === 1, "slot released");
    const again = await connect(h.port);
    cleanups.push(() => again.ws.terminate());
    again.ws.send("hi");
    expect(String((await once(again.ws, "message"))[0])).toBe("echo hi");
    expect(await h.stat("cluster.ws.upstream_rq_total")).toBe(2);
    expect(await h.stat("cluster.ws.upstream_cx_total")).toBe(2);
  });
});
