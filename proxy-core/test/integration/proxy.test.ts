// End to end through real sockets: client → ProxyServer listener → real node:http upstreams.
import { afterEach, describe, expect, it } from "vitest";
import net from "node:net";
import { cluster, deadPort, listener, request, startProxy, startUpstream, waitFor, type Harness, type Upstream } from "./harness";
import { LocalBodies, RESET_PREFIX } from "../../src/router/local-reply";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
async function upstream(name: string, handler?: Parameters<typeof startUpstream>[0]): Promise<Upstream> {
  const u = await startUpstream(handler ?? ((req, res) => res.end(`${name} ${req.url}`)));
  cleanups.push(() => u.close());
  return u;
}
async function proxy(...args: Parameters<typeof startProxy>): Promise<Harness> {
  const h = await startProxy(...args);
  cleanups.push(() => h.close());
  return h;
}

describe("forwarding", () => {
  it("round robin over two endpoints splits 4 requests 2/2 and adds x-envoy-upstream-service-time", async () => {
    const a = await upstream("a");
    const b = await upstream("b");
    const h = await proxy([listener("l", [{ match: { prefix: "/" }, route: { cluster: "svc" } }])], [cluster("svc", [a.port, b.port])]);
    const bodies: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await request(h.port, `/p${i}?q=1`);
      expect(r.status).toBe(200);
      expect(r.headers["x-envoy-upstream-service-time"]).toMatch(/^\d+$/);
      expect(r.headers.server).toBe("envoy");
      bodies.push(r.body);
    }
    expect(bodies.filter((x) => x.startsWith("a ")).length).toBe(2);
    expect(bodies.filter((x) => x.startsWith("b ")).length).toBe(2);
    expect(bodies[0]).toMatch(/ \/p0\?q=1$/);
    expect(await h.stat("cluster.svc.upstream_rq_total")).toBe(4);
    expect(await h.stat("cluster.svc.upstream_rq_200")).toBe(4);
    expect(await h.stat("http.ingress_http.downstream_rq_2xx")).toBe(4);
    expect(await h.stat("cluster.svc.membership_total")).toBe(2);
  });

  it("STRICT_DNS resolves endpoint names into hosts", async () => {
    const u = await upstream("dns");
    const h = await proxy(
      [listener("l", [{ match: { prefix: "/" }, route: { cluster: "svc" } }])],
      [
        {
          name: "svc",
          type: "STRICT_DNS",
          dns_lookup_family: "V4_ONLY",
          load_assignment: { cluster_name: "svc", endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "localhost", port_value: u.port } } } }] }] },
        },
      ],
    );
    expect((await request(h.port, "/x")).body).toBe("dns /x");
    expect(await h.stat("cluster.svc.membership_total")).toBeGreaterThanOrEqual(1);
  });

  it("adds x-request-id, x-forwarded-for and x-forwarded-proto, drops hop-by-hop headers", async () => {
    const u = await upstream("u", (req, res) => res.end(JSON.stringify(req.headers)));
    const h = await proxy([listener("l", [{ match: { prefix: "/" }, route: { cluster: "svc" } }])], [cluster("svc", [u.port])]);
    const r = await request(h.port, "/", { headers: { "x-forwarded-for": "10.0.0.1", connection: "keep-alive, x-secret", "x-secret": "s" } });
    const seen = JSON.parse(r.body);
    expect(seen["x-request-id"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(seen["x-forwarded-for"]).toBe("10.0.0.1, 127.0.0.1");
    expect(seen["x-forwarded-proto"]).toBe("http");
    expect(seen["x-secret"]).toBeUndefined();
    const kept = await request(h.port, "/", { headers: { "x-request-id": "abc" } });
    expect(JSON.parse(kept.body)["x-request-id"]).toBe("abc");
  });

  it("streams a large request body up and the response back", async () => {
    const u = await upstream("u", (req, res) => req.pipe(res));
    const h = await proxy([listener("l", [{ match: { prefix: "/" }, route: { cluster: "svc" } }])], [cluster("svc", [u.port])]);
    const body = Buffer.alloc(3 * 1024 * 1024, "x");
    const r = await request(h.port, "/echo", { method: "POST", body });
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(body.length);
  });

  it("direct_response: status, body, text/plain, no upstream-service-time", async () => {
    const h = await proxy([listener("l", [{ match: { path: "/ok" }, direct_response: { status: 200, body: { inline_string: "ok" } } }])], []);
    const r = await request(h.port, "/ok?x=1");
    expect(r.status).toBe(200);
    expect(r.body).toBe("ok");
    expect(r.headers["content-length"]).toBe("2");
    expect(r.headers["content-type"]).toBe("text/plain");
    expect(r.headers.server).toBe("envoy");
    expect(r.headers["x-envoy-upstream-service-time"]).toBeUndefined();
    expect(await h.stat("http.ingress_http.rq_direct_response")).toBe(1);
  });

  it("no route: 404 with empty body and no_route counted; `path` ignores the query", async () => {
    const h = await proxy([listener("l", [{ match: { path: "/exact" }, direct_response: { status: 200 } }])], []);
    expect((await request(h.port, "/exact?x=1")).status).toBe(200);
    const r = await request(h.port, "/exact/");
    expect(r.status).toBe(404);
    expect(r.body).toBe("");
    expect(r.headers["content-length"]).toBe("0");
    expect(r.headers["content-type"]).toBeUndefined();
    expect(r.headers["x-envoy-upstream-service-time"]).toBeUndefined();
    expect(await h.stat("http.ingress_http.no_route")).toBe(1);
    expect(await h.stat("http.ingress_http.downstream_rq_4xx")).toBe(1);
  });
});

