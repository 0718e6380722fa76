// Live traffic and events across console replicas: a real PostgreSQL 15 (tests/support/postgres.ts), two consoles
// (the production build, no bundled worker, SIGNALBOX_REPLICA_ID a and b) on its one database, a real proxy-core
// worker connected to replica B in front of a real upstream on 127.0.0.1. A browser on replica A (GET /api/live)
// sees the worker's connect and its traffic within about 3 s; A's REST views count it too; only B rolls it up;
// event ids handed out on A and on B never collide, and reservations racing on PostgreSQL never overlap.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveTick } from "../../lib/contract/live";
import { NodeList } from "../../lib/contract/nodes";
import { LiveStats } from "../../lib/contract/stats";
import { EventList } from "../../lib/contract/events";
import { TrafficSummary } from "../../lib/contract/telemetry";
import { PublishResult } from "../../lib/contract/versions";
import { bootstrap, cluster, listener, prefixRoute } from "../../lib/config/test-fixtures";
import { closeDb } from "../../lib/db";
import { migrate } from "../../lib/migrate";
import { reserveIds } from "../../lib/repos/id-block-repo";
import { postgresUnavailable, startPostgres, type PostgresServer } from "../support/postgres";
import { openSse, type SseStream } from "../support/sse";
import { api, assertBuilt, ConsoleProcess, freePort, get, parsed, ROOT, sleep, startUpstream, tail, tmpDir, waitFor, type Upstream } from "./harness";

const unavailable = postgresUnavailable();
if (unavailable) console.log(`[replicas-telemetry] skipped: ${unavailable}`);

const TOKEN = "replicas-live-" + Math.random().toString(36).slice(2);
const BIN = path.join(ROOT, "proxy-core/bin/proxy-core.mjs");
const NODE = "edge-on-b";
const DB = "signalbox_live";

let pg: PostgresServer;
let dbUrl: string;
let upstream: Upstream;
let listenerPort: number;
const replicas: Partial<Record<"a" | "b", ConsoleProcess>> = {};
const dataDirs: string[] = [];
let worker: { proc: ChildProcess; log: string } | undefined;
let liveOnA: SseStream | undefined;
let traffic: { stop: () => Promise<void>; sent: () => number } | undefined;
const savedUrl = process.env.DATABASE_URL;

const A = () => replicas.a!;
const B = () => replicas.b!;
const call = (c: ConsoleProcess) => api(c.base, TOKEN);

async function startReplica(id: "a" | "b"): Promise<ConsoleProcess> {
  const dataDir = tmpDir(`signalbox-live-${id}-`);
  dataDirs.push(dataDir);
  const c = new ConsoleProcess({
    dataDir, port: await freePort(), token: TOKEN, starterPort: await freePort(), workerAdminPort: await freePort(),
    env: { DATABASE_URL: dbUrl, SIGNALBOX_WORKER: "off", SIGNALBOX_REPLICA_ID: id },
  });
  replicas[id] = c;
  await c.start(60_000);
  return c;
}

/** A's live ticks so far, parsed with the contract. */
const ticks = () => liveOnA!.messages.filter((m) => m.event === "tick").map((m) => LiveTick.parse(JSON.parse(m.data)));

async function diagnosis(): Promise<string> {
  const parts: string[] = [];
  for (const [id, c] of Object.entries(replicas)) parts.push(`=== replica ${id}\n${await c!.diagnosis()}`);
  if (worker) parts.push(tail("worker", worker.log, 20));
  parts.push(`last ticks on A: ${JSON.stringify(ticks().slice(-2)).slice(0, 2000)}`);
  return parts.join("\n");
}

/** GETs through the worker's listener, one after the other, until stopped (at most a minute). */
function steadyTraffic() {
  let running = true;
  let sent = 0;
  const until = Date.now() + 60_000;
  const loop = (async () => {
    while (running && Date.now() < until) {
      await get(listenerPort, "/live/x").catch(() => null);
      sent++;
      await sleep(25);
    }
  })();
  return { stop: async () => ((running = false), await loop), sent: () => sent };
}

