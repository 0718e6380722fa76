// The impact preview's request heads (src/http/request-sample.ts): the ring keeps the last `capacity` heads and
// hands out only what is new; a real worker records method, authority, path and only the headers its routes match
// on (never a body, never another header), nothing while sampling is off; replaying a recorded head through
// proxy-core's routing picks the route that served it; and the xDS client sends the heads to a console at most
// every 10 s.
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { RequestSampleRing, RequestSampler, requestSamplerOf, routeForHead, routeHeaderNames, routeHeaders } from "../../src/http/request-sample";
import { RequestSampleReport } from "../../src/xds/request-sample-report";
import { XdsClient } from "../../src/xds/client";
import { RouteTable } from "../../src/router/route-table";
import { WorkerToConsole, type RequestHead, type RequestSampleMessage } from "../../src/protocol";
import { isTcpProxyFilter, type Route, type RouteConfiguration } from "../../src/config/schema";
import { cluster, listener, request, startProxy, startUpstream, waitFor, type Harness, type Upstream } from "../integration/harness";

const ROUTES: Route[] = [
  { name: "tenant", match: { prefix: "/api", headers: [{ name: "X-Tenant", string_match: { exact: "t1" } }, { name: ":method", string_match: { exact: "POST" } }] }, route: { cluster: "a" } },
  { name: "api", match: { prefix: "/api" }, route: { cluster: "b" } },
  { name: "old", match: { path: "/old" }, redirect: { path_redirect: "/new" } },
  // only whether the request has one matters: the value is never recorded
  { name: "authed", match: { prefix: "/secure", headers: [{ name: "Authorization", present_match: true }] }, route: { cluster: "a" } },
];

describe("the ring", () => {
  const record = (ring: RequestSampleRing, i: number) => ring.record("GET", "h", `/p/${i}`, [], [], [], "hcm", i);

  it("keeps the last `capacity` heads, oldest first, and counts what it overwrote", () => {
    const ring = new RequestSampleRing("l1", 1000);
    for (let i = 0; i < 1500; i++) record(ring, i);
    const taken = ring.take()!;
    expect(taken.listener).toBe("l1");
    expect(taken.heads).toHaveLength(1000);
    expect(taken.heads[0].path).toBe("/p/500");
    expect(taken.heads[999].path).toBe("/p/1499");
    expect(taken.overwritten).toBe(500);
  });

  it("hands out only the heads recorded since the last take", () => {
    const ring = new RequestSampleRing("l1", 10);
    expect(ring.take()).toBeNull();
    for (let i = 0; i < 4; i++) record(ring, i);
    expect(ring.take()!.heads.map((h) => h.path)).toEqual(["/p/0", "/p/1", "/p/2", "/p/3"]);
    expect(ring.take()).toBeNull();
    for (let i = 4; i < 7; i++) record(ring, i);
    const next = ring.take()!;
    expect(next.heads.map((h) => h.path)).toEqual(["/p/4", "/p/5", "/p/6"]);
    expect(next.overwritten).toBe(0);
  });

  it("keeps only the named headers, matched case-insensitively, and reuses its slots", () => {
    const ring = new RequestSampleRing("l1", 2);
    const names = ["x-tenant"];
    const keep = [true];
    ring.record("GET", "h", "/a", ["X-Tenant", "t1", "Cookie", "c=1", "x-tenant", "t2"], names, keep, "hcm", 1);
    ring.record("GET", "h", "/b", ["Authorization", "secret"], names, keep, "hcm", 2);
    ring.record("GET", "h", "/c", ["x-other", "o"], names, keep, "hcm", 3); // overwrites /a's slot: its headers must not linger
    expect(ring.take()!.heads.map((h) => [h.path, h.headers])).toEqual([
      ["/b", []],
      ["/c", []],
    ]);
    ring.record("GET", "h", "/d", ["X-Tenant", "t1", "Cookie", "c=1", "x-tenant", "t2"], names, keep, "hcm", 4);
    expect(ring.take()!.heads[0].headers).toEqual(["X-Tenant", "t1", "x-tenant", "t2"]);
    // a header routes only require to be present is kept without its value
    ring.record("GET", "h", "/e", ["Authorization", "Bearer secret", "X-Tenant", "t3"], ["x-tenant", "authorization"], [true, false], "hcm", 5);
    expect(ring.take()!.heads[0].headers).toEqual(["Authorization", "", "X-Tenant", "t3"]);
  });

  it("merges heads pushed from other processes with its own, by listener and time, keeping the latest `capacity`", () => {
    const sampler = new RequestSampler(3);
    const ring = sampler.ring("l1");
    ring.record("GET", "h", "/own", [], [], [], "p", 0);
    const own = Math.round(performance.timeOrigin);
    const head = (path: string, at: number) => ({ at, method: "GET", authority: "h", path, hcm: "p", headers: [] });
    sampler.push({ listener: "l1", heads: [head("/w1", own - 10), head("/w2", own + 10)], overwritten: 0 });
    sampler.push({ listener: "l2", heads: [head("/x", own)], overwritten: 2 });
    sampler.push({ listener: "l1", heads: [head("/w3", own + 20)], overwritten: 1 });
    const taken = sampler.take()!;
    expect(taken.map((l) => [l.listener, l.heads.map((h) => h.path), l.overwritten])).toEqual([
      ["l1", ["/own", "/w2", "/w3"], 2],
      ["l2", ["/x"], 2],
    ]);
    expect(sampler.take()).toBeNull();
  });

  it("names the headers routes match on: header matchers, content-type for grpc, require_tls's", () => {
    const rc: RouteConfiguration = {
      virtual_hosts: [
        { name: "a", domains: ["a"], routes: [...ROUTES, { match: { prefix: "/g", grpc: {} }, route: { cluster: "a" } }] },
        { name: "b", domains: ["*"], require_tls: "EXTERNAL_ONLY", routes: [{ match: { prefix: "/" }, route: { cluster: "b" } }] },
      ],
    };
    expect(routeHeaderNames(rc).sort()).toEqual(["authorization", "content-type", "x-envoy-internal", "x-forwarded-proto", "x-tenant"]);
    expect(Object.fromEntries(routeHeaders(rc))).toEqual({ "x-tenant": true, authorization: false, "content-type": true, "x-forwarded-proto": true, "x-envoy-internal": true });
    // a value matcher anywhere wins over presence elsewhere
    const both: RouteConfiguration = { virtual_hosts: [{ name: "a", domains: ["*"], routes: [ROUTES[3], { match: { prefix: "/", headers: [{ name: "authorization", string_match: { prefix: "Bearer " } }] }, route: { cluster: "a" } }] }] };
    expect(routeHeaders(both).get("authorization")).toBe(true);
    expect(routeHeaderNames({ virtual_hosts: [{ name: "x", domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster: "a" } }] }] })).toEqual([]);
  });
});

