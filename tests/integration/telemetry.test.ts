// The console's observability end to end: the real console and its bundled worker, real upstreams and a real
// HTTP server playing a Zipkin collector on 127.0.0.1. Known traffic goes through the worker and every view must
// count exactly what was sent: series and summaries per route, cluster and node, the live channel, a forced
// circuit-breaker trip, a traced request and its search, Prometheus text, a console restart, and retention.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { spawnSync } from "node:child_process";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as C from "../../lib/contract";
import { bootstrap, cluster, listener, prefixRoute } from "../../lib/config/test-fixtures";
import { openSse } from "../support/sse";
import { api, ConsoleProcess, freePort, get, parsed, startUpstream, waitFor, startTestConsole } from "./harness";

const TOKEN = "telemetry-token-" + Math.random().toString(36).slice(2);

let dataDir: string;
let consoleProc: ConsoleProcess;
let call: ReturnType<typeof api>;
let edgePort: number;
const upstreams: Awaited<ReturnType<typeof startUpstream>>[] = [];
let collector: http.Server;
const collected: { traceId: string; id: string }[] = [];

/** requests sent through the worker, per route, by the tests so far */
const sent = { api: { total: 0, r2xx: 0, r5xx: 0 }, web: 0, slow: 0 };

/** Requests over a series: Σ rate × step. */
const count = (s: C.Series, field: "rps" | "rps2xx" | "rps5xx" | "overflow" = "rps") =>
  Math.round(s.points.reduce((a, p) => a + (field === "overflow" ? p.overflow : p[field] * (s.stepMs / 1000)), 0) * 1000) / 1000;

async function series(query: string): Promise<C.Series> {
  const r = await call("GET", `/api/telemetry/series?${query}`);
  expect(r.status, r.text).toBe(200);
  return C.Series.parse(r.json);
}

async function stat(name: string): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${consoleProc.o.workerAdminPort}/stats?filter=${encodeURIComponent(`^${name.replace(/\./g, "\\.")}$`)}`);
  const m = /: (\d+)\s*$/.exec((await r.text()).trim());
  return m ? Number(m[1]) : 0;
}

async function sendApi(ok: number, fail: number) {
  for (let i = 0; i < ok; i++) expect((await get(edgePort, `/api/ok/${i}`)).status).toBe(200);
  for (let i = 0; i < fail; i++) expect((await get(edgePort, `/api/fail/${i}`)).status).toBe(503);
  sent.api.total += ok + fail;
  sent.api.r2xx += ok;
  sent.api.r5xx += fail;
}

beforeAll(async () => {
  upstreams.push(
    await startUpstream("api", (req, res) => {
      res.statusCode = req.url?.startsWith("/api/fail") ? 503 : 200;
      res.end("api");
    }),
    await startUpstream("web"),
    await startUpstream("slow", (_req, res) => void setTimeout(() => res.end("slow"), 400)),
  );
  collector = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      if (req.method === "POST" && req.url === "/api/v2/spans") collected.push(...(JSON.parse(body) as { traceId: string; id: string }[]));
      res.statusCode = 202;
      res.end();
    });
  });
  await new Promise<void>((r) => collector.listen(0, "127.0.0.1", () => r()));

  edgePort = await freePort();
  ({ proc: consoleProc, dataDir } = await startTestConsole("signalbox-telemetry-", TOKEN));
  call = api(consoleProc.base, TOKEN);

  const zipkin = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/api/v2/spans`;
  expect((await call("PUT", "/api/settings", { zipkinCollectorUrl: zipkin })).json).toEqual({ retentionHours: 24, zipkinCollectorUrl: zipkin });
  const edge = listener("edge", edgePort, [prefixRoute("/api", "api"), prefixRoute("/web", "web"), prefixRoute("/slow", "slow")]);
  (edge.filter_chains[0].filters[0].typed_config as Record<string, unknown>).tracing = { random_sampling: { value: 100 } };
  const [apiUp, webUp, slowUp] = upstreams;
  const clusters = [cluster("api", [apiUp.port]), cluster("web", [webUp.port]), cluster("slow", [slowUp.port], { circuit_breakers: { thresholds: [{ max_requests: 1 }] } })];
  expect((await call("PUT", "/api/config", bootstrap([edge], clusters))).status).toBe(200);
  const v = await call("POST", "/api/versions", { message: "telemetry test" });
  expect(v.status).toBe(201);
  const { id } = parsed(v, C.PublishResult);
  await waitFor("the worker to apply the version", async () => (await call.as(C.NodeList, "GET", "/api/nodes")).some((n) => n.id === "local" && n.appliedVersion === id));
}, 90_000);

