// The console past one machine: a real PostgreSQL 15, two console replicas (the production build, no bundled
// worker, SIGNALBOX_REPLICA_ID a and b) on its one database, and three real proxy-core workers, each in a network
// namespace of its own (tests/support/netns.ts) as a separate host would be, following both replicas
// (--control-plane B,A: B first). Steady traffic from the host goes through every worker's listener the whole
// time. Both Fleet APIs list every node with the replica holding it; a publish on A reaches the workers held by B;
// two publishes racing on A and B make one version; a SIGKILLed replica costs no request and its workers are on
// the other one, in sync, within 2 s; a PostgreSQL restart is survived without restarting anything, no version
// lost or doubled.
import { type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeList, type NodeView } from "../../lib/contract/nodes";
import { PublishResult, VersionList } from "../../lib/contract/versions";
import { bootstrap, cluster, listener } from "../../lib/config/test-fixtures";
import { createNamespaces, netnsUnavailable, type Namespace, type NamespaceSet } from "../support/netns";
import { postgresUnavailable, startPostgres, type PostgresServer } from "../support/postgres";
import { api, assertBuilt, ConsoleProcess, errorBody, freePort, isAlive, parsed, ROOT, sleep, tail, tmpDir, waitFor } from "./harness";

const unavailable = postgresUnavailable() ?? netnsUnavailable();
if (unavailable) console.log(`[replicas] skipped: ${unavailable}`);

const TOKEN = "replicas-token-" + Math.random().toString(36).slice(2);
const BIN = path.join(ROOT, "proxy-core/bin/proxy-core.mjs");
const NODE_IDS = ["edge-1", "edge-2", "edge-3"];
const ADMIN = { email: "ops@replicas.test", password: "replicas password 123" };
/** how long the whole file may keep its traffic running: a test that never stops it still ends */
const TRAFFIC_CAP_MS = 240_000;

interface Worker {
  id: string;
  ns: Namespace;
  adminPort: number;
  proc: ChildProcess;
  log: string;
}

let pgServer: PostgresServer;
let dbUrl: string;
let nets: NamespaceSet | undefined;
const replicas: Record<"a" | "b", ConsoleProcess | undefined> = { a: undefined, b: undefined };
const dataDirs: string[] = [];
const workers: Worker[] = [];
const upstreams: http.Server[] = [];
let upstreamAddress: string;
const upstreamPorts: Record<"one" | "two", number> = { one: 0, two: 0 };
let listenerPort: number;
let traffic: ReturnType<typeof steadyTraffic> | undefined;

const A = () => replicas.a!;
const B = () => replicas.b!;
const call = (c: ConsoleProcess) => api(c.base, TOKEN);
const wsUrl = (ns: Namespace, c: ConsoleProcess) => `ws://${ns.hostAddress}:${c.o.port}/ws/worker`;

/** Listener 0.0.0.0:<listenerPort> (each worker binds it in its own namespace), everything to upstream `to`. */
function config(to: "one" | "two", tag: string) {
  const c = cluster("svc", [upstreamPorts[to]]);
  c.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address = upstreamAddress;
  return bootstrap([listener("edge", listenerPort, [{ name: tag, match: { prefix: "/" }, route: { cluster: "svc" } }], { address: "0.0.0.0" })], [c]);
}

/** A real upstream on the host, answering `<name> <url>`, reachable from every namespace at `host`. */
async function startHostUpstream(name: string, host: string): Promise<number> {
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(`${name} ${req.url}`);
  });
  upstreams.push(server);
  await new Promise<void>((r) => server.listen(0, host, r));
  return (server.address() as AddressInfo).port;
}

/** GET http://host:port/path on a fresh connection. */
function request(host: string, port: number, p: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path: p, agent: false }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.setTimeout(3000, () => req.destroy(new Error("timeout")));
  });
}

