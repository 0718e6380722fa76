// Environments end to end: the real console (bundled worker off) and two real proxy-core workers, one started
// with --environment staging and one without (the default environment), in front of two real upstreams. Each
// environment keeps its own draft, versions and live version; a worker runs its own environment's; promoting a
// staging version into default is a new default version with its origin, and only the default worker moves.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { NodeList } from "../../lib/contract/nodes";
import { EnvironmentList } from "../../lib/contract/environments";
import { PublishResult, VersionList, VersionSummary } from "../../lib/contract/versions";
import { BootstrapDocument, DraftStatus } from "../../lib/contract/draft";
import { AuditList } from "../../lib/contract/audit";
import { bootstrap, cluster, listener } from "../../lib/config/test-fixtures";
import { api, assertBuilt, ConsoleProcess, errorBody, freePort, get, parsed, ROOT, startUpstream, tmpDir, waitFor } from "./harness";

const TOKEN = "env-token-" + Math.random().toString(36).slice(2);
const BIN = path.join(ROOT, "proxy-core/bin/proxy-core.mjs");

interface Worker { id: string; env: string | null; adminPort: number; proc?: ChildProcess; log: string }

let dataDir: string;
let consoleProc: ConsoleProcess;
let call: ReturnType<typeof api>;
const upstreams: Awaited<ReturnType<typeof startUpstream>>[] = [];
const prod: Worker = { id: "prod-1", env: null, adminPort: 0, log: "" };
const staging: Worker = { id: "staging-1", env: "staging", adminPort: 0, log: "" };

/** /api to cluster `c` on a listener at port 0 (both workers run on this machine). */
const config = (c: "one" | "two", tag: string) =>
  bootstrap(
    [listener("edge", 0, [{ name: "api", match: { prefix: "/api" }, route: { cluster: c } }, { name: tag, match: { prefix: `/${tag}` }, route: { cluster: "one" } }])],
    [cluster("one", [upstreams[0].port]), cluster("two", [upstreams[1].port])],
  );

const inEnv = (env: string | null): Record<string, string> => (env ? { "x-signalbox-environment": env } : {});

async function publish(env: string | null, message: string, doc: unknown) {
  const put = await call("PUT", "/api/config", doc, inEnv(env));
  expect(put.status, put.text).toBe(200);
  const r = await call("POST", "/api/versions", { message }, inEnv(env));
  expect(r.status, r.text).toBe(201);
  return parsed(r, PublishResult);
}

function startWorker(w: Worker) {
  const args = [BIN, "--control-plane", `ws://127.0.0.1:${consoleProc.o.port}/ws/worker`, "--node-id", w.id, "--token", TOKEN, "--admin-address", `127.0.0.1:${w.adminPort}`, ...(w.env ? ["--environment", w.env] : [])];
  w.proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  w.proc.stdout!.on("data", (d) => (w.log += d));
  w.proc.stderr!.on("data", (d) => (w.log += d));
}

