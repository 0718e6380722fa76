// Canary publishes end to end: the real console (its bundled worker off) and two real proxy-core workers started
// here with different --node-label pairs, in front of two real upstreams on 127.0.0.1. Each worker's listener is
// on port 0 (both run the same config on one machine) and found through its admin /listeners. A canary to the
// labelled node sends its traffic to the new cluster while the other keeps the live one; promote moves both;
// abort puts the canary node back; a publish during a canary is refused; a restarted worker comes back on the canary.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeList } from "../../lib/contract/nodes";
import { RolloutState } from "../../lib/contract/rollout";
import { DraftStatus } from "../../lib/contract/draft";
import { GuardList } from "../../lib/contract/guard";
import { PublishResult, VersionList, VersionSummary } from "../../lib/contract/versions";
import { EventList, type EventRow } from "../../lib/contract/events";
import { eventText } from "../../components/telemetry/event-lines";
import { bootstrap, cluster, listener } from "../../lib/config/test-fixtures";
import { api, assertBuilt, ConsoleProcess, errorBody, freePort, get, parsed, ROOT, sleep, startUpstream, tmpDir, waitFor } from "./harness";

const TOKEN = "canary-token-" + Math.random().toString(36).slice(2);
const BIN = path.join(ROOT, "proxy-core/bin/proxy-core.mjs");

interface Worker {
  id: string;
  labels: string[];
  adminPort: number;
  proc?: ChildProcess;
  log: string;
}

let dataDir: string;
let consoleProc: ConsoleProcess;
let call: ReturnType<typeof api>;
const upstreams: Awaited<ReturnType<typeof startUpstream>>[] = [];
const workers: Record<"a" | "b", Worker> = {
  a: { id: "edge-a", labels: ["zone=a", "ring=canary"], adminPort: 0, log: "" },
  b: { id: "edge-b", labels: ["zone=b"], adminPort: 0, log: "" },
};
let liveId: string;
let baseId: string;

/** /api to cluster `c`; `tag` makes otherwise equal configs differ (a new version). */
const config = (c: "one" | "two" | "bad", tag = "x") =>
  bootstrap(
    [listener("edge", 0, [{ name: "api", match: { prefix: "/api" }, route: { cluster: c } }, { name: tag, match: { prefix: `/${tag}` }, route: { cluster: "one" } }])],
    [cluster("one", [upstreams[0].port]), cluster("two", [upstreams[1].port]), ...(c === "bad" ? [cluster("bad", [upstreams[2].port])] : [])],
  );

function startWorker(w: Worker) {
  const args = [BIN, "--control-plane", `ws://127.0.0.1:${consoleProc.o.port}/ws/worker`, "--node-id", w.id, "--token", TOKEN, "--admin-address", `127.0.0.1:${w.adminPort}`, ...w.labels.flatMap((l) => ["--node-label", l])];
  w.proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  w.proc.stdout!.on("data", (d) => (w.log += d));
  w.proc.stderr!.on("data", (d) => (w.log += d));
}

async function stopWorker(w: Worker) {
  if (!w.proc || w.proc.exitCode !== null) return;
  const exited = new Promise((r) => w.proc!.once("exit", r));
  w.proc.kill("SIGTERM");
  await exited;
}