describe("a worker's sample", () => {
  let h: Harness;
  let upA: Upstream;
  let upB: Upstream;
  let sampler: RequestSampler;
  const answer = (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => {
    req.resume();
    req.on("end", () => res.end(`served ${req.url}`));
  };
  const clusters = () => [cluster("a", [upA.port]), cluster("b", [upB.port])];

  beforeAll(async () => {
    [upA, upB] = await Promise.all([startUpstream(answer), startUpstream(answer)]);
    h = await startProxy([listener("edge", ROUTES, { statPrefix: "edge_http" })], clusters());
    sampler = requestSamplerOf(h.proxy.store);
  });

  afterAll(async () => {
    sampler.enabled = false;
    await h?.close();
    await upA?.close();
    await upB?.close();
  });

  it("records nothing while sampling is off", async () => {
    expect(sampler.enabled).toBe(false);
    expect((await request(h.port, "/api/off")).status).toBe(200);
    expect(sampler.take()).toBeNull();
  });

  it("records method, authority, path with query and only the headers routes match on; never a body", async () => {
    sampler.enabled = true;
    const body = "top-secret-body-".repeat(100);
    const secret = { authorization: "Bearer hunter2", cookie: "session=abc", "x-other": "nope" };
    expect((await request(h.port, "/api/v1/x?q=1", { method: "POST", headers: { host: "shop.example", "x-tenant": "t1", ...secret, "content-type": "text/plain" }, body })).status).toBe(200);
    expect((await request(h.port, "/api/v1/y", { headers: { host: "shop.example", ...secret } })).status).toBe(200);
    expect((await request(h.port, "/old")).status).toBe(301);
    const taken = sampler.take()!;
    expect(taken).toHaveLength(1);
    expect(taken[0].listener).toBe("edge");
    const heads = taken[0].heads;
    expect(heads.map((x) => [x.method, x.authority, x.path, x.hcm, x.headers])).toEqual([
      ["POST", "shop.example", "/api/v1/x?q=1", "edge_http", ["x-tenant", "t1", "authorization", ""]],
      ["GET", "shop.example", "/api/v1/y", "edge_http", ["authorization", ""]],
      ["GET", `127.0.0.1:${h.port}`, "/old", "edge_http", []],
    ]);
    for (const x of heads) expect(Math.abs(x.at - Date.now())).toBeLessThan(10_000);
    const text = JSON.stringify(taken);
    for (const leaked of ["top-secret", "hunter2", "session=abc", "nope", "text/plain"]) expect(text).not.toContain(leaked);
    expect(Object.keys(heads[0]).sort()).toEqual(["at", "authority", "hcm", "headers", "method", "path"]);
    // the message a worker sends parses with the protocol's schema
    expect(WorkerToConsole.safeParse({ type: "request_sample", listeners: taken }).success).toBe(true);
  });

  it("replaying a recorded head through proxy-core's routing picks the route that served it", async () => {
    sampler.enabled = true;
    upA.seen.length = 0;
    upB.seen.length = 0;
    const sent: [string, Record<string, string>, string, string | null][] = [
      ["/api/a", { "x-tenant": "t1" }, "POST", "tenant"],
      ["/api/b", { "x-tenant": "t1" }, "GET", "api"],
      ["/api/c", { "x-tenant": "t2" }, "POST", "api"],
      ["/old", {}, "GET", "old"],
      // recorded without the value, and still replayed to the route that only requires it
      ["/secure/x", { authorization: "Bearer z" }, "GET", "authed"],
      ["/nothing", {}, "GET", null],
    ];
    for (const [path, headers, method] of sent) await request(h.port, path, { method, headers, body: method === "POST" ? "x" : undefined });
    const heads = sampler.take()![0].heads;
    const f = h.proxy.resources!.listeners[0].filter_chains[0].filters[0];
    if (isTcpProxyFilter(f)) throw new Error("expected an HTTP connection manager");
    const table = new RouteTable(f.typed_config.route_config);
    expect(heads.map((x) => routeForHead(table, x)?.route.config.name ?? null)).toEqual(sent.map((s) => s[3]));
    // what the worker did with them: cluster a got the tenant and authed routes' requests, b the api route's
    expect(upA.seen.map((r) => r.url)).toEqual(["/api/a", "/secure/x"]);
    expect(upB.seen.map((r) => r.url)).toEqual(["/api/b", "/api/c"]);
  });

  it("keeps heads not yet sent across a config swap", async () => {
    sampler.enabled = true;
    expect((await request(h.port, "/api/before-swap")).status).toBe(200);
    await h.proxy.apply({ listeners: [listener("edge", ROUTES.slice(1), { statPrefix: "edge_http" })], clusters: clusters() }, "v2");
    expect((await request(h.port, "/api/after-swap", { headers: { "x-tenant": "t1" } })).status).toBe(200);
    const heads = sampler.take()![0].heads;
    // the new routes match on no header: the new connection manager records none
    expect(heads.map((x) => [x.path, x.headers])).toEqual([
      ["/api/before-swap", []],
      ["/api/after-swap", []],
    ]);
  });
});

describe("the report", () => {
  it("sends what is new, at most every 10 s", () => {
    const sampler = new RequestSampler(100);
    const report = new RequestSampleReport(sampler);
    expect(report.next(1_000)).toBeNull();
    const ring = sampler.ring("l");
    ring.record("GET", "h", "/1", [], [], [], "p", 0);
    const first = report.next(2_000)!;
    expect(first.listeners[0].heads.map((x) => x.path)).toEqual(["/1"]);
    ring.record("GET", "h", "/2", [], [], [], "p", 0);
    expect(report.next(5_000)).toBeNull();
    expect(report.next(11_999)).toBeNull();
    ring.record("GET", "h", "/3", [], [], [], "p", 0);
    expect(report.next(12_000)!.listeners[0].heads.map((x) => x.path)).toEqual(["/2", "/3"]);
  });

  it("reaches a console over the xDS client's socket, parsed by the protocol", async () => {
    const up = await startUpstream((req, res) => res.end("ok"));
    const h = await startProxy([listener("edge2", [{ match: { prefix: "/" }, route: { cluster: "a" } }])], [cluster("a", [up.port])]);
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise<void>((r) => wss.once("listening", () => r()));
    const received: RequestSampleMessage[] = [];
    wss.on("connection", (ws) =>
      ws.on("message", (d) => {
        const m = WorkerToConsole.safeParse(JSON.parse(String(d)));
        if (m.success && m.data.type === "request_sample") received.push(m.data);
      }),
    );
    const client = new XdsClient(h.proxy, { urls: [`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`], nodeId: "n1", statsIntervalMs: 50 });
    try {
      client.start();
      // recording starts with the client, before the first report (no request of the first second is lost)
      expect(requestSamplerOf(h.proxy.store).enabled).toBe(true);
      for (let i = 0; i < 3; i++) expect((await request(h.port, `/r/${i}`)).status).toBe(200);
      await waitFor(() => client.connected, "the client to connect");
      await waitFor(() => received.length > 0, "a request_sample message");
      const heads: RequestHead[] = received.flatMap((m) => m.listeners.flatMap((l) => l.heads));
      // the first message carries what was recorded by then (the rest would follow 10 s later), in order
      const paths = heads.map((x) => x.path);
      expect(paths.length).toBeGreaterThan(0);
      expect(paths).toEqual(["/r/0", "/r/1", "/r/2"].slice(0, paths.length));
    } finally {
      await client.stop();
      expect(requestSamplerOf(h.proxy.store).enabled).toBe(false);
      wss.close();
      await h.close();
      await up.close();
    }
  });
});
