// Publish guards end to end: the real console (its bundled worker off) and a real proxy-core worker started here
// with --node-label, in front of real upstreams on 127.0.0.1, one answering 200 and one answering 500. A guarded
// publish that sends /api to the failing upstream is rolled back by the console within its window, authored by
// `guard` with the reason, and the worker serves the good version again; a clean publish passes; a newer publish
// cancels a guard; a console restart resumes one. The worker's labels reach GET /api/nodes; a bad one is refused.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GuardList, type GuardRunView } from "../../lib/contract/guard";
import { NodeList } from "../../lib/contract/nodes";
import { AuditList } from "../../lib/contract/audit";
import { EventList } from "../../lib/contract/events";
import { PublishResult, VersionList } from "../../lib/contract/versions";
import { bootstrap, cluster, listener } from "../../lib/config/test-fixtures";
import { api, assertBuilt, ConsoleProcess, freePort, get, parsed, ROOT, sleep, startUpstream, tmpDir, waitFor } from "./harness";

const TOKEN = "guard-token-" + Math.random().toString(36).slice(2);
const BIN = path.join(ROOT, "proxy-core/bin/proxy-core.mjs");

let dataDir: string;
let consoleProc: ConsoleProcess;
let call: ReturnType<typeof api>;
let edgePort: number;
let worker: ChildProcess;
let workerLog = "";
const upstreams: Awaited<ReturnType<typeof startUpstream>>[] = [];
let baseId: string;

const route = (prefix: string, c: string, extra: Record<string, unknown> = {}) => ({ name: prefix.slice(1), stat_prefix: prefix.slice(1), match: { prefix }, route: { cluster: c, ...extra } });
/** The edge listener: /api and /web, each to the cluster given. */
function config(apiCluster: string, more: Record<string, unknown>[] = []) {
  return bootstrap([listener("edge", edgePort, [route("/api", apiCluster), route("/web", "good"), ...more])], [cluster("good", [upstreams[0].port]), cluster("bad", [upstreams[1].port])]);
}

async function publish(message: string, doc: unknown, guard?: Record<string, unknown>) {
  expect((await call("PUT", "/api/config", doc)).status).toBe(200);
  const r = await call("POST", "/api/versions", { message, ...(guard ? { guard } : {}) });
  expect(r.status, r.text).toBe(201);
  return parsed(r, PublishResult);
}

async function guards(): Promise<GuardRunView[]> {
  return GuardList.parse((await call("GET", "/api/guards")).json).guards;
}
const guardOf = async (versionId: string) => (await guards()).find((g) => g.versionId === versionId);

async function applied(versionId: string) {
  await waitFor(`the worker to apply ${versionId}`, async () => NodeList.parse((await call("GET", "/api/nodes")).json).some((n) => n.id === "edge-1" && n.connected && n.appliedVersion === versionId), 15_000, 50);
}

/** Requests to `p` in batches until `done` answers something; statuses counted. */
async function trafficUntil<T>(p: string, done: () => Promise<T | undefined | null | false>, timeoutMs: number) {
  const statuses: Record<number, number> = {};
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (let i = 0; i < 10; i++) {
      const s = (await get(edgePort, `${p}/${i}`)).status;
      statuses[s] = (statuses[s] ?? 0) + 1;
    }
    const v = await done();
    if (v) return { value: v, statuses };
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms (sent ${JSON.stringify(statuses)})`);
}

async function versions() {
  return call.as(VersionList, "GET", "/api/versions");
}

function startWorker(adminPort: number) {
  const args = [BIN, "--control-plane", `ws://127.0.0.1:${consoleProc.o.port}/ws/worker`, "--node-id", "edge-1", "--token", TOKEN, "--admin-address", `127.0.0.1:${adminPort}`, "--node-label", "zone=eu-west.1", "--node-label", "tier=edge"];
  worker = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  worker.stdout!.on("data", (d) => (workerLog += d));
  worker.stderr!.on("data", (d) => (workerLog += d));
}

