// HCM tracing end to end (Envoy docs: Tracing, intro/arch_overview/observability/tracing): the sampling decision, B3
// propagation and Zipkin reports, with a real proxy, real upstreams and a real Zipkin collector (a node:http
// server answering 202 like Zipkin) on 127.0.0.1. Spans reach the collector through the proxy's own pools.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ZIPKIN_TYPE, type Cluster, type Listener, type Route, type Tracing } from "../../src/config/schema";
import type { ZipkinSpan } from "../../src/protocol";
import { ProxyServer } from "../../src/server";
import { cluster, listener, request, startUpstream, waitFor, type Upstream } from "./harness";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Collector {
  port: number;
  spans: ZipkinSpan[];
  reports: { host: string; contentType: string; path: string }[];
}

async function startCollector(status = 202): Promise<Collector> {
  const c: Collector = { port: 0, spans: [], reports: [] };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (b: Buffer) => chunks.push(b));
    req.on("end", () => {
      c.reports.push({ host: req.headers.host ?? "", contentType: req.headers["content-type"] ?? "", path: req.url ?? "" });
      c.spans.push(...(JSON.parse(Buffer.concat(chunks).toString()) as ZipkinSpan[]));
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  c.port = (server.address() as AddressInfo).port;
  cleanups.push(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));
  return c;
}

async function upstream(script: number[] = [200]): Promise<Upstream> {
  let n = 0;
  const u = await startUpstream((_req, res) => {
    res.statusCode = script[Math.min(n++, script.length - 1)];
    res.end("ok");
  });
  cleanups.push(() => u.close());
  return u;
}

const zipkin = (extra: Record<string, unknown> = {}) =>
  ({
    name: "envoy.tracers.zipkin",
    typed_config: { "@type": ZIPKIN_TYPE, collector_cluster: "zipkin", collector_endpoint: "/api/v2/spans", collector_endpoint_version: "HTTP_JSON", ...extra },
  }) as Tracing["provider"];

const route = (extra: Record<string, unknown> = {}): Route => ({ match: { prefix: "/" }, route: { cluster: "backend" }, decorator: { operation: "checkout" }, ...extra }) as Route;

async function proxy(tracing: Tracing, up: Upstream, opts: { collector?: Collector; routes?: Route[]; direction?: Listener["traffic_direction"]; minFlushSpans?: number; flushIntervalMs?: number } = {}) {
  const l = listener("l", opts.routes ?? [route()]);
  (l.filter_chains[0].filters[0].typed_config as { tracing?: Tracing }).tracing = tracing;
  if (opts.direction) l.traffic_direction = opts.direction;
  const clusters: Cluster[] = [cluster("backend", [up.port])];
  if (opts.collector) clusters.push(cluster("zipkin", [opts.collector.port]));
  const p = new ProxyServer({ drainMs: 100, node: { id: "node-1", cluster: "front-proxy" }, zipkin: { flushIntervalMs: opts.flushIntervalMs ?? 100, minFlushSpans: opts.minFlushSpans } });
  await p.apply({ listeners: [l], clusters }, "v1");
  cleanups.push(() => p.shutdown(100));
  const stat = (name: string) => p.store.counter(name).value;
  return { p, port: p.listeners.active.get("l")!.port, stat };
}