describe("upstream failures", () => {
  it("connect failure: 503 with Envoy's reset body, no upstream-service-time, worker keeps serving", async () => {
    const dead = await deadPort();
    const h = await proxy(
      [listener("l", [{ match: { prefix: "/dead" }, route: { cluster: "dead" } }, { match: { prefix: "/" }, direct_response: { status: 200, body: { inline_string: "alive" } } }])],
      [cluster("dead", [dead])],
    );
    const r = await request(h.port, "/dead");
    expect(r.status).toBe(503);
    expect(r.body.startsWith(RESET_PREFIX)).toBe(true);
    expect(r.body).toContain("remote connection failure");
    expect(r.headers["content-type"]).toBe("text/plain");
    expect(r.headers["x-envoy-upstream-service-time"]).toBeUndefined();
    expect(await h.stat("cluster.dead.upstream_cx_connect_fail")).toBeGreaterThanOrEqual(1);
    expect((await request(h.port, "/")).body).toBe("alive");
  });

  it("route timeout: 504 `upstream request timeout`", async () => {
    const u = await upstream("slow", () => {}); // never answers; closed by cleanup
    const h = await proxy([listener("l", [{ match: { prefix: "/" }, route: { cluster: "svc", timeout: "0.3s" } }])], [cluster("svc", [u.port])]);
    const r = await request(h.port, "/");
    expect(r.status).toBe(504);
    expect(r.body).toBe(LocalBodies.timeout);
    expect(r.headers["content-length"]).toBe("24");
    expect(await h.stat("cluster.svc.upstream_rq_timeout")).toBe(1);
    expect(await h.stat("cluster.svc.upstream_rq_504")).toBe(1);
  });

  it("an upstream that resets mid-response does not take the worker down", async () => {
    const u = await upstream("bad", (req, res) => {
      if (req.url === "/reset") req.socket.destroy();
      else res.end("fine");
    });
    const h = await proxy([listener("l", [{ match: { prefix: "/" }, route: { cluster: "svc" } }])], [cluster("svc", [u.port])]);
    const r = await request(h.port, "/reset");
    expect(r.status).toBe(503);
    expect(r.body).toBe(LocalBodies.connectionTermination);
    expect((await request(h.port, "/ok")).body).toBe("fine");
  });
});