beforeAll(async () => {
  assertBuilt();
  upstreams.push(
    await startUpstream("good"),
    await startUpstream("bad", (_req, res) => {
      res.statusCode = 500;
      res.end("broken");
    }),
  );
  dataDir = tmpDir("signalbox-guard-");
  edgePort = await freePort();
  consoleProc = new ConsoleProcess({ dataDir, port: await freePort(), token: TOKEN, starterPort: await freePort(), workerAdminPort: await freePort(), env: { SIGNALBOX_WORKER: "off" } });
  await consoleProc.start();
  call = api(consoleProc.base, TOKEN);
  startWorker(await freePort());
  baseId = (await publish("base: /api and /web to the good upstream", config("good"))).id;
  await applied(baseId);
  expect((await get(edgePort, "/api/x")).status).toBe(200);
}, 90_000);

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const exited = new Promise((r) => worker.once("exit", r));
    worker.kill("SIGTERM");
    await exited;
  }
  await consoleProc?.stop();
  for (const u of upstreams) u.server.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("node labels", () => {
  it("the worker's --node-label pairs reach the Node row and GET /api/nodes", async () => {
    const node = NodeList.parse((await call("GET", "/api/nodes")).json).find((n) => n.id === "edge-1");
    expect(node?.labels).toEqual({ zone: "eu-west.1", tier: "edge" });
  });

  it("refuses a malformed label before starting", async () => {
    // async, not spawnSync: a blocked event loop lets the console close this process's keep-alive sockets
    const run = (bad: string) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const p = spawn(process.execPath, [BIN, "--control-plane", "ws://127.0.0.1:1/ws/worker", "--node-label", bad], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        p.stderr!.on("data", (d) => (stderr += d));
        p.on("exit", (code) => resolve({ code, stderr }));
      });
    const bads = ["zone", "zone=", "=eu", "zone=eu west", `k=${"v".repeat(64)}`];
    const results = await Promise.all(bads.map(run));
    bads.forEach((bad, i) => {
      expect(results[i].code, bad).toBe(1);
      expect(results[i].stderr, bad).toContain(`--node-label must be KEY=VALUE, each 1-63 characters of [A-Za-z0-9._-], got "${bad}"`);
    });
  });
});

