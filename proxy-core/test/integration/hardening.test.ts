// Hardening against hostile clients: request smuggling, oversized headers, slow clients and idle timeouts, and a
// garbage storm after which the worker still serves. Raw TCP clients so every byte is under test control.
import { afterEach, describe, expect, it } from "vitest";
import net from "node:net";
import type { HttpConnectionManager } from "../../src/config/schema";
import { cluster, listener, request, startProxy, startUpstream, type Harness } from "./harness";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Raw {
  data: string;
  /** the proxy closed the connection */
  closed: boolean;
}

/** Writes `parts` (with `gapMs` between them), then collects the reply until the proxy closes or `waitMs` passes. */
function raw(port: number, parts: (string | Buffer)[], opts: { waitMs?: number; gapMs?: number } = {}): Promise<Raw> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    let data = "";
    let closed = false;
    const finish = () => {
      clearTimeout(t);
      s.destroy();
      resolve({ data, closed });
    };
    const t = setTimeout(finish, opts.waitMs ?? 3000);
    s.on("data", (d) => (data += d.toString("latin1")));
    s.on("error", () => {});
    s.on("close", () => {
      closed = true;
      finish();
    });
    s.on("connect", async () => {
      for (const p of parts) {
        if (s.destroyed) return;
        s.write(p);
        if (opts.gapMs) await new Promise((r) => setTimeout(r, opts.gapMs));
      }
    });
  });
}

async function setup(hcm: Partial<HttpConnectionManager> = {}, handler?: Parameters<typeof startUpstream>[0]) {
  const u = await startUpstream(handler ?? ((req, res) => res.end(`ok ${req.url}`)));
  cleanups.push(() => u.close());
  const l = listener("main", [{ match: { prefix: "/" }, route: { cluster: "svc" } }]);
  Object.assign(l.filter_chains[0].filters[0].typed_config, hcm);
  const h: Harness = await startProxy([l], [cluster("svc", [u.port])]);
  cleanups.push(() => h.close());
  return { u, h };
}

describe("request smuggling", () => {
  it("Content-Length together with Transfer-Encoding → 400, connection closed, the upstream never sees the smuggled request", async () => {
    const { u, h } = await setup();
    const r = await raw(h.port, [
      "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n",
    ]);
    expect(r.data).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(r.data).toContain("connection: close");
    expect(r.data).toContain("server: envoy");
    expect(r.closed).toBe(true);
    expect(u.seen.map((q) => q.url)).toEqual([]);
    expect(await h.stat("http.ingress_http.downstream_cx_protocol_error")).toBe(1);
  });

  it("two differing Content-Length headers → 400 and close; nothing reaches the upstream", async () => {
    const { u, h } = await setup();
    const r = await raw(h.port, ["POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 30\r\n\r\nhelloGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"]);
    expect(r.data).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(r.closed).toBe(true);
    expect(u.seen).toHaveLength(0);
  });

  it("a pipelined second request on a clean connection is served in order (the parser is not confused)", async () => {
    const { u, h } = await setup();
    const r = await raw(h.port, ["POST /one HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /two HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"]);
    expect(r.data.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2);
    expect(u.seen.map((q) => q.url)).toEqual(["/one", "/two"]);
  });
});

describe("limits and timeouts", () => {
  it("headers above max_request_headers_kb → 431 and close (default 60 KiB allows 50 KiB)", async () => {
    const { u, h } = await setup({ max_request_headers_kb: 8 });
    const big = `GET /big HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(10 * 1024)}\r\n\r\n`;
    const r = await raw(h.port, [big]);
    expect(r.data).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(r.closed).toBe(true);
    expect(u.seen).toHaveLength(0);
    const { u: u2, h: h2 } = await setup();
    (u2.server as { maxHeaderSize?: number }).maxHeaderSize = 128 * 1024; // node's own default (16 KiB) would refuse it upstream
    const ok = await request(h2.port, "/fine", { headers: { "x-big": "a".repeat(50 * 1024) } });
    expect(ok.status).toBe(200);
  });

  it("request_headers_timeout: a client dribbling its headers gets 408 and is disconnected", async () => {
    const { u, h } = await setup({ request_headers_timeout: "0.5s" });
    const parts = ["GET /slow HTTP/1.1\r\n", ...Array.from({ length: 40 }, (_, i) => `X-H${i}: v\r\n`)];
    const r = await raw(h.port, parts, { gapMs: 100, waitMs: 8000 });
    expect(r.data).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(r.data).toMatch(/\r\n\r\nrequest timeout$/);
    expect(r.closed).toBe(true);
    expect(u.seen).toHaveLength(0);
    expect(await h.stat("http.ingress_http.downstream_rq_timeout")).toBe(1);
  });

  it("stream_idle_timeout: no response from the upstream in time → 408 `stream timeout`, downstream_rq_idle_timeout", async () => {
    const { h } = await setup({ stream_idle_timeout: "0.3s" }, () => {
      /* never answers */
    });
    const r = await request(h.port, "/hang");
    expect(r.status).toBe(408);
    expect(r.body).toBe("stream timeout");
    expect(r.headers.connection).toBe("close");
    expect(await h.stat("http.ingress_http.downstream_rq_idle_timeout")).toBe(1);
  });

  it("common_http_protocol_options.idle_timeout closes an idle keep-alive connection; no Keep-Alive header is sent", async () => {
    const { h } = await setup({ common_http_protocol_options: { idle_timeout: "0.3s" } });
    const start = Date.now();
    const r = await raw(h.port, ["GET /k HTTP/1.1\r\nHost: x\r\n\r\n"], { waitMs: 5000 });
    expect(r.data).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(r.data.toLowerCase()).not.toContain("keep-alive: timeout");
    expect(r.closed).toBe(true);
    expect(Date.now() - start).toBeLessThan(4000);
  });

  it("idle_timeout 0s disables the connection idle timer: the connection stays open, with no timer warnings", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on("warning", onWarning);
    try {
      const { h } = await setup({ common_http_protocol_options: { idle_timeout: "0s" } });
      const r = await raw(h.port, ["GET /k HTTP/1.1\r\nHost: x\r\n\r\n", "GET /k2 HTTP/1.1\r\nHost: x\r\n\r\n"], { waitMs: 700, gapMs: 50 });
      expect(r.data.match(/HTTP\/1\.1 200 OK\r\n/g)).toHaveLength(2);
      expect(r.closed).toBe(false);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  });
});

describe("resilience", () => {
  it("a storm of garbage, truncated and abusive requests never takes the worker down; it then serves normally", async () => {
    const { u, h } = await setup({}, (req, res) => {
      if (req.url === "/reset") return req.socket.destroy();
      res.end("fine");
    });
    const garbage: string[] = [
      "\x00\x01\x02\x03garbage\r\n\r\n",
      "GET / HTTP/9.9\r\n\r\n",
      "GET /\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked, identity\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nbad\r\n",
      "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", // truncated body, then close
      "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", // a TLS ClientHello on a plaintext listener
      "GET /reset HTTP/1.1\r\nHost: x\r\n\r\n", // the upstream resets the connection
    ];
    for (let round = 0; round < 5; round++) await Promise.all(garbage.map((g) => raw(h.port, [g], { waitMs: 1500 })));
    const rs = await Promise.all(Array.from({ length: 20 }, () => request(h.port, "/after")));
    expect(rs.every((r) => r.status === 200 && r.body === "fine")).toBe(true);
    expect(u.seen.filter((q) => q.url === "/after")).toHaveLength(20);
    expect(await h.stat("http.ingress_http.downstream_cx_protocol_error")).toBeGreaterThanOrEqual(5 * 6);
  });
});