/** The port worker `w`'s edge listener got (admin /listeners: `edge::127.0.0.1:PORT`). */
async function edgePort(w: Worker): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${w.adminPort}/listeners`);
  const m = /^edge::[\d.]+:(\d+)$/m.exec(await r.text());
  if (!m) throw new Error(`no edge listener on ${w.id}`);
  return Number(m[1]);
}

/** Which upstream answers /api through worker `w`. */
async function servedBy(w: Worker): Promise<string> {
  return (await get(await edgePort(w), "/api/x")).body.split(" ")[0];
}

async function nodes() {
  return NodeList.parse((await call("GET", "/api/nodes")).json);
}

async function applied(w: Worker, versionId: string) {
  await waitFor(`${w.id} to apply ${versionId}`, async () => (await nodes()).some((n) => n.id === w.id && n.connected && n.appliedVersion === versionId), 15_000, 50);
}

/** The feed's line (as the Overview renders it) of the newest `kind` event about version `versionId`. */
async function eventLine(kind: string, versionId: string): Promise<string> {
  const e = await waitFor(`a ${kind} event of ${versionId}`, async () => EventList.parse((await call("GET", `/api/events?kind=${kind}`)).json).events.find((x: EventRow) => x.details.versionId === versionId), 10_000, 50);
  return eventText(e);
}

async function publish(message: string, doc: unknown, canary?: unknown) {
  expect((await call("PUT", "/api/config", doc)).status).toBe(200);
  return call("POST", "/api/versions", { message, ...(canary ? { canary } : {}) });
}

beforeAll(async () => {
  assertBuilt();
  upstreams.push(
    await startUpstream("one"),
    await startUpstream("two"),
    await startUpstream("bad", (_req, res) => {
      res.statusCode = 500;
      res.end("bad");
    }),
  );
  dataDir = tmpDir("signalbox-canary-");
  consoleProc = new ConsoleProcess({ dataDir, port: await freePort(), token: TOKEN, starterPort: await freePort(), workerAdminPort: await freePort(), env: { SIGNALBOX_WORKER: "off" } });
  await consoleProc.start();
  call = api(consoleProc.base, TOKEN);
  for (const w of Object.values(workers)) {
    w.adminPort = await freePort();
    startWorker(w);
  }
  const r = await publish("base: /api to one", config("one"));
  expect(r.status, r.text).toBe(201);
  liveId = baseId = parsed(r, PublishResult).id;
  await applied(workers.a, liveId);
  await applied(workers.b, liveId);
  expect(await servedBy(workers.a)).toBe("one");
  expect(await servedBy(workers.b)).toBe("one");
}, 90_000);

afterAll(async () => {
  for (const w of Object.values(workers)) await stopWorker(w);
  await consoleProc?.stop();
  for (const u of upstreams) u.server.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("canary publishes", () => {
  it("refuses a bad canary body with the field path", async () => {
    expect((await call("PUT", "/api/config", config("two", "bad"))).status).toBe(200);
    const two = await call("POST", "/api/versions", { message: "m", canary: { percent: 10, nodes: ["edge-a"] } });
    expect(two.status).toBe(400);
    expect(two.text).toContain("canary");
    const pct = await call("POST", "/api/versions", { message: "m", canary: { percent: 100 } });
    expect(pct.status).toBe(400);
    expect(pct.text).toContain("canary.percent");
    expect((await call("GET", "/api/rollout")).json).toEqual({ rollout: null });
  });

  it("a selector canary reaches the labelled node only; a publish meanwhile is 409; abort puts it back", async () => {
    const r = await publish("v2: /api to two, canary on ring=canary", config("two", "v2"), { selector: { ring: "canary" } });
    expect(r.status, r.text).toBe(201);
    const pub = parsed(r, PublishResult);
    const v2 = pub.id;
    await applied(workers.a, v2);
    expect(await servedBy(workers.a)).toBe("two");
    await sleep(300);
    expect(await servedBy(workers.b)).toBe("one");

    const list = await nodes();
    expect(list.find((n) => n.id === "edge-a")).toMatchObject({ targetVersion: v2, canary: true, state: "applied" });
    expect(list.find((n) => n.id === "edge-b")).toMatchObject({ targetVersion: liveId, canary: false, appliedVersion: liveId });
    const rollout = RolloutState.parse((await call("GET", "/api/rollout")).json).rollout;
    expect(rollout).toMatchObject({ versionId: v2, liveVersionId: liveId, targeted: ["edge-a"], applied: 1, connected: 2, target: { selector: { ring: "canary" } } });
    const versions = await call.as(VersionList, "GET", "/api/versions");
    expect(versions.find((v) => v.id === v2)?.live).toBe(false);
    // the header counts each node against its own version: edge-a on the canary is not pending the live one
    expect(DraftStatus.parse((await call("GET", "/api/draft/status")).json)).toMatchObject({
      nodes: { connected: 2, applied: 2, rejected: 0 },
      canary: { versionId: v2, number: pub.number, targeted: 1, applied: 1, rejected: 0 },
    });
    expect(await eventLine("canary_started", v2)).toBe(`canary v${pub.number} started on 1 node (\`edge-a\`) matching ring=canary by admin: “v2: /api to two, canary on ring=canary”`);

    const during = await publish("v3 during the canary", config("one", "v3"));
    expect(during.status).toBe(409);
    expect(errorBody(during).error.code).toBe("canary_in_progress");

    const abort = await call("POST", `/api/versions/${v2}/abort`);
    expect(abort.status, abort.text).toBe(200);
    await applied(workers.a, liveId);
    expect(await servedBy(workers.a)).toBe("one");
    expect(await servedBy(workers.b)).toBe("one");
    expect((await call("GET", "/api/rollout")).json).toEqual({ rollout: null });
    expect(await eventLine("canary_aborted", v2)).toBe(`canary v${pub.number} aborted by admin: its nodes went back to the live version`);
    expect(DraftStatus.parse((await call("GET", "/api/draft/status")).json)).toMatchObject({ nodes: { connected: 2, applied: 2 }, canary: null });
    expect((await call("POST", `/api/versions/${v2}/promote`)).status).toBe(409);
    const audit = JSON.stringify((await call("GET", "/api/audit")).json);
    expect(audit).toContain("version.canary.abort");
  });

  it("a named-node canary survives the worker's restart, then promote moves every node", async () => {
    const r = await publish("v4: /api to two, canary on edge-a", config("two", "v4"), { nodes: ["edge-a"] });
    expect(r.status, r.text).toBe(201);
    const pub = parsed(r, PublishResult);
    const v4 = pub.id;
    await applied(workers.a, v4);
    expect(await servedBy(workers.a)).toBe("two");
    expect(await servedBy(workers.b)).toBe("one");

    // a worker restarted during the canary is sent the canary version again on its hello
    await stopWorker(workers.a);
    await waitFor("edge-a to disconnect", async () => (await nodes()).some((n) => n.id === "edge-a" && !n.connected), 10_000, 50);
    startWorker(workers.a);
    await waitFor("edge-a to come back", async () => (await nodes()).some((n) => n.id === "edge-a" && n.connected && n.appliedVersion === v4), 20_000, 100);
    expect(await servedBy(workers.a)).toBe("two");
    expect(await servedBy(workers.b)).toBe("one");

    expect(await eventLine("canary_started", v4)).toBe(`canary v${pub.number} started on 1 node (\`edge-a\`) by admin: “v4: /api to two, canary on edge-a”`);
    const promote = await call("POST", `/api/versions/${v4}/promote`);
    expect(promote.status, promote.text).toBe(200);
    expect(await eventLine("canary_promoted", v4)).toBe(`canary v${pub.number} promoted to every node by admin`);
    await applied(workers.b, v4);
    expect(await servedBy(workers.a)).toBe("two");
    expect(await servedBy(workers.b)).toBe("two");
    const versions = await call.as(VersionList, "GET", "/api/versions");
    expect(versions.find((v) => v.id === v4)?.live).toBe(true);
    expect((await call("GET", "/api/rollout")).json).toEqual({ rollout: null });
    expect((await nodes()).every((n) => n.targetVersion === v4 && !n.canary)).toBe(true);
    liveId = v4;
  });

  it("a percent canary picks ceil(percent%) of the connected nodes; a rollback ends it", async () => {
    const r = await publish("v5: /api to one, 50%", config("one", "v5"), { percent: 50 });
    expect(r.status, r.text).toBe(201);
    const v5 = parsed(r, PublishResult).id;
    const rollout = RolloutState.parse((await call("GET", "/api/rollout")).json).rollout!;
    expect(rollout.targeted).toHaveLength(1);
    const picked = rollout.targeted[0] === "edge-a" ? workers.a : workers.b;
    const other = picked === workers.a ? workers.b : workers.a;
    await applied(picked, v5);
    expect(await servedBy(picked)).toBe("one");
    expect(await servedBy(other)).toBe("two");

    const rb = await call("POST", `/api/versions/${baseId}/rollback`, { discardDraft: true });
    expect(rb.status, rb.text).toBe(201);
    const back = parsed(rb, VersionSummary).id;
    await applied(workers.a, back);
    await applied(workers.b, back);
    expect((await call("GET", "/api/rollout")).json).toEqual({ rollout: null });
  });

  it("a guarded canary that goes bad is aborted by the guard, not rolled back", async () => {
    const live = (await nodes()).find((n) => n.id === "edge-a")!.targetVersion!;
    expect((await call("PUT", "/api/config", config("bad", "v6"))).status).toBe(200);
    const r = await call("POST", "/api/versions", { message: "v6: /api to a failing upstream, canary on edge-a", canary: { nodes: ["edge-a"] }, guard: { maxErrorRatio: 0.05, windowS: 60, minRequests: 10 } });
    expect(r.status, r.text).toBe(201);
    const pub = parsed(r, PublishResult);
    const v6 = pub.id;
    expect(pub.guard).toMatchObject({ state: "running", versionId: v6 });
    await applied(workers.a, v6);
    const countBefore = (await call.as(VersionList, "GET", "/api/versions")).length;
    const port = await edgePort(workers.a);
    let fails = 0;
    await waitFor("the guard to abort the canary", async () => {
      for (let i = 0; i < 10; i++) if ((await get(port, `/api/${i}`)).status === 500) fails++;
      return (await call.as(RolloutState, "GET", "/api/rollout")).rollout === null;
    }, 30_000, 100);
    expect(fails).toBeGreaterThanOrEqual(10);
    await applied(workers.a, live);
    expect(await servedBy(workers.a)).toBe("one");
    // no rollback version was published: the live version stayed as it was
    expect((await call.as(VersionList, "GET", "/api/versions")).length).toBe(countBefore);
    const guard = (await call.as(GuardList, "GET", "/api/guards")).guards.find((g) => g.versionId === v6);
    expect(guard?.state).toBe("rolled_back");
    expect(JSON.stringify((await call("GET", "/api/audit")).json)).toMatch(/version\.canary\.abort[^]*guard|guard[^]*version\.canary\.abort/);
  }, 60_000);
});