describe("publish guard", () => {
  it("refuses bad guard parameters with the field path, publishing nothing", async () => {
    const before = (await versions()).length;
    expect((await call("PUT", "/api/config", config("good", [route("/x", "good")]))).status).toBe(200);
    for (const [guard, field] of [[{ maxErrorRatio: 0 }, "guard.maxErrorRatio"], [{ maxErrorRatio: 1.5 }, "guard.maxErrorRatio"], [{ windowS: 4 }, "guard.windowS"], [{ windowS: 601 }, "guard.windowS"]] as const) {
      const r = await call("POST", "/api/versions", { message: "bad guard", guard });
      expect(r.status, r.text).toBe(400);
      expect(JSON.stringify(r.json)).toContain(field);
    }
    expect((await versions()).length).toBe(before);
    expect((await call("PUT", "/api/config", config("good"))).status).toBe(200);
  });

  it("rolls back a publish whose changed route answers 500, within the window, as a version by `guard`", async () => {
    const v = await publish("send /api to the new backend", config("bad"), { windowS: 10 });
    expect(v.guard).toMatchObject({ state: "running", previousVersionId: baseId, params: { maxErrorRatio: 0.05, windowS: 10, minRequests: 20 } });
    await applied(v.id);
    const { value: g, statuses } = await trafficUntil("/api", async () => {
      const g = await guardOf(v.id);
      return g && g.state !== "running" ? g : null;
    }, 15_000);
    expect(g.state, g.reason ?? "").toBe("rolled_back");
    expect(statuses[500]).toBeGreaterThanOrEqual(20);
    expect(g.reason).toMatch(/^guard: 5xx \d+% \(\d+\/\d+\) on route \/api on edge\/default over \d+ s > 5%$/);
    const rb = (await versions()).find((x) => x.id === g.rollbackVersionId)!;
    expect(rb).toMatchObject({ author: "guard", message: g.reason, rollbackOfId: baseId, live: true });
    expect(new Date(rb.createdAt).getTime() - new Date(g.startedAt).getTime()).toBeLessThan(10_000);

    // the worker serves the good version again
    await applied(rb.id);
    for (let i = 0; i < 5; i++) expect((await get(edgePort, `/api/after/${i}`)).status).toBe(200);

    // audited and in the event feed
    const audit = await call.as(AuditList, "GET", "/api/audit");
    expect(audit.find((a) => a.action === "version.rollback" && a.target === rb.id)?.actor).toBe("guard");
    expect(audit.find((a) => a.action === "guard.rollback" && a.target === v.id)).toMatchObject({ actor: "guard", details: { reason: g.reason, rollbackVersionId: rb.id } });
    const events = await call.as(EventList, "GET", "/api/events?kind=guard_rollback");
    expect(events.events.map((e) => e.details.reason)).toEqual([g.reason]);
    // on the banner until acknowledged
    expect(GuardList.parse((await call("GET", "/api/guards?unacknowledged=1")).json).guards.map((x) => x.id)).toEqual([g.id]);
    expect((await call("POST", `/api/guards/${g.id}/ack`)).status).toBe(200);
    expect(GuardList.parse((await call("GET", "/api/guards?unacknowledged=1")).json).guards).toEqual([]);
  });

  it("a clean publish passes its window, records guard_passed and publishes nothing", async () => {
    const v = await publish("add /status", config("good", [route("/status", "good")]), { windowS: 5 });
    await applied(v.id);
    const { value: g } = await trafficUntil("/api", async () => {
      const g = await guardOf(v.id);
      return g && g.state !== "running" ? g : null;
    }, 15_000);
    expect(g.state, g.reason ?? "").toBe("passed");
    const list = await versions();
    expect(list[0]).toMatchObject({ id: v.id, live: true });
    const events = await call.as(EventList, "GET", "/api/events?kind=guard_passed");
    expect(events.events.map((e) => e.details.versionId)).toEqual([v.id]);
  });

  it("a newer publish cancels a running guard: its failing traffic rolls nothing back", async () => {
    const v = await publish("/api to the new backend again", config("bad"), { windowS: 10 });
    // newer, still failing on /api: the first guard would roll back if it still ran
    const newer = await publish("and a /status route", config("bad", [route("/status", "good")]));
    await applied(newer.id);
    await trafficUntil("/api", async () => (await guardOf(v.id))?.state === "cancelled", 5000);
    for (let i = 0; i < 30; i++) expect((await get(edgePort, `/api/more/${i}`)).status).toBe(500);
    await sleep(2500);
    expect((await guardOf(v.id))?.state).toBe("cancelled");
    expect((await versions())[0]).toMatchObject({ id: newer.id, live: true, author: "admin" });
    const fixed = await publish("back to the good backend", config("good"));
    await applied(fixed.id);
  });

  it("a console restart resumes a running guard", async () => {
    const v = await publish("/api to the new backend, guarded across a restart", config("bad"), { windowS: 60 });
    await consoleProc.stop();
    await consoleProc.start();
    expect(consoleProc.log).toContain("resumed the guard of");
    await applied(v.id);
    const { value: g } = await trafficUntil("/api", async () => {
      const g = await guardOf(v.id);
      return g && g.state !== "running" ? g : null;
    }, 20_000);
    expect(g.state).toBe("rolled_back");
    await applied(g.rollbackVersionId!);
    expect((await get(edgePort, "/api/x")).status).toBe(200);
  }, 90_000);
});