async function edgePort(w: Worker): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${w.adminPort}/listeners`);
  const m = /^edge::[\d.]+:(\d+)$/m.exec(await r.text());
  if (!m) throw new Error(`no edge listener on ${w.id}`);
  return Number(m[1]);
}

const servedBy = async (w: Worker) => (await get(await edgePort(w), "/api/x")).body.split(" ")[0];

async function applied(w: Worker, versionId: string) {
  await waitFor(
    `${w.id} to apply ${versionId}`,
    async () => NodeList.parse((await call("GET", "/api/nodes", undefined, inEnv(w.env))).json).some((n) => n.id === w.id && n.connected && n.appliedVersion === versionId),
    15_000, 50,
  );
}

beforeAll(async () => {
  assertBuilt();
  upstreams.push(await startUpstream("one"), await startUpstream("two"));
  dataDir = tmpDir("signalbox-env-");
  consoleProc = new ConsoleProcess({ dataDir, port: await freePort(), token: TOKEN, starterPort: await freePort(), workerAdminPort: await freePort(), env: { SIGNALBOX_WORKER: "off" } });
  await consoleProc.start();
  call = api(consoleProc.base, TOKEN);
  for (const w of [prod, staging]) {
    w.adminPort = await freePort();
    startWorker(w);
  }
  // staging does not exist until its first node says hello
  await waitFor("the staging environment", async () => EnvironmentList.parse((await call("GET", "/api/environments")).json).environments.some((e) => e.name === "staging"), 15_000, 50);
});

afterAll(async () => {
  for (const w of [prod, staging]) {
    if (w.proc && w.proc.exitCode === null) {
      const exited = new Promise((r) => w.proc!.once("exit", r));
      w.proc.kill("SIGTERM");
      await exited;
    }
  }
  await consoleProc?.stop();
  for (const u of upstreams) u.server.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

it("refuses an environment name that is not one, and one that does not exist, before doing anything", async () => {
  const bad = await call("GET", "/api/versions", undefined, inEnv("Not Valid"));
  expect(bad.status).toBe(400);
  expect(errorBody(bad).error.message).toMatch(/^header x-signalbox-environment: an environment name is 1 to 40 characters/);
  const missing = await call("GET", "/api/versions?environment=qa", undefined);
  expect(missing.status).toBe(404);
  expect(errorBody(missing).error.message).toMatch(/^environment qa does not exist \(query parameter environment\)/);
  const dup = await call("POST", "/api/environments", { name: "staging" });
  expect(dup.status).toBe(409);
  const badBody = await call("POST", "/api/environments", { name: "-x" });
  expect(badBody.status).toBe(400);
  expect(errorBody(badBody).error.message).toMatch(/name:/);
});

it("keeps a draft, versions and a live version per environment, and each worker runs its own", async () => {
  // the starter version is the default environment's; staging starts empty
  const stagingVersions = VersionList.parse((await call("GET", "/api/versions", undefined, inEnv("staging"))).json);
  expect(stagingVersions).toEqual([]);
  const stagingDraft = await call("GET", "/api/config", undefined, inEnv("staging"));
  expect(parsed(stagingDraft, BootstrapDocument).static_resources).toMatchObject({ listeners: [], clusters: [] });

  const p1 = await publish(null, "prod on one", config("one", "p1"));
  const s1 = await publish("staging", "staging on two", config("two", "s1"));
  // numbered per environment: staging's first version is v1 while default has the starter before its own
  expect(s1).toMatchObject({ number: 1, environment: "staging" });
  expect(p1).toMatchObject({ number: 2, environment: "default" });
  await applied(prod, p1.id);
  await applied(staging, s1.id);
  expect(await servedBy(prod)).toBe("one");
  expect(await servedBy(staging)).toBe("two");

  // each environment lists only its own versions and nodes
  const listed = VersionList.parse((await call("GET", "/api/versions", undefined, inEnv("staging"))).json);
  expect(listed.map((v) => [v.number, v.live, v.environment])).toEqual([[1, true, "staging"]]);
  const nodes = NodeList.parse((await call("GET", "/api/nodes", undefined, inEnv("staging"))).json);
  expect(nodes.map((n) => [n.id, n.environment])).toEqual([["staging-1", "staging"]]);
  const envs = EnvironmentList.parse((await call("GET", "/api/environments")).json);
  expect(envs.environments.map((e) => [e.name, e.liveNumber, e.connected])).toEqual([["default", 2, 1], ["staging", 1, 1]]);

  // a draft edit in staging leaves the default draft clean; rolling back across environments is refused
  expect((await call("PUT", "/api/config", config("one", "s2"), inEnv("staging"))).status).toBe(200);
  const defaultStatus = await call("GET", "/api/draft/status");
  expect(parsed(defaultStatus, DraftStatus).changes).toEqual([]);
  const cross = await call("POST", `/api/versions/${s1.id}/rollback`, {});
  expect(cross.status).toBe(409);
  expect(errorBody(cross).error.code).toBe("wrong_environment");
});

it("promotes a staging version into default as a new version with its origin; only the default worker moves", async () => {
  const [s] = VersionList.parse((await call("GET", "/api/versions", undefined, inEnv("staging"))).json);
  const r = await call("POST", "/api/environments/default/promote", { versionId: s.id });
  expect(r.status, r.text).toBe(201);
  const promoted = parsed(r, VersionSummary);
  expect(promoted).toMatchObject({ environment: "default", number: 3, promotedFromId: s.id, hash: s.hash, message: "Promote staging v1: staging on two" });
  await applied(prod, promoted.id);
  expect(await servedBy(prod)).toBe("two");
  // staging still runs its own v1, and its draft edit is untouched
  expect(await servedBy(staging)).toBe("two");
  const stagingStatus = await call("GET", "/api/draft/status", undefined, inEnv("staging"));
  expect(parsed(stagingStatus, DraftStatus).changes.length).toBeGreaterThan(0);
  const list = VersionList.parse((await call("GET", "/api/versions")).json);
  expect(list[0]).toMatchObject({ number: 3, live: true, promotedFrom: { environment: "staging", number: 1 } });

  // promoting the same config again changes nothing: refused; into a dirty draft: refused with the changes
  const again = await call("POST", "/api/environments/default/promote", { versionId: s.id });
  expect(again.status).toBe(409);
  expect(errorBody(again).error.code).toBe("no_changes");
  const back = VersionList.parse((await call("GET", "/api/versions")).json).find((v) => v.number === 2)!;
  const dirty = await call("POST", "/api/environments/staging/promote", { versionId: back.id });
  expect(dirty.status).toBe(409);
  expect(errorBody(dirty).error.code).toBe("draft_dirty");
  const forced = await call("POST", "/api/environments/staging/promote", { versionId: back.id, discardDraft: true });
  expect(forced.status, forced.text).toBe(201);
  await applied(staging, parsed(forced, VersionSummary).id);
  expect(await servedBy(staging)).toBe("one");
  expect(await servedBy(prod)).toBe("two");

  const audit = AuditList.parse((await call("GET", "/api/audit?limit=20")).json);
  expect(audit.filter((e) => e.action === "environment.promote").map((e) => e.actor)).toEqual(["admin", "admin"]);
});

it("a worker restarted into another environment is moved there and runs that environment's live version", async () => {
  const exited = new Promise((r) => staging.proc!.once("exit", r));
  staging.proc!.kill("SIGTERM");
  await exited;
  staging.env = null;
  startWorker(staging);
  const live = VersionList.parse((await call("GET", "/api/versions")).json).find((v) => v.live)!;
  await applied(staging, live.id);
  expect(await servedBy(staging)).toBe("two");
});