const HEX16 = /^[0-9a-f]{16}$/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("tracing: sampling, B3 propagation, Zipkin reports", () => {
  it("a request without headers is sampled at 100 %: B3 upstream, 1 SERVER span named by the decorator", async () => {
    const up = await upstream();
    const col = await startCollector();
    const { port, stat } = await proxy({ provider: zipkin() }, up, { collector: col });
    expect((await request(port, "/cart?x=1", { headers: { "user-agent": "tr1" } })).status).toBe(200);
    const h = up.seen[0].headers;
    expect(h["x-request-id"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-b[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(h["x-b3-traceid"]).toMatch(HEX16);
    expect(h["x-b3-spanid"]).toMatch(HEX16);
    expect(h["x-b3-sampled"]).toBe("1");
    await waitFor(() => col.spans.length === 2, "2 spans at the collector");
    const server = col.spans.filter((s) => s.kind === "SERVER");
    expect(server).toHaveLength(1);
    const s = server[0];
    expect(s.name).toBe("checkout");
    expect(s.traceId).toBe(h["x-b3-traceid"]);
    expect(s.parentId).toBeUndefined();
    expect(s.tags).toMatchObject({
      "http.status_code": "200", component: "proxy", upstream_cluster: "backend", "http.method": "GET", "http.protocol": "HTTP/1.1",
      "http.url": `http://127.0.0.1:${port}/cart?x=1`, node_id: "node-1", "guid:x-request-id": h["x-request-id"], response_flags: "-", user_agent: "tr1",
    });
    expect(s.tags.error).toBeUndefined();
    expect(s.localEndpoint).toEqual({ serviceName: "front-proxy", ipv4: "127.0.0.1", port });
    expect(Number.isInteger(s.timestamp) && Number.isInteger(s.duration)).toBe(true);
    expect(Math.abs(s.timestamp - Date.now() * 1000)).toBeLessThan(10_000_000);
    // the upstream attempt: a CLIENT child whose id is what the upstream saw
    const client = col.spans.find((x) => x.kind === "CLIENT")!;
    expect(client).toMatchObject({ id: h["x-b3-spanid"], parentId: s.id, traceId: s.traceId, name: "router backend egress" });
    expect(h["x-b3-parentspanid"]).toBe(s.id);
    expect(client.tags).toMatchObject({ "http.status_code": "200", upstream_address: `127.0.0.1:${up.port}` });
    expect(client.timestamp).toBeGreaterThanOrEqual(s.timestamp);
    expect(col.reports[0]).toEqual({ host: "zipkin", contentType: "application/json", path: "/api/v2/spans" });
    expect(stat("http.ingress_http.tracing.random_sampling")).toBe(1);
    expect(stat("http.ingress_http.tracing.not_traceable")).toBe(0);
    await waitFor(() => stat("tracing.zipkin.reports_sent") >= 1, "reports_sent");
    expect(stat("tracing.zipkin.spans_sent")).toBe(2);
  });

  it("an incoming B3 context is continued (shared span id by default, parent otherwise)", async () => {
    const up = await upstream();
    const col = await startCollector();
    const incoming = { "x-b3-traceid": "463ac35c9f6413ad48485a3953bb6124", "x-b3-spanid": "a2fb4a1d1a96d312", "x-b3-sampled": "1" };
    const { port } = await proxy({ provider: zipkin() }, up, { collector: col });
    await request(port, "/", { headers: incoming });
    expect(up.seen[0].headers["x-b3-traceid"]).toBe(incoming["x-b3-traceid"]);
    expect(up.seen[0].headers["x-b3-parentspanid"]).toBe("a2fb4a1d1a96d312");
    await waitFor(() => col.spans.length === 2, "2 spans");
    const s = col.spans.find((x) => x.kind === "SERVER")!;
    expect(s).toMatchObject({ id: "a2fb4a1d1a96d312", traceId: incoming["x-b3-traceid"], shared: true });

    // shared_span_context: false → a new server span whose parent is the caller's span
    const up2 = await upstream();
    const col2 = await startCollector();
    const second = await proxy({ provider: zipkin({ shared_span_context: false }) }, up2, { collector: col2 });
    await request(second.port, "/", { headers: incoming });
    await waitFor(() => col2.spans.length === 2, "2 spans");
    const s2 = col2.spans.find((x) => x.kind === "SERVER")!;
    expect(s2.parentId).toBe("a2fb4a1d1a96d312");
    expect(s2.id).not.toBe("a2fb4a1d1a96d312");
    expect(s2.shared).toBeUndefined();
    expect(up2.seen[0].headers["x-b3-parentspanid"]).toBe(s2.id);
  });

  it("an upstream 503 marks the span as an error", async () => {
    const up = await upstream([503]);
    const col = await startCollector();
    const { port } = await proxy({ provider: zipkin() }, up, { collector: col });
    expect((await request(port, "/")).status).toBe(503);
    await waitFor(() => col.spans.length === 2, "2 spans");
    const s = col.spans.find((x) => x.kind === "SERVER")!;
    expect(s.tags).toMatchObject({ error: "true", "http.status_code": "503" });
  });

  it("0 % random sampling: no spans, but ids and x-b3-sampled: 0 still go upstream; x-request-id keeps its 4", async () => {
    const up = await upstream();
    const col = await startCollector();
    const { p, port, stat } = await proxy({ random_sampling: { value: 0 }, provider: zipkin() }, up, { collector: col });
    p.spans.enabled = true;
    for (let i = 0; i < 3; i++) await request(port, "/");
    const h = up.seen[0].headers;
    expect(h["x-b3-sampled"]).toBe("0");
    expect(h["x-b3-traceid"]).toMatch(HEX16);
    expect(h["x-b3-spanid"]).toMatch(HEX16);
    expect(h["x-b3-parentspanid"]).toBeUndefined();
    expect((h["x-request-id"] as string)[14]).toBe("4");
    expect(stat("http.ingress_http.tracing.not_traceable")).toBe(3);
    expect(stat("http.ingress_http.tracing.random_sampling")).toBe(0);
    await sleep(400); // four flush intervals
    expect(col.reports).toHaveLength(0);
    expect(p.spans.take()).toBeNull();
  });

  it("overall_sampling 0 writes the not-traced 9 into x-request-id, even over a forced decision", async () => {
    const up = await upstream();
    const { port, stat } = await proxy({ overall_sampling: { value: 0 } }, up);
    await request(port, "/", { headers: { "x-envoy-force-trace": "true" } });
    expect((up.seen[0].headers["x-request-id"] as string)[14]).toBe("9");
    expect(up.seen[0].headers["x-b3-sampled"]).toBe("0");
    expect(stat("http.ingress_http.tracing.not_traceable")).toBe(1);
  });

  it("forced and client decisions: x-envoy-force-trace → a, x-client-trace-id → c, counted", async () => {
    const up = await upstream();
    const { p, port, stat } = await proxy({ random_sampling: { value: 0 } }, up);
    p.spans.enabled = true;
    await request(port, "/", { headers: { "x-envoy-force-trace": "1" } });
    await request(port, "/", { headers: { "x-client-trace-id": "abc" } });
    expect((up.seen[0].headers["x-request-id"] as string)[14]).toBe("a");
    expect((up.seen[1].headers["x-request-id"] as string)[14]).toBe("c");
    expect(up.seen[1].headers["x-b3-sampled"]).toBe("1");
    expect(stat("http.ingress_http.tracing.service_forced")).toBe(1);
    expect(stat("http.ingress_http.tracing.client_enabled")).toBe(1);
    // no provider: the spans are for the console only
    await waitFor(() => (p.spans.take()?.length ?? 0) > 0 || false, "console spans");
  });

  it("random sampling is stable per x-request-id (first 8 hex chars mod 10000 against value × 100)", async () => {
    const up = await upstream();
    const { port, stat } = await proxy({ random_sampling: { value: 50 } }, up);
    const low = "00000001-0000-4000-8000-000000000000"; // bucket 1 < 5000
    const high = "00001388-0000-4000-8000-000000000000"; // 0x1388 = 5000, not < 5000
    for (let i = 0; i < 3; i++) {
      await request(port, "/", { headers: { "x-request-id": low } });
      await request(port, "/", { headers: { "x-request-id": high } });
    }
    const ids = up.seen.map((r) => r.headers["x-request-id"]);
    expect(ids.filter((id) => id === "00000001-0000-b000-8000-000000000000")).toHaveLength(3);
    expect(ids.filter((id) => id === high)).toHaveLength(3);
    expect(stat("http.ingress_http.tracing.random_sampling")).toBe(3);
    expect(stat("http.ingress_http.tracing.not_traceable")).toBe(3);
  });

  it("an incoming x-b3-sampled is honoured both ways", async () => {
    const up = await upstream();
    const col = await startCollector();
    const { port } = await proxy({ random_sampling: { value: 0 }, provider: zipkin() }, up, { collector: col });
    await request(port, "/", { headers: { "x-b3-sampled": "1" } });
    await request(port, "/", { headers: { b3: "0" } });
    expect(up.seen[0].headers["x-b3-sampled"]).toBe("1");
    expect(up.seen[1].headers["x-b3-sampled"]).toBe("0");
    await waitFor(() => col.spans.length === 2, "the spans of the first request");
    await sleep(300);
    expect(col.spans).toHaveLength(2);
  });

  it("retries: each attempt is its own CLIENT span; the retried one carries the 503", async () => {
    const up = await upstream([503, 200]);
    const col = await startCollector();
    const r = route({ route: { cluster: "backend", retry_policy: { retry_on: "5xx", num_retries: 1 } } });
    const { port } = await proxy({ provider: zipkin() }, up, { collector: col, routes: [r] });
    expect((await request(port, "/")).status).toBe(200);
    await waitFor(() => col.spans.length === 3, "3 spans");
    const server = col.spans.find((x) => x.kind === "SERVER")!;
    const clients = col.spans.filter((x) => x.kind === "CLIENT").sort((a, b) => a.timestamp - b.timestamp);
    expect(clients.map((c) => c.tags["http.status_code"])).toEqual(["503", "200"]);
    expect(clients.map((c) => c.parentId)).toEqual([server.id, server.id]);
    expect(clients[0].tags.error).toBe("true");
    expect(clients[1].tags["retry.count"]).toBe("1");
    expect(up.seen.map((q) => q.headers["x-b3-spanid"])).toEqual(clients.map((c) => c.id));
    expect(clients[0].timestamp + clients[0].duration).toBeLessThanOrEqual(clients[1].timestamp);
  });

  it("reports leave at min_flush_spans without waiting for the timer; a collector answering 200 counts as dropped", async () => {
    const up = await upstream();
    const col = await startCollector(200);
    const { port, stat } = await proxy({ provider: zipkin() }, up, { collector: col, flushIntervalMs: 60_000, minFlushSpans: 5 });
    for (let i = 0; i < 3; i++) await request(port, "/");
    await waitFor(() => col.reports.length === 1, "one report", 5000);
    expect(col.spans).toHaveLength(5);
    await waitFor(() => stat("tracing.zipkin.reports_dropped") === 1, "reports_dropped");
    expect(stat("tracing.zipkin.reports_sent")).toBe(0);
  });

  it("egress listener: CLIENT downstream span, decorator propagated upstream; no route → NR", async () => {
    const up = await upstream();
    const { p, port } = await proxy({}, up, { direction: "OUTBOUND", routes: [{ ...route(), match: { prefix: "/api" } } as Route] });
    p.spans.enabled = true;
    await request(port, "/api", { headers: { host: "svc.local" } });
    expect(up.seen[0].headers["x-envoy-decorator-operation"]).toBe("checkout");
    expect((await request(port, "/nothing")).status).toBe(404);
    const spans = p.spans.take()!;
    const down = spans.filter((s) => s.parentId === undefined);
    expect(down.map((s) => s.kind)).toEqual(["CLIENT", "CLIENT"]);
    expect(down[1].tags.response_flags).toBe("NR");
    expect(down[1].name).toBe(`127.0.0.1:${port}`);
  });

  it("a request refused by the circuit breaker is tagged UO (the upstream is never touched)", async () => {
    const up = await upstream();
    const l = listener("l", [route()]);
    (l.filter_chains[0].filters[0].typed_config as { tracing?: Tracing }).tracing = {};
    const breaker = { circuit_breakers: { thresholds: [{ max_pending_requests: 0, max_requests: 0 }] } } as Partial<Cluster>;
    const p = new ProxyServer({ drainMs: 100, node: { id: "node-1" } });
    await p.apply({ listeners: [l], clusters: [cluster("backend", [up.port], breaker)] }, "v1");
    cleanups.push(() => p.shutdown(100));
    p.spans.enabled = true;
    const res = await request(p.listeners.active.get("l")!.port, "/");
    expect(res.status).toBe(503);
    expect(res.headers["x-envoy-overloaded"]).toBe("true");
    expect(up.seen).toHaveLength(0);
    const server = p.spans.take()!.find((s) => s.kind === "SERVER")!;
    expect(server.tags.response_flags).toBe("UO");
    expect(server.tags["http.status_code"]).toBe("503");
  });

  it("a config swap that drops the Zipkin provider sends the spans it had buffered, without waiting for a timer", async () => {
    const up = await upstream();
    const col = await startCollector();
    const { p, port } = await proxy({ provider: zipkin() }, up, { collector: col, flushIntervalMs: 60_000, minFlushSpans: 100 });
    await request(port, "/");
    await sleep(100);
    expect(col.reports).toHaveLength(0); // buffered: below min_flush_spans, long before the timer
    const l = listener("l", [route()], { port });
    await p.apply({ listeners: [l], clusters: [cluster("backend", [up.port]), cluster("zipkin", [col.port])] }, "v2");
    await waitFor(() => col.spans.length === 2, "the buffered SERVER and CLIENT spans", 3000);
    expect(col.reports).toHaveLength(1);
  });
});