/** One loop per worker: GET through its listener every ~20 ms; every non-200 (or failed connection) with its time. */
function steadyTraffic(ws: Worker[]) {
  const failures: { at: number; worker: string; what: string }[] = [];
  const sent = new Map(ws.map((w) => [w.id, 0]));
  let running = true;
  const until = Date.now() + TRAFFIC_CAP_MS;
  const loops = ws.map(async (w) => {
    while (running && Date.now() < until) {
      sent.set(w.id, sent.get(w.id)! + 1);
      const r = await request(w.ns.address, listenerPort, `/t/${w.id}`).catch((e: NodeJS.ErrnoException) => ({ status: 0, body: e.code ?? e.message }));
      if (r.status !== 200) failures.push({ at: Date.now(), worker: w.id, what: `${r.status} ${r.body.slice(0, 80)}` });
      await sleep(20);
    }
  });
  return {
    failures,
    since: (t: number) => failures.filter((f) => f.at >= t),
    sent: (id: string) => sent.get(id)!,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

function startWorker(id: string, ns: Namespace, adminPort: number, controlPlane: string[]): Worker {
  const args = [BIN, "--control-plane", controlPlane.join(","), "--node-id", id, "--token", TOKEN, "--admin-address", `${ns.address}:${adminPort}`];
  const proc = ns.spawn(process.execPath, args, { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const w: Worker = { id, ns, adminPort, proc, log: "" };
  proc.stdout!.on("data", (d) => (w.log += d));
  proc.stderr!.on("data", (d) => (w.log += d));
  return w;
}

async function stopWorker(w: Worker) {
  const p = w.proc;
  if (p.exitCode !== null || p.signalCode !== null || !p.pid) return;
  const exited = new Promise((r) => p.once("exit", r));
  process.kill(p.pid, "SIGTERM");
  const t = setTimeout(() => isAlive(p.pid!) && process.kill(-p.pid!, "SIGKILL"), 8000);
  await exited;
  clearTimeout(t);
}

async function fleet(c: ConsoleProcess): Promise<NodeView[]> {
  const nodes = await call(c).as(NodeList, "GET", "/api/nodes");
  return NODE_IDS.map((id) => nodes.find((n) => n.id === id)).filter((n): n is NodeView => n !== undefined);
}

/** What every part says now, for a wait that failed. */
async function diagnosis(): Promise<string> {
  const parts = [];
  for (const [name, c] of Object.entries(replicas)) if (c) parts.push(`=== replica ${name}\n${await c.diagnosis()}`);
  for (const w of workers) parts.push(tail(`worker ${w.id} (${w.ns.address})`, w.log, 15));
  if (traffic) parts.push(`traffic failures: ${JSON.stringify(traffic.failures.slice(-10))}`);
  return parts.join("\n");
}

/** Waits until `c`'s Fleet API has all three nodes connected, held by `holder`, running `versionId`. */
function allApplied(c: ConsoleProcess, versionId: string, holder: string, timeoutMs = 20_000, everyMs = 50) {
  return waitFor(
    `all nodes on replica ${holder} to run ${versionId} (as replica ${c.o.env?.SIGNALBOX_REPLICA_ID} sees it)`,
    async () => {
      const nodes = await fleet(c);
      return nodes.length === 3 && nodes.every((n) => n.connected && n.replica === holder && n.appliedVersion === versionId) && nodes;
    },
    timeoutMs,
    everyMs,
    { diagnose: diagnosis },
  );
}

/** Waits until every worker's listener answers from upstream `name`. */
function servesFrom(name: "one" | "two") {
  return waitFor(`every worker to serve from upstream ${name}`, async () => {
    const bodies = await Promise.all(workers.map((w) => request(w.ns.address, listenerPort, "/probe")));
    return bodies.every((r) => r.status === 200 && r.body === `${name} /probe`);
  }, 10_000, 50, { diagnose: diagnosis });
}

/** Replaces the draft on `c` and publishes it there; the raw answer of the publish. */
async function publishOn(c: ConsoleProcess, to: "one" | "two", tag: string) {
  const put = await call(c)("PUT", "/api/config", config(to, tag));
  expect(put.status, put.text).toBe(200);
  return call(c)("POST", "/api/versions", { message: `to ${to} (${tag})` });
}

async function versionNumbers(): Promise<number[]> {
  const rows = await pgServer.query<{ number: number }>("signalbox_replicas", `SELECT number FROM "ConfigVersion" WHERE environment = 'default' ORDER BY number`);
  return rows.map((r) => r.number);
}

const liveId = async (c: ConsoleProcess) => (await call(c).as(VersionList, "GET", "/api/versions")).find((v) => v.live)!.id;

async function startReplica(id: "a" | "b", port: number, starterPort: number): Promise<ConsoleProcess> {
  const dataDir = tmpDir(`signalbox-replica-${id}-`);
  dataDirs.push(dataDir);
  const env = { DATABASE_URL: dbUrl, SIGNALBOX_WORKER: "off", SIGNALBOX_REPLICA_ID: id, HOST: "0.0.0.0", SIGNALBOX_ADMIN_EMAIL: ADMIN.email, SIGNALBOX_ADMIN_PASSWORD: ADMIN.password };
  const c = new ConsoleProcess({ dataDir, port, token: TOKEN, starterPort, workerAdminPort: await freePort(), env });
  replicas[id] = c;
  await c.start(60_000);
  return c;
}

describe.skipIf(unavailable !== null)("two console replicas on PostgreSQL, three workers on hosts of their own", () => {
  beforeAll(async () => {
    assertBuilt();
    pgServer = await startPostgres();
    dbUrl = await pgServer.createDatabase("signalbox_replicas");
    nets = createNamespaces(3);
    // every namespace routes to the host, so one host address reaches it from all three
    upstreamAddress = nets.list[0].hostAddress;
    upstreamPorts.one = await startHostUpstream("one", upstreamAddress);
    upstreamPorts.two = await startHostUpstream("two", upstreamAddress);
    listenerPort = await freePort();
    const starterPort = await freePort();
    // one after the other: the first migrates the database and publishes the starter version
    await startReplica("a", await freePort(), starterPort);
    await startReplica("b", await freePort(), starterPort);
    for (const [i, ns] of nets.list.entries()) workers.push(startWorker(NODE_IDS[i], ns, await freePort(), [wsUrl(ns, B()), wsUrl(ns, A())]));
  }, 150_000);

  afterAll(async () => {
    await traffic?.stop();
    for (const w of workers) await stopWorker(w);
    for (const c of Object.values(replicas)) await c?.stop();
    nets?.destroy();
    for (const s of upstreams) {
      s.closeAllConnections();
      s.close();
    }
    await pgServer?.stop();
    for (const d of dataDirs) fs.rmSync(d, { recursive: true, force: true });
  }, 60_000);

  it("lists all three workers connected in BOTH replicas' Fleet API, each held by replica b (first in their list)", async () => {
    const starter = await liveId(A());
    await allApplied(B(), starter, "b", 30_000);
    await allApplied(A(), starter, "b");
    for (const c of [A(), B()]) {
      const nodes = await fleet(c);
      expect(nodes.map((n) => [n.id, n.connected, n.replica])).toEqual(NODE_IDS.map((id) => [id, true, "b"]));
      // each worker reports its admin address on its own host's address
      expect(nodes.map((n) => n.address)).toEqual(workers.map((w) => `${w.ns.address}:${w.adminPort}`));
    }
    // the base version: every worker serves from upstream one; traffic runs from here to the end
    const pub = await publishOn(A(), "one", "base");
    expect(pub.status, pub.text).toBe(201);
    await allApplied(B(), parsed(pub, PublishResult).id, "b");
    await servesFrom("one");
    traffic = steadyTraffic(workers);
  }, 60_000);

  it("signs a user in on replica A with a session cookie replica B accepts (one shared signing key)", async () => {
    const r = await api(A().base, null)("POST", "/api/session", ADMIN);
    expect(r.status, r.text).toBe(200);
    const set = r.headers.getSetCookie().find((c) => c.startsWith("signalbox_session="));
    expect(set).toBeDefined();
    const cookie = set!.split(";")[0];
    const onB = await api(B().base, null)("GET", "/api/session", undefined, { cookie });
    expect(onB.status, onB.text).toBe(200);
    expect(onB.json).toMatchObject({ user: { email: ADMIN.email } });
    // a cookie signed with another key is refused: the check is real
    const forged = await api(B().base, null)("GET", "/api/session", undefined, { cookie: cookie.replace(/.$/, (c) => (c === "A" ? "B" : "A")) });
    expect(forged.status).toBe(401);
  }, 20_000);

  it("pushes a version published on replica A to every worker held by replica B", async () => {
    const mark = Date.now();
    const pub = await publishOn(A(), "two", "from-a");
    expect(pub.status, pub.text).toBe(201);
    const v = parsed(pub, PublishResult);
    const took = Date.now();
    await allApplied(B(), v.id, "b");
    await allApplied(A(), v.id, "b");
    console.log(`[replicas] a version published on A was applied by every worker on B in ${Date.now() - took} ms`);
    await servesFrom("two");
    expect(traffic!.since(mark)).toEqual([]);
  }, 40_000);

  it("makes one version of two publishes racing on A and B: one 201, one 409, every round", async () => {
    const codes: string[] = [];
    let winner = null as { id: string } | null;
    // a few rounds: when the two overlap, the live pointer's compare-and-swap or the version number's unique key
    // refuses one (both answer live_changed); when the second starts after the first committed, no_changes.
    // Each round makes exactly one version
    for (const round of ["race-1", "race-2", "race-3"]) {
      const before = await versionNumbers();
      const put = await call(A())("PUT", "/api/config", config(round === "race-2" ? "two" : "one", round));
      expect(put.status, put.text).toBe(200);
      const etag = put.headers.get("etag")!;
      expect(etag).toMatch(/^"r\d+"$/);
      const answers = await Promise.all([A(), B()].map((c) => call(c)("POST", "/api/versions", { message: round }, { "if-match": etag })));
      expect(answers.map((r) => r.status).sort(), answers.map((r) => `${r.status} ${r.text}`).join("\n")).toEqual([201, 409]);
      const code = errorBody(answers.find((r) => r.status === 409)!).error.code;
      codes.push(`${answers[0].status === 201 ? "A" : "B"} won, the other: ${code}`);
      expect(["live_changed", "no_changes"]).toContain(code);
      expect(await versionNumbers()).toEqual([...before, before.length + 1]);
      winner = parsed(answers.find((r) => r.status === 201)!, PublishResult);
      expect(await liveId(A())).toBe(winner.id);
      expect(await liveId(B())).toBe(winner.id);
    }
    console.log(`[replicas] racing publishes: ${codes.join("; ")}`);
    await allApplied(B(), winner!.id, "b");
    await servesFrom("one");
  }, 60_000);

  it("orders a canary started on A and a publish on B racing it: one starts, the other gets 409", async () => {
    const outcomes: string[] = [];
    for (const round of ["canary-1", "canary-2", "canary-3"]) {
      const live = await liveId(A());
      const put = await call(A())("PUT", "/api/config", config(round === "canary-2" ? "two" : "one", round));
      expect(put.status, put.text).toBe(200);
      const etag = put.headers.get("etag")!;
      const [canary, publish] = await Promise.all([
        call(A())("POST", "/api/versions", { message: `${round} canary`, canary: { nodes: [NODE_IDS[0]] } }, { "if-match": etag }),
        call(B())("POST", "/api/versions", { message: `${round} publish` }, { "if-match": etag }),
      ]);
      expect([canary.status, publish.status].sort(), `${canary.status} ${canary.text}\n${publish.status} ${publish.text}`).toEqual([201, 409]);
      const rollout = await pgServer.query<{ versionId: string }>("signalbox_replicas", `SELECT "versionId" FROM "Rollout" WHERE "endedAt" IS NULL`);
      if (canary.status === 201) {
        // the canary runs against the live version it started from, which the publish did not move
        outcomes.push(`canary won, publish: ${errorBody(publish).error.code}`);
        expect(rollout.map((r) => r.versionId)).toEqual([parsed(canary, PublishResult).id]);
        expect(await liveId(B())).toBe(live);
        const abort = await call(A())("POST", `/api/versions/${parsed(canary, PublishResult).id}/abort`, {});
        expect(abort.status, abort.text).toBe(200);
      } else {
        outcomes.push(`publish won, canary: ${errorBody(canary).error.code}`);
        expect(rollout).toEqual([]);
        expect(await liveId(A())).toBe(parsed(publish, PublishResult).id);
      }
    }
    console.log(`[replicas] canary vs publish: ${outcomes.join("; ")}`);
    // everyone back on one live version
    const back = await publishOn(A(), "one", "after-canaries");
    expect([201, 409]).toContain(back.status);
    await allApplied(B(), await liveId(A()), "b");
    await servesFrom("one");
  }, 60_000);

  it("moves every worker to replica A within 2 s of replica B's SIGKILL, in sync, with no failed request", async () => {
    const live = await liveId(A());
    for (const w of workers) await waitFor(`traffic through ${w.id}`, () => traffic!.sent(w.id) > 20, 10_000);
    const killedAt = Date.now();
    await B().kill();
    const nodes = await allApplied(A(), live, "a", 10_000, 20);
    const took = Date.now() - killedAt;
    console.log(`[replicas] every worker on replica A, in sync, ${took} ms after replica B was killed`);
    expect(nodes.map((n) => n.appliedVersion)).toEqual([live, live, live]);
    expect(took).toBeLessThanOrEqual(2000);
    for (const w of workers) expect(w.log).toContain(`connected to control plane ${wsUrl(w.ns, A())}`);
    // a second of traffic after the move
    await sleep(1000);
    expect(traffic!.since(killedAt - 1000)).toEqual([]);
    // B comes back (same id, data dir and port), sees the fleet as A holds it, and takes no worker from A
    replicas.b = new ConsoleProcess(B().o);
    await B().start(60_000);
    const seenByB = await allApplied(B(), live, "a");
    expect(seenByB.map((n) => n.replica)).toEqual(["a", "a", "a"]);
  }, 90_000);

  it("survives a PostgreSQL restart: publishes on A and on B afterwards reach every worker, versions contiguous", async () => {
    const before = await versionNumbers();
    const mark = Date.now();
    const startTime = async () => (await pgServer.query<{ t: Date }>("postgres", "SELECT pg_postmaster_start_time() AS t"))[0].t.getTime();
    const startedBefore = await startTime();
    await pgServer.restart();
    const restartedAt = Date.now();
    expect(await startTime()).toBeGreaterThan(startedBefore);
    // the replicas find the database again by themselves: no console is restarted
    await A().until("replica A answering from the database again", async () => (await call(A())("GET", "/api/versions")).status === 200, 20_000, 200);
    console.log(`[replicas] replica A answers again ${Date.now() - restartedAt} ms after PostgreSQL came back`);
    const onA = await publishOn(A(), "two", "after-restart-a");
    expect(onA.status, onA.text).toBe(201);
    await allApplied(A(), parsed(onA, PublishResult).id, "a");
    await servesFrom("two");
    // published on B, pushed by A (its live watcher listens again, or its poll sees it)
    await B().until("replica B answering from the database again", async () => (await call(B())("GET", "/api/versions")).status === 200, 20_000, 200);
    const onB = await publishOn(B(), "one", "after-restart-b");
    expect(onB.status, onB.text).toBe(201);
    const vB = parsed(onB, PublishResult);
    await allApplied(A(), vB.id, "a");
    await allApplied(B(), vB.id, "a");
    await servesFrom("one");
    expect(A().running && B().running).toBe(true);
    // nothing answered 500 meanwhile (withHandler logs each one as "[api] METHOD path failed:")
    for (const c of [A(), B()]) expect(c.log.split("\n").filter((l) => /^\[api\] .* failed:/.test(l))).toEqual([]);
    const after = await versionNumbers();
    expect(after).toEqual([...before, before.length + 1, before.length + 2]);
    expect(after).toEqual(after.map((_, i) => i + 1));
    expect(vB.number).toBe(after.length);
    expect(traffic!.since(mark)).toEqual([]);
    await traffic!.stop();
    for (const w of workers) expect(traffic!.sent(w.id)).toBeGreaterThan(100);
    expect(traffic!.failures).toEqual([]);
  }, 90_000);
});