describe("circuit breakers", () => {
  it("circuit breaker max_connections 1 + max_pending_requests 1 → third concurrent request gets the overflow 503", async () => {
    const held: (() => void)[] = [];
    const u = await upstream("u", (_req, res) => held.push(() => res.end("done")));
    const h = await proxy(
      [listener("l", [{ match: { prefix: "/" }, route: { cluster: "c" } }])],
      [cluster("c", [u.port], { circuit_breakers: { thresholds: [{ max_connections: 1, max_pending_requests: 1 }] } })],
    );
    const first = request(h.port, "/1");
    await waitFor(() => held.length === 1, "the first request at the upstream");
    const second = request(h.port, "/2");
    await waitFor(async () => (await h.stat("cluster.c.upstream_rq_pending_active")) === 1, "the second request pending");
    expect(await h.stat("cluster.c.circuit_breakers.default.rq_pending_open")).toBe(1);
    const third = await request(h.port, "/3");
    expect(third.status).toBe(503);
    expect(third.body).toBe("upstream connect error or disconnect/reset before headers. reset reason: overflow");
    expect(third.headers["x-envoy-overloaded"]).toBe("true");
    expect(third.headers["x-envoy-upstream-service-time"]).toBeUndefined();
    // release the upstream: the queued request is served on the same connection
    held.shift()!();
    expect((await first).status).toBe(200);
    await waitFor(() => held.length === 1, "the second request at the upstream");
    held.shift()!();
    expect((await second).status).toBe(200);
    expect(await h.stat("cluster.c.upstream_rq_pending_overflow")).toBe(1);
    expect(await h.stat("cluster.c.upstream_cx_overflow")).toBeGreaterThanOrEqual(1);
    expect(await h.stat("cluster.c.upstream_cx_total")).toBe(1);
    expect(await h.stat("cluster.c.circuit_breakers.default.rq_pending_open")).toBe(0);
  });

  it("circuit breaker max_connections alone queues instead of rejecting; trips emit an event", async () => {
    const u = await upstream("u", (_req, res) => setTimeout(() => res.end("ok"), 20));
    const h = await proxy(
      [listener("l", [{ match: { prefix: "/" }, route: { cluster: "c" } }])],
      [cluster("c", [u.port], { circuit_breakers: { thresholds: [{ max_connections: 1 }] } })],
    );
    const events: unknown[] = [];
    h.proxy.events.on("circuit_breaker", (e) => events.push(e));
    const rs = await Promise.all([1, 2, 3, 4, 5].map((i) => request(h.port, `/${i}`)));
    expect(rs.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await h.stat("cluster.c.upstream_cx_overflow")).toBeGreaterThan(0);
    expect(await h.stat("cluster.c.upstream_rq_pending_overflow")).toBe(0);
    expect(events).toContainEqual(expect.objectContaining({ cluster: "c", threshold: "max_connections" }));
  });

  it("max_requests 1: a request attached to a new connection or to a ready one overflows while the slot is taken", async () => {
    const held: (() => void)[] = [];
    const u = await upstream("u", (_req, res) => held.push(() => res.end("x")));
    const h = await proxy(
      [listener("l", [{ match: { prefix: "/" }, route: { cluster: "c" } }])],
      [cluster("c", [u.port], { circuit_breakers: { thresholds: [{ max_requests: 1 }] } })],
    );
    // cold pool: the second request is pending, gets a connection of its own, and is refused when it would be
    // attached to it (Envoy's attachStreamToClient): it never reaches the upstream
    const w1 = request(h.port, "/w1");
    await waitFor(() => held.length === 1, "first request at upstream");
    const w2 = await request(h.port, "/w2");
    expect(w2.status).toBe(503);
    expect(w2.headers["x-envoy-overloaded"]).toBe("true");
    expect(held.length).toBe(1);
    held.shift()!();
    expect((await w1).status).toBe(200);
    // two ready connections now: the second request finds one ready and is refused there
    await waitFor(async () => (await h.stat("cluster.c.upstream_rq_active")) === 0, "first request done");
    const first = request(h.port, "/1");
    await waitFor(() => held.length === 1, "request at upstream");
    const second = await request(h.port, "/2");
    expect(second.status).toBe(503);
    expect(second.headers["x-envoy-overloaded"]).toBe("true");
    expect(u.seen.map((r) => r.url)).toEqual(["/w1", "/1"]);
    expect(await h.stat("cluster.c.upstream_cx_total")).toBe(2);
    expect(await h.stat("cluster.c.upstream_rq_pending_overflow")).toBe(2);
    held.shift()!();
    expect((await first).status).toBe(200);
  });
});

describe("downstream protocol errors", () => {
  it("answers malformed HTTP with 400 and the next connection still works", async () => {
    const h = await proxy([listener("l", [{ match: { prefix: "/" }, direct_response: { status: 200, body: { inline_string: "ok" } } }])], []);
    const raw = await new Promise<string>((resolve, reject) => {
      const sock = net.connect(h.port, "127.0.0.1", () => sock.write("THIS IS NOT HTTP\r\n\r\n"));
      let data = "";
      sock.on("data", (d) => (data += d));
      sock.on("end", () => resolve(data));
      sock.on("error", reject);
    });
    expect(raw.startsWith("HTTP/1.1 400")).toBe(true);
    expect(raw).toContain("server: envoy");
    const r = await request(h.port, "/");
    expect(r.status).toBe(200);
    expect(await h.stat("http.ingress_http.downstream_cx_protocol_error")).toBe(1);
  });
});