afterAll(async () => {
  await consoleProc?.stop();
  for (const u of upstreams) u.server.close();
  collector?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("telemetry", () => {
  it("names the routes it stores, and their stat prefixes are what the worker's route stats use", async () => {
    const routes = C.DraftRouteList.parse((await call("GET", "/api/draft/routes")).json);
    expect(routes.map((r) => [r.route.name, (r.route as { stat_prefix?: string }).stat_prefix])).toEqual([["api", "api"], ["web", "web"], ["slow", "slow"]]);
  });

  it("counts exactly what was sent per route, cluster and node, in series, summary and the live channel", async () => {
    const live = await openSse(`${consoleProc.base}/api/live`, { authorization: `Bearer ${TOKEN}` });
    expect(live.status).toBe(200);
    expect(live.headers.get("content-type")).toMatch(/^text\/event-stream/);
    await live.waitFor(1);
    await sendApi(7, 3);
    for (let i = 0; i < 5; i++) expect((await get(edgePort, `/web/${i}`)).status).toBe(200);
    sent.web += 5;

    await waitFor("the fleet series to count 15 requests", async () => count(await series("window=5m")) === 15, 15_000, 200);
    const [fleet, node, apiRoute, webRoute, apiCluster, webCluster] = await Promise.all([
      series("window=5m"), series("window=5m&node=local"), series("window=5m&route=api&vhost=default"), series("window=5m&route=web"),
      series("window=5m&cluster=api"), series("window=5m&cluster=web"),
    ]);
    expect([count(fleet), count(fleet, "rps2xx"), count(fleet, "rps5xx")]).toEqual([15, 12, 3]);
    expect([count(node), count(node, "rps2xx"), count(node, "rps5xx")]).toEqual([15, 12, 3]);
    expect([count(apiRoute), count(apiRoute, "rps2xx"), count(apiRoute, "rps5xx")]).toEqual([10, 7, 3]);
    expect([count(webRoute), count(webRoute, "rps2xx"), count(webRoute, "rps5xx")]).toEqual([5, 5, 0]);
    expect([count(apiCluster), count(apiCluster, "rps2xx"), count(apiCluster, "rps5xx")]).toEqual([10, 7, 3]);
    expect([count(webCluster), count(webCluster, "rps2xx"), count(webCluster, "rps5xx")]).toEqual([5, 5, 0]);
    expect(fleet.points).toHaveLength(300);
    expect(fleet.points.some((p) => p.latency !== null)).toBe(true);
    expect(apiRoute.points.every((p) => p.activeConnections === null)).toBe(true);
    expect(fleet.markers.map((m) => m.message)).toContain("telemetry test");

    const summary = C.TrafficSummary.parse((await call("GET", "/api/telemetry/summary?window=5m")).json);
    const perWindow = (rps: number) => Math.round(rps * 300);
    expect(perWindow(summary.fleet.rps)).toBe(15);
    expect(summary.fleet.errorRatio).toBeCloseTo(3 / 15, 6);
    expect(summary.routes.map((r) => [r.vhost, r.route, perWindow(r.rps), r.errorRatio])).toEqual([["default", "api", 10, 0.3], ["default", "web", 5, 0]]);
    expect(summary.clusters.map((c) => [c.name, perWindow(c.rps), c.errorRatio])).toEqual([["api", 10, 0.3], ["web", 5, 0]]);
    expect(summary.routes[0].latency).not.toBeNull();

    // the access-log sample names the route the console named
    const logged = await waitFor("the access-log sample", async () => {
      const l = C.AccessLogList.parse((await call("GET", "/api/access-log?route=api")).json);
      return l.entries.length === 10 ? l : null;
    }, 10_000, 200);
    expect(logged.entries.filter((e) => e.status === 503).map((e) => [e.node, e.upstreamCluster])).toEqual([["local", "api"], ["local", "api"], ["local", "api"]]);
    expect(C.AccessLogList.parse((await call("GET", "/api/access-log?status=5xx&pathContains=/api/fail")).json).entries).toHaveLength(3);

    // the live channel: one tick a second, and the ticks add up to the same counts
    const ticks = () => live.messages.filter((m) => m.event === "tick").map((m) => C.LiveTick.parse(JSON.parse(m.data)));
    const sumTicks = (pick: (t: C.LiveTick) => number) => ticks().reduce((a, t) => a + pick(t), 0);
    await waitFor("the ticks to add up to 15 requests", async () => sumTicks((t) => t.fleet.rps) === 15, 10_000, 100);
    expect(sumTicks((t) => t.nodes.local?.rps ?? 0)).toBe(15);
    expect(sumTicks((t) => t.routes.find((r) => r.route === "api")?.rps ?? 0)).toBe(10);
    expect(sumTicks((t) => t.clusters.find((c) => c.name === "web")?.rps ?? 0)).toBe(5);
    const ts = ticks().map((t) => t.t);
    expect(ts.every((t, i) => i === 0 || t - ts[i - 1] === 1000)).toBe(true);
    live.close();
  });

  it("a forced breaker overflow is one trip, opened and closed, refusing as many as the worker counted", async () => {
    const statuses = await Promise.all(Array.from({ length: 12 }, (_, i) => get(edgePort, `/slow/${i}`).then((r) => r.status)));
    sent.slow += 12;
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    const closed = await waitFor("the trip to close", async () => {
      const ev = C.EventList.parse((await call("GET", "/api/events?kind=circuit_breaker&cluster=slow")).json).events;
      return ev.find((e) => e.details.state === "closed") ? ev : null;
    }, 15_000, 200);
    expect(closed.map((e) => e.details.state)).toEqual(["closed", "open"]);
    const overflow = await stat("cluster.slow.upstream_rq_pending_overflow");
    expect(overflow).toBe(statuses.filter((s) => s === 503).length);
    const trips = C.TripList.parse((await call("GET", "/api/telemetry/trips?window=1h&cluster=slow")).json).trips;
    expect(trips).toHaveLength(1);
    expect(trips[0]).toMatchObject({ node: "local", cluster: "slow", threshold: "max_requests", max: 1, refused: overflow });
    expect(trips[0].closedAt! - trips[0].openedAt).toBeGreaterThan(0);
    await waitFor("the overflows in the cluster's series", async () => count(await series("window=5m&cluster=slow"), "overflow") === overflow, 10_000, 200);
    const summary = C.TrafficSummary.parse((await call("GET", "/api/telemetry/summary")).json);
    expect(summary.fleet.tripsLastHour).toBe(1);
    expect(summary.clusters.find((c) => c.name === "slow")?.overflow).toBe(overflow);
    const live = await waitFor("a clusters report", async () => {
      const r = await call("GET", "/api/telemetry/clusters/slow");
      const report = r.status === 200 ? parsed(r, C.ClusterLive) : null;
      return report && report.endpoints.length === 1 ? report : null;
    }, 15_000, 250);
    expect(live.usage.requests.max).toBe(1);
    expect(live.endpoints[0]).toMatchObject({ address: `127.0.0.1:${upstreams[2].port}`, healthFlags: "healthy" });
    expect((await call("GET", "/api/telemetry/clusters/nope")).status).toBe(404);
  });

  it("a sampled request's trace has its parent and child spans and tags, and every filter finds it", async () => {
    const t0 = Date.now();
    await sendApi(1, 1);
    const find = async (q: string) => C.TraceList.parse((await call("GET", `/api/traces?${q}`)).json).traces;
    const [ok] = await waitFor("the traced 200", async () => {
      const t = await find(`route=api&status=200&since=${t0}`);
      return t.length ? t : null;
    }, 15_000, 200);
    const server = ok.spans.find((s) => s.kind === "SERVER")!;
    const client = ok.spans.find((s) => s.kind === "CLIENT")!;
    expect(client.parentId).toBe(server.id);
    expect(client.traceId).toBe(server.traceId);
    expect(server.parentId).toBeUndefined();
    expect(server.tags).toMatchObject({ "http.status_code": "200", upstream_cluster: "api", response_flags: "-", node_id: "local" });
    expect(server.tags["http.url"]).toMatch(/\/api\/ok\/0$/);
    expect(client.tags).toMatchObject({ "http.status_code": "200", upstream_cluster: "api", node_id: "local" });
    expect(server.node).toBe("local");

    const id = ok.traceId;
    for (const q of [`traceId=${id}`, `traceId=${id}&route=api`, `traceId=${id}&cluster=api`, `traceId=${id}&status=2xx`, `traceId=${id}&minDurationMs=0`, `traceId=${id}&since=${t0 - 1000}&until=${Date.now()}`])
      expect((await find(q)).map((t) => t.traceId), q).toEqual([id]);
    for (const q of [`traceId=${id}&status=5xx`, `traceId=${id}&route=web`, `traceId=${id}&cluster=web`, `traceId=${id}&minDurationMs=60000`, `traceId=${id}&until=${t0 - 60_000}`])
      expect(await find(q), q).toEqual([]);
    const failed = await waitFor("the traced 503", async () => (await find(`route=api&status=503&since=${t0}`))[0]);
    expect(failed.spans.find((s) => s.kind === "SERVER")!.tags).toMatchObject({ "http.status_code": "503", error: "true" });
    expect((await call("GET", "/api/traces?status=99x")).status).toBe(400);

    // every span also went to the Zipkin collector
    await waitFor("the collector to get both traces", async () => collected.some((s) => s.traceId === id) && collected.some((s) => s.traceId === failed.traceId), 10_000, 100);
    expect(collected.filter((s) => s.traceId === id).map((s) => s.id).sort()).toEqual([server.id, client.id].sort());
  });

  it("serves every node's latest stats as Prometheus text, node-labelled, that promtool accepts", async () => {
    const r = await call("GET", "/api/metrics");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(r.text).toMatch(/^envoy_http_downstream_rq_total\{envoy_http_conn_manager_prefix="edge",node="local"\} \d+$/m);
    expect(r.text).toMatch(/^envoy_cluster_upstream_rq_time_bucket\{envoy_cluster_name="api",node="local",le="\+Inf"\} \d+$/m);
    // the series Envoy's community dashboards query, named and labelled by Envoy's tag extraction (a TLS
    // listener's certificate expiry gauge comes out of the same renderer: proxy-core's stats-parity test)
    const series = r.text.split("\n").filter((l) => l && !l.startsWith("#")).map((l) => {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(l);
      if (!m) throw new Error(`not a Prometheus sample line: ${l}`);
      const labels = Object.fromEntries([...(m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
      return { name: m[1], labels, value: Number(m[3]) };
    });
    const has = (name: string, labels: Record<string, string | RegExp>) =>
      series.some((x) => x.name === name && Object.entries(labels).every(([k, v]) => (typeof v === "string" ? x.labels[k] === v : v.test(x.labels[k] ?? ""))));
    const edge = { envoy_http_conn_manager_prefix: "edge", node: "local" };
    const api_ = { envoy_cluster_name: "api", node: "local" };
    const expected: [string, Record<string, string | RegExp>][] = [
      ["envoy_listener_http_downstream_rq_xx", { ...edge, envoy_response_code_class: "2", envoy_listener_address: /^127\.0\.0\.1_\d+$/ }],
      ["envoy_http_downstream_rq_xx", { ...edge, envoy_response_code_class: "5" }],
      ["envoy_http_downstream_rq_time_bucket", { ...edge, le: /./ }],
      ["envoy_http_downstream_cx_destroy", edge],
      ["envoy_http_downstream_cx_idle_timeout", edge],
      ["envoy_http_downstream_cx_rx_bytes_total", edge],
      ["envoy_http_downstream_cx_tx_bytes_total", edge],
      ["envoy_http_downstream_rq_tx_reset", edge],
      ["envoy_cluster_upstream_rq_xx", { ...api_, envoy_response_code_class: "2" }],
      ["envoy_cluster_circuit_breakers_default_rq_open", { envoy_cluster_name: "slow", node: "local" }],
      ["envoy_cluster_circuit_breakers_default_cx_pool_open", api_],
      ["envoy_cluster_upstream_cx_destroy", api_],
      ["envoy_cluster_upstream_cx_rx_bytes_total", api_],
      ["envoy_cluster_upstream_cx_tx_bytes_total", api_],
      ["envoy_cluster_upstream_cx_connect_ms_bucket", { ...api_, le: /./ }],
      ["envoy_cluster_membership_degraded", api_],
      ["envoy_cluster_membership_excluded", api_],
      ["envoy_server_uptime", { node: "local" }],
      ["envoy_server_memory_allocated", { node: "local" }],
      ["envoy_server_memory_heap_size", { node: "local" }],
    ];
    expect(expected.filter(([n, l]) => !has(n, l)).map(([n, l]) => `${n} ${JSON.stringify(l, (_k, v) => (v instanceof RegExp ? String(v) : v))}`)).toEqual([]);
    const lint = spawnSync("promtool", ["check", "metrics"], { input: r.text, encoding: "utf8" });
    if (lint.error) console.log("[it] promtool not installed: skipping its check");
    else expect([0, 3], lint.stdout + lint.stderr).toContain(lint.status);
    expect((await api(consoleProc.base, null)("GET", "/api/metrics")).status).toBe(401);
  });

  it("keeps what was counted across a console restart (1h series from SQLite)", async () => {
    expect(await consoleProc.stop()).toBe(0);
    await consoleProc.start();
    await waitFor("the worker back", async () => (await call.as(C.NodeList, "GET", "/api/nodes")).some((n) => n.id === "local" && n.connected), 30_000, 100);
    // the current 10 s step is left out of the window: wait for the last traffic's bucket to be over
    await waitFor("the 1h series to count everything", async () => count(await series("window=1h&route=api&vhost=default")) === sent.api.total, 30_000, 500);
    const apiRoute = await series("window=1h&route=api&vhost=default");
    expect([count(apiRoute, "rps2xx"), count(apiRoute, "rps5xx")]).toEqual([sent.api.r2xx, sent.api.r5xx]);
    expect(count(await series("window=1h&cluster=web"))).toBe(sent.web);
    expect(count(await series("window=1h"))).toBe(sent.api.total + sent.web + sent.slow);
    expect(count(await series("window=1h&node=local"))).toBe(sent.api.total + sent.web + sent.slow);
    const day = await series("window=24h");
    expect(day.stepMs).toBe(60_000);
    await waitFor("the 24h series to count everything", async () => count(await series("window=24h")) === sent.api.total + sent.web + sent.slow, 70_000, 1000);
    const kinds = C.EventList.parse((await call("GET", "/api/events?limit=1000")).json).events.map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(["publish", "connected", "disconnected", "circuit_breaker"]));
  }, 120_000);

  it("prunes rollups and events older than the retention setting, and keeps the rest", async () => {
    const dbFile = path.join(dataDir, "signalbox.db");
    const old = Date.now() - 3 * 3_600_000;
    const db = new Database(dbFile);
    db.pragma("busy_timeout = 5000");
    const frame = JSON.stringify({ d: { q: [1000, 0, 1000, 0, 0, 0] }, r: {}, c: {} });
    const insert = db.prepare(`INSERT INTO "TelemetryRollup" ("step", "node", "t", "data") VALUES (?, ?, ?, ?)`);
    for (let i = 0; i < 30; i++) insert.run(60_000, "*", Math.floor(old / 60_000) * 60_000 - i * 60_000, frame);
    db.prepare(`INSERT INTO "Event" ("id", "ts", "node", "kind", "cluster", "details") VALUES (?, ?, ?, ?, ?, ?)`).run(90_000_000, old, "gone", "health_flip", "web", "{}");
    const dayBefore = count(await series("window=24h"));
    expect(dayBefore).toBe(sent.api.total + sent.web + sent.slow + 30_000);
    expect(C.EventList.parse((await call("GET", "/api/events?node=gone")).json).events).toHaveLength(1);

    const put = await call("PUT", "/api/settings", { retentionHours: 1 });
    expect(put.status).toBe(200);
    expect(parsed(put, C.Settings).retentionHours).toBe(1);
    expect(C.Settings.parse((await call("GET", "/api/settings")).json).retentionHours).toBe(1);
    const audit = C.AuditList.parse((await call("GET", "/api/audit?limit=5")).json);
    expect(audit[0]).toMatchObject({ actor: "admin", action: "settings.update", target: "settings", details: { retentionHours: { from: 24, to: 1 } } });

    await waitFor("the old rows to be pruned", async () => C.EventList.parse((await call("GET", "/api/events?node=gone")).json).events.length === 0, 10_000, 100);
    expect((db.prepare(`SELECT COUNT(*) AS n FROM "TelemetryRollup" WHERE "t" < ?`).get(Date.now() - 3_600_000) as { n: number }).n).toBe(0);
    db.close();
    expect(count(await series("window=24h"))).toBe(sent.api.total + sent.web + sent.slow);
    expect(count(await series("window=1h&route=api"))).toBe(sent.api.total);
    expect((await call("PUT", "/api/settings", { retentionHours: 0 })).status).toBe(400);
    expect((await call("PUT", "/api/settings", { zipkinCollectorUrl: "ftp://x" })).status).toBe(400);
  });
});
