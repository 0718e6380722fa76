// Publishing through two console replicas: a real PostgreSQL 15 (tests/support/postgres.ts), two real consoles on
// its one database (production build, SIGNALBOX_WORKER=off, SIGNALBOX_REPLICA_ID a and b, each its own port and
// data dir) and 50 simulated workers in one separate process (bench/lib/sim-workers.ts), 25 held by each replica.
//
// Publishes alternate between a and b; each edits the catch-all route with If-Match (PUT /api/draft/routes/{id}) on
// the replica about to publish, as the publish bench does. Latency: from just before POST /api/versions until the
// 50th worker sends its ACK of that version (the simulator stamps ACKs on CLOCK_MONOTONIC, which this process
// shares). Split by side: the publishing replica pushes to its 25 workers at once; the other one hears of the
// version through NOTIFY (lib/replicas/live-watcher.ts, 1.5 s poll as the safety net), reads it from the database
// and pushes it to its 25. After the ACKs, GET /api/nodes on the publishing replica is polled until every node shows
// the version, so the next publish starts from a quiet console. CPU of each replica (and of PostgreSQL and the
// simulator) from /proc, per publish and over an idle stretch with every worker connected.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ReplicaList, type ReplicaView } from "../../lib/contract";
import { ConsoleProcess, assertBuilt, freePort, sleep, waitFor } from "../../tests/support/console-process";
import { startPostgres, type PostgresServer } from "../../tests/support/postgres";
import { ConsoleApi } from "./console-api";
import { cpuSeconds, rssMb, treePids } from "./procs";
import { percentile, publishDoc } from "./publish-latency";
import { SimFleet, monoMs, type AckEvent } from "./sim-fleet";

export const REPLICA_IDS = ["a", "b"] as const;
export type ReplicaId = (typeof REPLICA_IDS)[number];

export interface ReplicaPublishRow {
  routes: number;
  workers: number;
  publishes: number;
  /** measured publishes made through each replica */
  via: Record<ReplicaId, number>;
  /** POST start → the last worker's ACK, ms */
  p50: number;
  p99: number;
  max: number;
  /** POST start → the first worker's ACK, p50 ms: the console's part and one worker's parse, without the
   *  simulator's queue of 25 snapshots per replica */
  firstP50: number;
  /** POST start → the last ACK among the publishing replica's workers / the other replica's workers, ms */
  same: { p50: number; p99: number };
  other: { p50: number; p99: number };
  /** first snapshot received on the other replica's side minus on the publishing side, p50 ms: the NOTIFY hop */
  hopP50: number;
  /** POST → its 201, p50 ms */
  responseP50: number;
  /** last ACK → GET /api/nodes on the publishing replica shows all workers applied (20 ms polls), p50 ms */
  recordedP50: number;
  /** CPU ms per publish (POST → last ACK seen here), mean: each replica, and by role */
  cpuMs: Record<ReplicaId, number> & { publisher: number; follower: number; postgres: number; sim: number };
  snapshotBytes: number;
  putMs: number;
}

export interface ReplicaIdle {
  seconds: number;
  /** CPU seconds per wall second */
  cpu: Record<ReplicaId, number> & { postgres: number; sim: number };
  rssMb: Record<ReplicaId, number>;
  routes: number;
}

export interface ReplicasResult {
  rows: ReplicaPublishRow[];
  /** sizes that could not be measured, and why */
  failures: { routes: number; error: string }[];
  idle: ReplicaIdle | null;
  /** GET /api/replicas after the workers connected */
  replicas: ReplicaView[];
  /** GET /api/nodes: how many nodes each replica holds, by the nodes' rows */
  nodesByReplica: Record<string, number>;
  /** worker sessions closed or errors during the run (0 in a healthy run) */
  trouble: number;
  troubleSample: string[];
  seconds: number;
  loadAvg: [number, number];
  postgresVersion: string;
}

const TOKEN = "bench-" + Math.random().toString(36).slice(2);
const SIZES = (process.env.BENCH_REPLICAS_SIZES ?? "10,1000,10000").split(",").map(Number);
const WORKERS = Number(process.env.BENCH_REPLICAS_WORKERS ?? 50);
const IDLE_SECONDS = Number(process.env.BENCH_REPLICAS_IDLE_S ?? 10);
/** the size whose publishes are followed by the idle measurement */
const IDLE_ROUTES = 1000;

/** Publishes per size after warm-up; fewer at 10,000 routes to keep the scenario inside its time budget. */
function publishesFor(routes: number): { warmup: number; n: number } {
  const n = Number(process.env.BENCH_REPLICAS_PUBLISHES ?? 40);
  if (routes >= 10000) return { warmup: 2, n: Math.min(n, Number(process.env.BENCH_REPLICAS_PUBLISHES_10K ?? 30)) };
  return { warmup: 4, n };
}

