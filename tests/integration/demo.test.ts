// Demo traffic through the public API, on the real console + bundled worker: POST /api/demo starts sample
// upstreams in the console's process, publishes the demo routes as the actor "demo" and sends load through
// the worker's listener; within 10 s the breaker on the slow cluster has refused requests and the flaky route
// has retried. DELETE stops everything and takes the routes out again. Also scripts/demo.ts as a real process.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { BootstrapDocument } from "../../lib/contract/draft";
import { TraceList } from "../../lib/contract/traces";
import { VersionList } from "../../lib/contract/versions";
import { DemoStatus, DemoStopResult } from "../../lib/demo/contract";
import { dashboardFamilies } from "../deploy/promql";
import { api, assertBuilt, ConsoleProcess, errorBody, freePort, get, isAlive, ROOT, sleep, tmpDir } from "./harness";

const TOKEN = "demo-token-" + Math.random().toString(36).slice(2);
const STARTER_TEXT = "Signalbox is running: open the console to add routes";

let dataDir: string;
let consoleProc: ConsoleProcess;
let call: ReturnType<typeof api>;
let starterPort: number;
let adminPort: number;
let script: ChildProcess | null = null;

beforeAll(async () => {
  assertBuilt();
  dataDir = tmpDir("signalbox-demo-");
  [starterPort, adminPort] = [await freePort(), await freePort()];
  consoleProc = new ConsoleProcess({ dataDir, port: await freePort(), token: TOKEN, starterPort, workerAdminPort: adminPort });
  await consoleProc.start();
  call = api(consoleProc.base, TOKEN);
  // the starter version is applied before anything else is published
  await consoleProc.until("the starter listener", async () => (await get(starterPort, "/").catch(() => null))?.body === STARTER_TEXT);
});

afterAll(async () => {
  if (script?.pid && script.exitCode === null && script.signalCode === null) process.kill(script.pid, "SIGKILL");
  await consoleProc?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** One stat of the bundled worker, from its admin /stats (the way an operator reads it). */
async function workerStat(name: string): Promise<number> {
  const r = await get(adminPort, `/stats?filter=${encodeURIComponent(`^${name.replace(/[.-]/g, "\\$&")}$`)}`);
  const m = /: (\d+)\s*$/.exec(r.body.trim());
  return m ? Number(m[1]) : 0;
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    s.once("connect", () => {
      s.destroy();
      resolve(false);
    });
    s.once("error", (e: NodeJS.ErrnoException) => resolve(e.code === "ECONNREFUSED"));
  });
}

async function demoStatus(): Promise<DemoStatus> {
  const r = await call("GET", "/api/demo");
  expect(r.status).toBe(200);
  return DemoStatus.parse(r.json);
}

async function liveVersionId(): Promise<string> {
  return (await call.as(VersionList, "GET", "/api/versions"))[0].id;
}

/** The part of a draft listener the tests read: each filter's typed_config, every field kept. */
const ListenerFilters = z.object({ filter_chains: z.array(z.object({ filters: z.array(z.object({ typed_config: z.record(z.string(), z.unknown()) })) })) });

