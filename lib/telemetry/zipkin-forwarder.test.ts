// Span forwarding against a real HTTP server playing a Zipkin collector on 127.0.0.1.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ZipkinSpan } from "../../proxy-core/src/config/index";
import { ZipkinForwarder } from "./zipkin-forwarder";

const span = (id: string): ZipkinSpan => ({ traceId: "t", id, name: "op", kind: "SERVER", timestamp: 1, duration: 1, localEndpoint: { serviceName: "s" }, tags: {} });

let server: http.Server;
let url: string;
let status = 202;
const batches: unknown[][] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      if (req.method === "POST" && req.url === "/api/v2/spans" && req.headers["content-type"] === "application/json") batches.push(JSON.parse(body));
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2/spans`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("Zipkin forwarding", () => {
  it("posts spans as JSON arrays, in batches", async () => {
    const f = new ZipkinForwarder();
    f.add([span("ignored: no collector yet")]);
    f.setUrl(url);
    f.add([span("a"), span("b")]);
    f.add([span("c")]);
    await f.flush();
    expect(batches).toEqual([[span("a"), span("b"), span("c")]]);
    expect(f.stats).toEqual({ sent: 3, dropped: 0, failedRequests: 0 });
  });

  it("drops and counts what a failing or unreachable collector cannot take, without ever blocking add()", async () => {
    const logs: string[] = [];
    const f = new ZipkinForwarder((m) => logs.push(m));
    f.setUrl(url);
    status = 500;
    f.add([span("x")]);
    await f.flush();
    expect(f.stats).toMatchObject({ sent: 0, dropped: 1, failedRequests: 1 });
    f.setUrl("http://127.0.0.1:1/api/v2/spans");
    const t0 = performance.now();
    f.add(Array.from({ length: 20_000 }, (_, i) => span(String(i))));
    expect(performance.now() - t0).toBeLessThan(100);
    expect(f.stats.dropped).toBe(1 + 10_000); // the queue holds 10,000
    await f.flush();
    expect(f.stats.failedRequests).toBe(2);
    expect(logs).toHaveLength(1); // at most a line a minute
    status = 202;
  });
});