describe.skipIf(unavailable !== null)("live traffic and events of a worker held by another console replica", () => {
  beforeAll(async () => {
    assertBuilt();
    pg = await startPostgres();
    dbUrl = await pg.createDatabase(DB);
    upstream = await startUpstream("up");
    listenerPort = await freePort();
    // one after the other: the first migrates the database and publishes the starter version
    await startReplica("a");
    await startReplica("b");
  }, 150_000);

  afterAll(async () => {
    liveOnA?.close();
    await traffic?.stop();
    if (worker && worker.proc.exitCode === null && worker.proc.signalCode === null) {
      const exited = new Promise((r) => worker!.proc.once("exit", r));
      worker.proc.kill("SIGTERM");
      await exited;
    }
    for (const c of Object.values(replicas)) await c?.stop();
    await closeDb();
    if (savedUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = savedUrl;
    upstream?.server.close();
    await pg?.stop();
    for (const d of dataDirs) fs.rmSync(d, { recursive: true, force: true });
  }, 60_000);

  it("shows on replica A, within about 3 s, the connect and the traffic of a worker connected to replica B", async () => {
    // the route the worker will serve, published on B (the replica that holds the worker)
    const doc = bootstrap([listener("edge", listenerPort, [prefixRoute("/live", "backend")])], [cluster("backend", [upstream.port])]);
    expect((await call(B())("PUT", "/api/config", doc)).status).toBe(200);
    const pub = await call(B())("POST", "/api/versions", { message: "a listener for the live test" });
    expect(pub.status, pub.text).toBe(201);
    const version = parsed(pub, PublishResult);

    // a browser on A, then the worker on B
    liveOnA = await openSse(`${A().base}/api/live`, { authorization: `Bearer ${TOKEN}` });
    expect(liveOnA.status).toBe(200);
    const args = [BIN, "--control-plane", `ws://127.0.0.1:${B().o.port}/ws/worker`, "--node-id", NODE, "--token", TOKEN, "--admin-address", `127.0.0.1:${await freePort()}`];
    const w = (worker = { proc: spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] }), log: "" });
    w.proc.stdout!.on("data", (d) => (w.log += d));
    w.proc.stderr!.on("data", (d) => (w.log += d));
    await waitFor("the worker to run the version on B", async () => (await call(B()).as(NodeList, "GET", "/api/nodes")).some((n) => n.id === NODE && n.connected && n.appliedVersion === version.id), 30_000, 100, { diagnose: diagnosis });
    await waitFor("the route to answer through the worker", async () => (await get(listenerPort, "/live/ready").catch(() => null))?.status === 200, 10_000, 50, { diagnose: diagnosis });

    // B recorded the connect; A's feed has it, with B's id
    const connected = await waitFor("the worker's connect in a tick of A's live channel", async () => ticks().flatMap((t) => t.events).find((e) => e.node === NODE && e.kind === "connected"), 10_000, 50, { diagnose: diagnosis });
    expect(Number.isInteger(connected.id)).toBe(true);

    // traffic on B's worker, seen on A: from a quiet second on (the readiness probe's request is 2 s back), a tick
    // of the second the traffic started in or a later one, with more than a probe's worth of it
    await sleep(2000);
    const startedAt = Date.now();
    traffic = steadyTraffic();
    const firstSecond = Math.floor(startedAt / 1000) * 1000;
    const seen = await waitFor("the worker's traffic in a tick of A's live channel", async () => ticks().find((t) => t.t >= firstSecond && (t.nodes[NODE]?.rps ?? 0) >= 5), 10_000, 20, { diagnose: diagnosis });
    const took = Date.now() - startedAt;
    console.log(`[replicas-telemetry] B's worker's traffic reached A's live channel ${took} ms after it started`);
    expect(took).toBeLessThanOrEqual(3500);
    expect(seen.fleet.rps).toBeGreaterThan(0);
    expect(seen.clusters.find((c) => c.name === "backend")?.rps).toBeGreaterThan(0);

    // A's REST views count the worker too: the 5-minute summary and the node's live stats
    const summary = await call(A()).as(TrafficSummary, "GET", "/api/telemetry/summary?window=5m");
    expect(summary.routes.length).toBeGreaterThan(0);
    expect(summary.clusters.find((c) => c.name === "backend")?.rps).toBeGreaterThan(0);
    const live = await call(A()).as(LiveStats, "GET", `/api/stats/live?node=${NODE}&seconds=10`);
    expect(live.points.some((p) => p.rq2xx > 0)).toBe(true);
    expect(live.events.map((e) => e.kind)).toContain("connected");
  }, 120_000);

  it("rolls the worker up on B alone; events recorded on A and on B have distinct ids, and A's feed lists B's", async () => {
    // a closed 10 s bucket of the fleet, written by B: every fleet row with traffic is B's (A relays, never rolls up)
    const fleetRows = () => pg.query<{ data: string }>(DB, `SELECT data FROM "TelemetryRollup" WHERE node = '*' AND step = 10000`);
    await waitFor("B's first fleet rollup row", async () => (await fleetRows()).some((r) => (JSON.parse(r.data) as { d: { q?: number[] } }).d.q?.[2]), 30_000, 250, { diagnose: diagnosis });
    const writers = new Set((await fleetRows()).map((r) => (JSON.parse(r.data) as { rp?: string }).rp));
    expect([...writers]).toEqual(["b"]);
    const nodeRows = await pg.query<{ n: string }>(DB, `SELECT count(*)::text AS n FROM "TelemetryRollup" WHERE node = '${NODE}' AND step = 10000`);
    expect(Number(nodeRows[0].n)).toBeGreaterThan(0);

    // A's GET /api/events (the Event table) lists what B recorded: its publish and the worker's connect
    const events = await waitFor("B's events in A's feed", async () => {
      const list = await call(A()).as(EventList, "GET", "/api/events?limit=100");
      const kinds = list.events.map((e) => `${e.node}:${e.kind}`);
      return kinds.includes(`${NODE}:connected`) && kinds.includes("console:publish") && list.events;
    }, 10_000, 200, { diagnose: diagnosis });
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const blocks = await pg.query<{ name: string; next: number }>(DB, `SELECT name, next FROM "IdBlock"`);
    // each replica reserved a range of 1,000 at its start: A the first ([1, 1001)), B the next
    expect(blocks).toEqual([{ name: "event", next: expect.toSatisfy((n: unknown) => typeof n === "number") }]);
    expect(blocks[0].next).toBeGreaterThanOrEqual(2001);
    const fromB = events.find((e) => e.node === NODE && e.kind === "connected")!;
    expect(fromB.id).toBeGreaterThan(1000);
    expect(fromB.id).toBeLessThan(blocks[0].next);

    // a publish on A now: its event has a smaller id than B's older connect, and A's live channel still sends it
    const doc = bootstrap([listener("edge", listenerPort, [prefixRoute("/live", "backend")])], [cluster("backend", [upstream.port]), cluster("spare", [upstream.port])]);
    expect((await call(A())("PUT", "/api/config", doc)).status).toBe(200);
    const pub = await call(A())("POST", "/api/versions", { message: "published on A" });
    expect(pub.status, pub.text).toBe(201);
    const v = parsed(pub, PublishResult);
    const onA = await waitFor("A's publish in a tick of A's live channel", async () => ticks().flatMap((t) => t.events).find((e) => e.kind === "publish" && e.details.versionId === v.id), 10_000, 50, { diagnose: diagnosis });
    expect(onA.id).toBeLessThan(fromB.id);
    // each event once in the ticks
    const sent = ticks().flatMap((t) => t.events).map((e) => e.id);
    expect(new Set(sent).size).toBe(sent.length);
  }, 60_000);

  it("hands out ranges that never overlap when reservations race on PostgreSQL", async () => {
    process.env.DATABASE_URL = dbUrl;
    await closeDb();
    // nothing left to migrate: the replicas did it; this proves the test's client is on the same schema
    const m = await migrate("deploy", undefined, { root: ROOT, databaseUrl: dbUrl, log: () => {} });
    expect(m.applied).toEqual([]);
    const sizes = Array.from({ length: 60 }, (_, i) => 1 + ((i * 7) % 13));
    // pg's pool runs these on several connections at once; the replicas' own refills may land in between
    const firsts = await Promise.all(sizes.map((n) => reserveIds("event", n, async () => 1)));
    const ranges = firsts.map((first, i) => [first, first + sizes[i]] as const).sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBeGreaterThanOrEqual(ranges[i - 1][1]);
  }, 30_000);
});
