// WebSocket upgrades (issue #3 item 7): proxied end to end with upgrade_configs websocket; without it Envoy
// answers 403 [kb: conn_manager_impl.cc, downstream_rq_ws_on_non_ws_route]. Real `ws` client and server.
import { afterEach, describe, expect, it } from "vitest";
import http from "node:http";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import WebSocket, { WebSocketServer } from "ws";
import { cluster, deadPort, listener, startProxy } from "./harness";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function wsUpstream() {
  const server = http.createServer((_req, res) => res.end("plain"));
  const wss = new WebSocketServer({ server });
  const seenHeaders: http.IncomingHttpHeaders[] = [];
  wss.on("connection", (ws, req) => {
    seenHeaders.push(req.headers);
    ws.on("message", (m, binary) => ws.send(binary ? m : `echo ${m}`, { binary }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(() => new Promise<void>((r) => (wss.close(), server.closeAllConnections(), server.close(() => r()))));
  return { port: (server.address() as AddressInfo).port, seenHeaders };
}

async function proxyTo(port: number, websocket: boolean) {
  const l = listener("main", [{ match: { prefix: "/" }, route: { cluster: "ws" } }]);
  if (websocket) l.filter_chains[0].filters[0].typed_config.upgrade_configs = [{ upgrade_type: "websocket" }];
  const h = await startProxy([l], [cluster("ws", [port])]);
  cleanups.push(() => h.close());
  return h;
}

function connect(port: number): Promise<{ ws: WebSocket; res: http.IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/chat`);
    ws.once("upgrade", (res) => ws.once("open", () => resolve({ ws, res })));
    ws.once("unexpected-response", (_req, res) => reject(Object.assign(new Error(`status ${res.statusCode}`), { status: res.statusCode })));
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
});