describe("demo traffic", () => {
  let started: DemoStatus;

  it("needs the admin token", async () => {
    for (const m of ["GET", "POST", "DELETE"]) expect((await api(consoleProc.base, null)(m, "/api/demo", m === "POST" ? {} : undefined)).status).toBe(401);
    expect((await call("POST", "/api/demo", { durationS: 0 })).status).toBe(400);
  });

  it("within 10 s: the demo routes answer through the worker, the slow cluster's breaker refuses, the flaky route retries", async () => {
    const t0 = Date.now();
    const r = await call("POST", "/api/demo", { durationS: 120 });
    expect(r.status, r.text).toBe(201);
    started = DemoStatus.parse(r.json);
    expect(started).toMatchObject({ running: true, target: `127.0.0.1:${starterPort}`, publishedVersion: { number: 2 } });
    expect(started.upstreams.map((u) => [u.kind, u.name])).toEqual([["healthy", "demo-healthy"], ["slow", "demo-slow"], ["flaky", "demo-flaky"]]);
    const v = (await call.as(VersionList, "GET", "/api/versions"))[0];
    expect(v).toMatchObject({ number: 2, author: "demo", message: expect.stringMatching(/^demo: sample upstreams/) });

    // the user's starter route is still there, after the demo's
    expect(await get(starterPort, "/demo/healthy")).toMatchObject({ status: 200, body: expect.stringContaining("healthy upstream") });
    expect(await get(starterPort, "/")).toMatchObject({ status: 200, body: STARTER_TEXT });

    await consoleProc.until("the slow cluster's breaker to refuse requests", async () => (await workerStat("cluster.demo-slow.upstream_rq_pending_overflow")) > 0, 10_000, 100);
    await consoleProc.until("retries on the flaky route", async () => (await workerStat("cluster.demo-flaky.upstream_rq_retry")) > 0, 10_000, 100);
    await consoleProc.until("a trace of a demo request", async () => {
      const t = await call.as(TraceList, "GET", "/api/traces?limit=50");
      return t.traces.some((x) => x.spans.some((s) => s.name.startsWith("demo ")));
    }, 10_000, 100);
    const s = await consoleProc.until("every route to carry load", async () => {
      const st = await demoStatus();
      return st.routes.every((x) => x.sent > 0) && st.responses["5xx"] > 0 && st.responses["2xx"] > 0 ? st : null;
    }, 10_000, 100);
    expect(Date.now() - t0).toBeLessThan(10_000);

    // GET /api/demo counts what it sent, per route and by answer
    expect(s.requestsSent).toBe(s.routes.reduce((a, x) => a + x.sent, 0));
    const answered = Object.values(s.responses).reduce((a, n) => a + n, 0);
    expect(answered).toBeLessThanOrEqual(s.requestsSent);
    expect(s.publishedVersion).toEqual(started.publishedVersion);
    expect(s.notes.join("\n")).toMatch(/tracing: 100 % sampling added/);

    // a second start while it runs is refused
    const again = await call("POST", "/api/demo", {});
    expect(again.status).toBe(409);
    expect(errorBody(again).error.message).toMatch(/already running/);
  });

  it("the worker's /stats/prometheus carries every family the Grafana dashboard charts, with the demo's series", async () => {
    const prom = (await get(adminPort, "/stats/prometheus")).body;
    const families = new Set([...prom.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    // Envoy's server.uptime: a proxy-core that does not emit it yet leaves the dashboard's uptime panel empty
    const NOT_IN_PROXY_CORE = ["envoy_server_uptime"];
    expect(dashboardFamilies().filter((f) => !families.has(f) && !NOT_IN_PROXY_CORE.includes(f))).toEqual([]);
    const overflow = /^envoy_cluster_upstream_rq_pending_overflow\{[^}]*envoy_cluster_name="demo-slow"[^}]*\} (\d+)$/m.exec(prom);
    expect(Number(overflow?.[1])).toBeGreaterThan(0);
    expect(prom).toMatch(/^envoy_http_downstream_rq_xx\{[^}]*envoy_http_conn_manager_prefix="main"[^}]*envoy_response_code_class="5"|^envoy_http_downstream_rq_xx\{[^}]*envoy_response_code_class="5"[^}]*envoy_http_conn_manager_prefix="main"/m);
  });

  it("DELETE stops the load and closes the upstreams, and publishes a version without the demo routes", async () => {
    const r = await call("DELETE", "/api/demo");
    expect(r.status, r.text).toBe(200);
    const stopped = DemoStopResult.parse(r.json);
    expect(stopped).toMatchObject({ running: false, stopReason: "stopped", upstreams: [], config: { removed: true, version: { number: 3 } } });
    await sleep(1000);
    expect((await demoStatus()).requestsSent).toBe(stopped.requestsSent);
    for (const u of started.upstreams) expect(await refused(u.port), `${u.kind} upstream port ${u.port}`).toBe(true);

    // the worker is back to the user's config: /demo/* falls through to the starter route, and no tracing
    await consoleProc.until("the starter route to take /demo/ again", async () => (await get(starterPort, "/demo/healthy")).body === STARTER_TEXT);
    const draft = await call.as(BootstrapDocument, "GET", "/api/config");
    expect(draft.static_resources.clusters).toEqual([]);
    expect(ListenerFilters.parse(draft.static_resources.listeners[0]).filter_chains[0].filters[0].typed_config.tracing).toBeUndefined();

    // nothing to stop or remove any more: still 200, and it says so
    const twice = DemoStopResult.parse((await call("DELETE", "/api/demo")).json);
    expect(twice.config).toEqual({ removed: false, reason: "the config has no demo routes or clusters" });
  });

  it("refuses to start with 409 while the draft has unpublished changes, and starts nothing", async () => {
    const draft = await call.as(BootstrapDocument, "GET", "/api/config");
    draft.static_resources.clusters.push({ name: "half-done", type: "STATIC", connect_timeout: "1s", load_assignment: { cluster_name: "half-done", endpoints: [] } });
    expect((await call("PUT", "/api/config", draft)).status).toBe(200);
    const versionBefore = await liveVersionId();

    const r = await call("POST", "/api/demo", {});
    expect(r.status).toBe(409);
    expect(errorBody(r).error.message).toMatch(/^cannot start the demo: the draft has 1 unpublished change: publish it .* or discard it first/);
    expect(await liveVersionId()).toBe(versionBefore);
    expect(await demoStatus()).toMatchObject({ running: false, upstreams: [] });

    // discard the change for the next test
    expect((await call("DELETE", "/api/draft")).status).toBe(200);
    expect(await liveVersionId()).toBe(versionBefore);
  });

  it("stops sending by itself after durationS; the upstreams stay until DELETE", async () => {
    const r = await call("POST", "/api/demo", { durationS: 2 });
    expect(r.status, r.text).toBe(201);
    const s = DemoStatus.parse(r.json);
    expect(Date.parse(s.endsAt!) - Date.parse(s.startedAt!)).toBe(2000);
    const ended = await consoleProc.until("the load to end by itself", async () => {
      const st = await demoStatus();
      return st.running ? null : st;
    }, 8000, 100);
    expect(ended).toMatchObject({ stopReason: "duration", stoppedAt: expect.any(String) });
    expect(ended.requestsSent).toBeGreaterThan(20);
    await sleep(500);
    expect((await demoStatus()).requestsSent).toBe(ended.requestsSent);
    // the routes can still be tried by hand until DELETE closes the upstreams
    expect(await get(starterPort, "/demo/healthy")).toMatchObject({ status: 200 });
    expect(DemoStopResult.parse((await call("DELETE", "/api/demo")).json).config.removed).toBe(true);
    for (const u of s.upstreams) expect(await refused(u.port)).toBe(true);
  });

  it("npm run demo (scripts/demo.ts) starts the demo, reports progress, and Ctrl-C stops it and removes the routes", async () => {
    const p = spawn(process.execPath, ["--import", "tsx", "scripts/demo.ts", "--url", consoleProc.base, "--duration", "60", "--every", "1"], {
      cwd: ROOT,
      env: { ...process.env, SIGNALBOX_ADMIN_TOKEN: TOKEN },
      stdio: ["ignore", "pipe", "pipe"],
    });
    script = p;
    let out = "";
    p.stdout!.on("data", (c) => (out += c));
    p.stderr!.on("data", (c) => (out += c));
    const exited = new Promise<number | null>((r) => p.once("exit", (code) => r(code)));

    await consoleProc.until("the script to start the demo", async () => out.includes("Ctrl-C stops it"), 20_000, 50).catch((e) => {
      throw new Error(`${(e as Error).message}\n${out}`);
    });
    expect(out).toMatch(/demo traffic started on .* \(published v\d+, author "demo"\)/);
    expect(out).toContain(`curl http://127.0.0.1:${starterPort}/demo/slow`);
    const running = await demoStatus();
    expect(running.running).toBe(true);
    await consoleProc.until("progress lines", async () => /sent \d+ · 2xx \d+/.test(out), 10_000, 100);
    await consoleProc.until("load", async () => (await demoStatus()).requestsSent > 30, 10_000, 100);

    process.kill(p.pid!, "SIGINT");
    const code = await Promise.race([exited, sleep(20_000).then(() => "timeout")]);
    expect(code, out).toBe(0);
    expect(out).toContain("Ctrl-C: stopping the demo");
    expect(out).toMatch(/demo routes and clusters removed in v\d+/);
    expect(isAlive(p.pid!)).toBe(false);
    const after = await demoStatus();
    expect(after).toMatchObject({ running: false, stopReason: "stopped", upstreams: [] });
    for (const u of running.upstreams) expect(await refused(u.port)).toBe(true);
  });

  it("stopping the console while the demo runs stops it too, without stretching the worker's drain", async () => {
    const r = await call("POST", "/api/demo", {});
    expect(r.status, r.text).toBe(201);
    const s = DemoStatus.parse(r.json);
    await consoleProc.until("load", async () => (await demoStatus()).requestsSent > 10, 10_000, 100);
    const t0 = Date.now();
    expect(await consoleProc.stop()).toBe(0);
    // without the demo's halt the load keeps the worker's connections busy for its whole 5 s drain
    expect(Date.now() - t0).toBeLessThan(4000);
    for (const u of s.upstreams) expect(await refused(u.port)).toBe(true);
  });
});