interface Replica {
  id: ReplicaId;
  proc: ConsoleProcess;
  api: ConsoleApi;
  dataDir: string;
  pid: number;
}

interface Sample {
  via: ReplicaId;
  total: number;
  first: number;
  same: number;
  other: number;
  hop: number;
  response: number;
  recorded: number;
  cpu: Record<ReplicaId, number> & { postgres: number; sim: number };
  bytes: number;
}

/** The postmaster serving `port`, found by its command line (runuser is its parent when the bench runs as root). */
function postmasterPid(port: number): number | null {
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    let argv: string[];
    try {
      argv = fs.readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0");
    } catch {
      continue;
    }
    if (path.basename(argv[0]) === "postgres" && argv.includes("-p") && argv[argv.indexOf("-p") + 1] === String(port)) return Number(d);
  }
  return null;
}

/**
 * PostgreSQL's CPU seconds so far: the postmaster's own and its exited children's (cutime + cstime: the backends the
 * consoles' pools closed, which the postmaster has reaped), plus every running backend's. Summing only the running
 * processes would lose a backend's time when it exits between two readings.
 */
function postgresCpuSeconds(postmaster: number | null): number {
  if (postmaster === null) return NaN;
  let reaped = 0;
  try {
    const stat = fs.readFileSync(`/proc/${postmaster}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    reaped = (Number(f[13]) + Number(f[14])) / 100; // cutime + cstime, USER_HZ ticks
  } catch {
    return NaN;
  }
  return reaped + treePids(postmaster).reduce((s, p) => s + (cpuSeconds(p) || 0), 0);
}

/** The tail of a console's output, for a run that failed: the reason of a 500 is only in its log. */
const tailOf = (log: string, n = 30) => log.trimEnd().split("\n").slice(-n).join("\n");

class Rig {
  readonly replicas: Replica[] = [];
  fleet: SimFleet | null = null;
  etag: string | null = null;

  readonly postmaster: number | null;

  constructor(readonly pg: PostgresServer, readonly url: string) {
    this.postmaster = postmasterPid(pg.port);
  }

  replica(id: ReplicaId): Replica {
    return this.replicas.find((r) => r.id === id)!;
  }

  /** One replica on the shared database; started one after the other so the first runs the migrations alone. */
  async startReplica(id: ReplicaId, starterPort: number): Promise<void> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `signalbox-replica-${id}-`));
    const proc = new ConsoleProcess({
      dataDir, port: await freePort(), token: TOKEN, starterPort, workerAdminPort: await freePort(),
      env: { DATABASE_URL: this.url, SIGNALBOX_WORKER: "off", SIGNALBOX_REPLICA_ID: id },
    });
    this.replicas.push({ id, proc, dataDir, api: new ConsoleApi(proc.base, TOKEN), pid: 0 });
    await proc.start(90_000);
    this.replica(id).pid = proc.proc!.pid!;
  }

  /** CPU seconds so far: each replica, PostgreSQL (postmaster and backends, read afresh: backends come and go) and the simulator. */
  cpu(): Record<ReplicaId, number> & { postgres: number; sim: number } {
    return {
      a: cpuSeconds(this.replica("a").pid),
      b: cpuSeconds(this.replica("b").pid),
      postgres: postgresCpuSeconds(this.postmaster),
      sim: this.fleet ? cpuSeconds(this.fleet.proc.pid) : 0,
    };
  }

  /** `fn` on replica `id`'s API with the draft's ETag as last seen through either replica. */
  async on<T>(id: ReplicaId, fn: (api: ConsoleApi) => Promise<T>): Promise<T> {
    const api = this.replica(id).api;
    api.etag = this.etag;
    try {
      return await fn(api);
    } finally {
      this.etag = api.etag;
    }
  }

  async replicaList(id: ReplicaId): Promise<ReplicaView[]> {
    const res = await fetch(this.replica(id).proc.base + "/api/replicas", { headers: { authorization: `Bearer ${TOKEN}` } });
    if (!res.ok) throw new Error(`GET /api/replicas: HTTP ${res.status}`);
    return ReplicaList.parse(await res.json());
  }

  async close() {
    await this.fleet?.close();
    for (const r of this.replicas) await r.proc.stop();
    for (const r of this.replicas) fs.rmSync(r.dataDir, { recursive: true, force: true });
  }
}

/** One publish through replica `via` of an edit of `routeId`; waits for every simulated worker's ACK. */
async function publishOnce(rig: Rig, via: ReplicaId, routeId: string, route: Record<string, unknown>, i: number, routes: number): Promise<Sample> {
  const fleet = rig.fleet!;
  const other: ReplicaId = via === "a" ? "b" : "a";
  await rig.on(via, (api) => api.putRoute(routeId, { ...route, request_headers_to_add: [{ header: { key: "x-bench-publish", value: `${routes}-${i}` } }] }));
  const cpu0 = rig.cpu();
  const t0 = monoMs();
  const v = await rig.on(via, (api) => api.publish(`bench: replicas ${routes} routes, publish ${i} via ${via}`));
  const tResponse = monoMs();
  const acks = await fleet.allAcked(v.id);
  const cpu1 = rig.cpu();
  const side = (r: ReplicaId) => acks.filter((a) => a.replica === r);
  const lastAck = (xs: AckEvent[]) => Math.max(...xs.map((a) => a.ackT));
  const firstIn = (xs: AckEvent[]) => Math.min(...xs.map((a) => a.t));
  const tLast = lastAck(acks);
  const ids = fleet.nodes.map((n) => n.id);
  await waitFor(`GET /api/nodes on ${via} to show v${v.number} applied by every worker`, async () => {
    const nodes = await rig.replica(via).api.nodes();
    return ids.every((id) => nodes.some((n) => n.id === id && n.appliedVersion === v.id));
  }, 30_000, 20);
  const tRecorded = monoMs();
  fleet.forget(v.id);
  return {
    via,
    total: tLast - t0,
    first: Math.min(...acks.map((a) => a.ackT)) - t0,
    same: lastAck(side(via)) - t0,
    other: lastAck(side(other)) - t0,
    hop: firstIn(side(other)) - firstIn(side(via)),
    response: tResponse - t0,
    recorded: tRecorded - Math.max(tLast, tResponse),
    cpu: { a: cpu1.a - cpu0.a, b: cpu1.b - cpu0.b, postgres: cpu1.postgres - cpu0.postgres, sim: cpu1.sim - cpu0.sim },
    bytes: acks[0].bytes,
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The draft becomes the `routes`-route table in one PUT /api/config; answers its time. */
async function loadTable(rig: Rig, routes: number): Promise<number> {
  const t = monoMs();
  await rig.on("a", (api) => api.putConfig(publishDoc(routes)));
  return monoMs() - t;
}

async function measureSize(rig: Rig, routes: number, log: (m: string) => void): Promise<ReplicaPublishRow> {
  const putMs = await loadTable(rig, routes);
  const all = await rig.on("a", (api) => api.routes());
  const target = all[all.length - 1];
  if (!target) throw new Error("the draft has no routes");
  const { warmup, n } = publishesFor(routes);
  const samples: Sample[] = [];
  for (let i = 1; i <= warmup + n; i++) {
    const s = await publishOnce(rig, i % 2 ? "a" : "b", target.id, target.route as Record<string, unknown>, i, routes);
    if (i > warmup) samples.push(s);
  }
  const col = (f: (s: Sample) => number) => samples.map(f);
  const ms = (f: (s: Sample) => number) => mean(col(f)) * 1000;
  const row: ReplicaPublishRow = {
    routes, workers: WORKERS, publishes: n,
    via: { a: samples.filter((s) => s.via === "a").length, b: samples.filter((s) => s.via === "b").length },
    p50: percentile(col((s) => s.total), 50), p99: percentile(col((s) => s.total), 99), max: Math.max(...col((s) => s.total)),
    firstP50: percentile(col((s) => s.first), 50),
    same: { p50: percentile(col((s) => s.same), 50), p99: percentile(col((s) => s.same), 99) },
    other: { p50: percentile(col((s) => s.other), 50), p99: percentile(col((s) => s.other), 99) },
    hopP50: percentile(col((s) => s.hop), 50),
    responseP50: percentile(col((s) => s.response), 50),
    recordedP50: percentile(col((s) => s.recorded), 50),
    cpuMs: {
      a: ms((s) => s.cpu.a), b: ms((s) => s.cpu.b),
      publisher: ms((s) => s.cpu[s.via]), follower: ms((s) => s.cpu[s.via === "a" ? "b" : "a"]),
      postgres: ms((s) => s.cpu.postgres), sim: ms((s) => s.cpu.sim),
    },
    snapshotBytes: samples[0]?.bytes ?? NaN,
    putMs,
  };
  const f = (x: number) => x.toFixed(1);
  log(`${routes} routes × ${WORKERS} workers, ${n} publishes (a ${row.via.a}, b ${row.via.b}): p50 ${f(row.p50)} ms, p99 ${f(row.p99)} ms, max ${f(row.max)} ms; publishing side p50 ${f(row.same.p50)} / other side ${f(row.other.p50)} ms (hop ${f(row.hopP50)} ms); CPU per publish: publisher ${row.cpuMs.publisher.toFixed(0)} ms, follower ${row.cpuMs.follower.toFixed(0)} ms, postgres ${row.cpuMs.postgres.toFixed(0)} ms, simulator ${row.cpuMs.sim.toFixed(0)} ms; PUT /api/config ${putMs.toFixed(0)} ms`);
  return row;
}

/** CPU seconds per wall second of each process over `seconds` with every worker connected and nothing published. */
async function measureIdle(rig: Rig, routes: number, seconds: number, log: (m: string) => void): Promise<ReplicaIdle> {
  await sleep(2000); // the last publish's writes and the following replica's poll settle
  const c0 = rig.cpu();
  const t0 = monoMs();
  await sleep(seconds * 1000);
  const c1 = rig.cpu();
  const wall = (monoMs() - t0) / 1000;
  const idle: ReplicaIdle = {
    seconds: wall, routes,
    cpu: { a: (c1.a - c0.a) / wall, b: (c1.b - c0.b) / wall, postgres: (c1.postgres - c0.postgres) / wall, sim: (c1.sim - c0.sim) / wall },
    rssMb: { a: rssMb(rig.replica("a").pid), b: rssMb(rig.replica("b").pid) },
  };
  log(`idle ${wall.toFixed(1)} s with ${WORKERS} workers connected: CPU-s per s a ${idle.cpu.a.toFixed(3)}, b ${idle.cpu.b.toFixed(3)}, postgres ${idle.cpu.postgres.toFixed(3)}, simulator ${idle.cpu.sim.toFixed(3)}`);
  return idle;
}

export async function runReplicas(log: (m: string) => void = (m) => console.log(`[replicas] ${m}`)): Promise<ReplicasResult> {
  assertBuilt();
  const t0 = monoMs();
  const load0 = os.loadavg()[0];
  const pg = await startPostgres();
  let rig: Rig | null = null;
  try {
    const url = await pg.createDatabase("signalbox_bench");
    const postgresVersion = String((await pg.query<{ server_version: string }>("postgres", "SHOW server_version"))[0]?.server_version ?? "?");
    rig = new Rig(pg, url);
    const starterPort = await freePort();
    for (const id of REPLICA_IDS) await rig.startReplica(id, starterPort);
    log(`PostgreSQL ${postgresVersion} on ${pg.port}; replicas a (${rig.replica("a").proc.base}) and b (${rig.replica("b").proc.base}) ready after ${((monoMs() - t0) / 1000).toFixed(1)} s`);
    const nodes = Array.from({ length: WORKERS }, (_, i) => {
      const r = rig!.replica(REPLICA_IDS[i % 2]);
      return { id: `sim-${r.id}-${String((i >> 1) + 1).padStart(2, "0")}`, replica: r.id, url: `ws://127.0.0.1:${r.proc.o.port}/ws/worker` };
    });
    const fleet = (rig.fleet = new SimFleet(nodes, TOKEN));
    const a = rig.replica("a").api;
    let held: Record<string, number> = {};
    await waitFor(`${WORKERS} simulated workers connected, each held by the replica it dialled`, async () => {
      const list = await a.nodes();
      held = {};
      for (const n of list) if (n.connected && n.replica) held[n.replica] = (held[n.replica] ?? 0) + 1;
      return nodes.every((s) => list.some((n) => n.id === s.id && n.connected && n.replica === s.replica && n.appliedVersion !== null));
    }, 60_000, 200);
    const replicas = await rig.replicaList("b");
    log(`workers connected: ${JSON.stringify(held)}; GET /api/replicas: ${replicas.map((x) => `${x.id} ${x.alive ? "alive" : "DOWN"} ${x.nodes} nodes`).join(", ")}`);
    const rows: ReplicaPublishRow[] = [];
    const failures: ReplicasResult["failures"] = [];
    let idle: ReplicaIdle | null = null;
    for (const routes of SIZES) {
      try {
        rows.push(await measureSize(rig, routes, log));
      } catch (e) {
        // one size failing (a console error, a timeout) must not throw away the sizes measured before it
        const why = (e as Error).message.split("\n")[0];
        log(`${routes} routes: FAILED: ${why}`);
        for (const r of rig.replicas) console.error(`--- replica ${r.id}'s output (last lines) ---\n${tailOf(r.proc.log)}`);
        failures.push({ routes, error: why });
        continue;
      }
      if (routes === IDLE_ROUTES || (idle === null && !SIZES.includes(IDLE_ROUTES))) idle = await measureIdle(rig, routes, IDLE_SECONDS, log);
    }
    return {
      rows, failures, idle, replicas, nodesByReplica: held,
      trouble: fleet.trouble.length, troubleSample: fleet.trouble.slice(0, 5).map((e) => JSON.stringify(e)),
      seconds: (monoMs() - t0) / 1000, loadAvg: [load0, os.loadavg()[0]], postgresVersion,
    };
  } catch (e) {
    for (const r of rig?.replicas ?? []) console.error(`--- replica ${r.id}'s output (last lines) ---\n${tailOf(r.proc.log)}`);
    throw e;
  } finally {
    await rig?.close();
    await pg.stop();
  }
}
