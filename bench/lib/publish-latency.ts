// Publish → every worker's ACK, and publishes under steady load: the real console (production build, no bundled
// worker) with 1 and then 5 real proxy-core workers following it over /ws/worker.
//
// Latency: from just before POST /api/versions until the last worker's ACK of that version crosses a relay
// between the workers and the console (bench/lib/ws-tap.ts). That is the moment the ACK reaches the console,
// with no polling granularity and nothing added to the console or the workers; the relay also stamps when the
// snapshot frame leaves the console and when its last byte reaches the worker, which splits the latency into
// console (handler, SQLite, serialising), transfer and worker (parse, validate, build, bind) time. After the
// ACKs, GET /api/nodes is polled every 5 ms until every worker shows the version as applied, which checks the
// console recorded what the relay saw (and says how long its SQLite write lags the ACK).
//
// Each publish changes one route (the catch-all the benchmark requests hit; header mutation or weights) with
// the per-resource route edit and If-Match, as the console's route editor does, then publishes with If-Match.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConsoleProcess, assertBuilt, freePort, sleep, waitFor } from "../../tests/support/console-process";
import { PORTS, signalboxBootstrap } from "../targets/configs";
import type { DraftRouteItem } from "../../lib/contract";
import { ConsoleApi } from "./console-api";
import { cpuSeconds, startPinned, stop, type Proc } from "./procs";
import { steadyLoad, type SteadyLoadResult } from "./steady-load";
import { workerCommand } from "./worker";
import { WsTap, type TapEvent } from "./ws-tap";

export interface PublishLatencyRow {
  routes: number;
  workers: number;
  publishes: number;
  /** POST → last worker's ACK, ms */
  p50: number;
  p99: number;
  max: number;
  /** the slowest publish's parts, ms: where a tail comes from */
  slowest: { console: number; transfer: number; worker: number };
  /** POST → the first snapshot byte leaving the console (handler, SQLite, serialising), p50 ms */
  consoleP50: number;
  /** first → last snapshot byte at the relay, slowest worker, p50 ms */
  transferP50: number;
  /** last snapshot byte → ACK, slowest worker (parse, validate, build, swap), p50 ms */
  workerP50: number;
  /** POST → its 201, p50 ms */
  responseP50: number;
  /** ACK on the wire → GET /api/nodes shows every worker applied (5 ms polls), p50 ms */
  recordedP50: number;
  /** CPU time per publish (POST → last ACK), ms: the console's, and all workers' together (from /proc, 10 ms ticks) */
  consoleCpuMs: number;
  workersCpuMs: number;
  /** PUT /api/config of the whole table, ms (once) */
  putMs: number;
  /** snapshot size on the wire, bytes */
  snapshotBytes: number;
}

export interface PublishUnderLoad {
  routes: number;
  workers: number;
  publishes: number;
  acked: number;
  rate: number;
  load: SteadyLoadResult;
}

export interface PublishLatencyResult {
  rows: PublishLatencyRow[];
  underLoad: PublishUnderLoad;
  seconds: number;
  /** the machine's 1-minute load average at the start and the end: other work on the two cores skews the figures */
  loadAvg: [number, number];
}

const TOKEN = "bench-" + Math.random().toString(36).slice(2);
const SIZES = [10, 1000, 10000];
const WORKER_COUNTS = [1, 5];
const WARMUP = 5;
/** the table of the publishes under load, run with the largest worker count */
const UNDER_LOAD_ROUTES = 1000;

/** BENCH_PUBLISH_CPU_PROF=DIR: the console writes a V8 CPU profile into DIR when it stops (open it in DevTools). */
function profileEnv(): Record<string, string> {
  const dir = process.env.BENCH_PUBLISH_CPU_PROF;
  if (!dir) return {};
  const preload = path.join(import.meta.dirname, "cpu-prof-preload.mjs");
  return { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${preload}`.trim(), BENCH_CPU_PROF_DIR: path.resolve(dir) };
}

/** Publishes per (routes, workers); fewer at 10,000 routes to stay inside the time budget. */
export function publishesFor(routes: number): number {
  const all = Number(process.env.BENCH_PUBLISHES ?? 50);
  return routes >= 10000 ? Math.min(all, Number(process.env.BENCH_PUBLISHES_10K ?? 20)) : all;
}

/** The realistic table of bench/targets/configs.ts on port 0 (every worker binds its own port on one host), plus
 *  a second cluster for weighted splits. */
export function publishDoc(routes: number) {
  const b = signalboxBootstrap({ routes }, 0).static_resources;
  const backendB = {
    name: "backend_b",
    type: "STATIC",
    connect_timeout: "1s",
    lb_policy: "ROUND_ROBIN",
    load_assignment: { cluster_name: "backend_b", endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: PORTS.upstreamB } } } }] }] },
  };
  return { static_resources: { listeners: b.listeners, clusters: [...b.clusters, backendB] } };
}

/** Nearest-rank percentile. */
export function percentile(xs: number[], p: number): number {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))];
}

interface Sample {
  total: number;
  console: number;
  transfer: number;
  worker: number;
  response: number;
  recorded: number;
  consoleCpu: number;
  workersCpu: number;
}

class Bench {
  readonly workers: { id: string; proc: Proc; admin: number }[] = [];
  readonly tap: WsTap;
  readonly api: ConsoleApi;

  constructor(readonly consoleProc: ConsoleProcess) {
    this.tap = new WsTap(consoleProc.o.port);
    this.api = new ConsoleApi(consoleProc.base, TOKEN);
  }

  get ids() {
    return this.workers.map((w) => w.id);
  }

  async startWorkers(count: number, liveId: string) {
    const fresh: string[] = [];
    for (let i = this.workers.length + 1; i <= count; i++) {
      const id = `w${i}`;
      const admin = await freePort();
      const [cmd, ...args] = workerCommand(null, [], ["--control-plane", `ws://127.0.0.1:${this.tap.port}/ws/worker`, "--node-id", id, "--admin-address", `127.0.0.1:${admin}`, "--log-level", "warning"]);
      this.workers.push({ id, admin, proc: startPinned(`worker-${id}`, "0,1", cmd, args, { NODE_ENV: "production", PROXY_CORE_TOKEN: TOKEN }) });
      fresh.push(id);
    }
    await waitFor(`workers ${fresh.join(", ")} to apply the live version`, async () => {
      const nodes = await this.api.nodes();
      return this.ids.every((id) => nodes.some((n) => n.id === id && n.connected && n.appliedVersion === liveId));
    }, 60_000, 100);
  }

  /** Publishes the draft and waits for every worker's ACK; returns the timings of this publish. */
  async publishAndWait(message: string): Promise<Sample & { id: string; bytes: number }> {
    const mark = this.tap.events.length;
    const ids = this.ids;
    const since = () => this.tap.events.slice(mark);
    const first = (evs: TapEvent[], node: string, kind: TapEvent["kind"], version?: string) => evs.find((e) => e.node === node && e.kind === kind && (version === undefined || e.version === version));
    const cpu = () => [cpuSeconds(this.consoleProc.proc!.pid!), this.workers.reduce((a, w) => a + cpuSeconds(w.proc.pid), 0)];
    const cpu0 = cpu();
    const t0 = performance.now();
    const v = await this.api.publish(message);
    const tResponse = performance.now();
    await this.tap.until(() => {
      const evs = since();
      const nack = evs.find((e) => e.kind === "nack" && e.version === v.id);
      if (nack) throw new Error(`worker ${nack.node} rejected v${v.number}: ${nack.error}`);
      return ids.every((id) => first(evs, id, "ack", v.id));
    }, 60_000, `every worker's ACK of v${v.number}`);
    const tAcked = performance.now();
    const cpu1 = cpu();
    const evs = since();
    const per = ids.map((id) => {
      const start = first(evs, id, "snapshot-start")!;
      const end = first(evs, id, "snapshot-end")!;
      const ack = first(evs, id, "ack", v.id)!;
      return { start: start.t, end: end.t, ack: ack.t, bytes: end.bytes ?? 0 };
    });
    const lastAck = Math.max(...per.map((p) => p.ack));
    const slowest = per.find((p) => p.ack === lastAck)!;
    await waitFor(`GET /api/nodes to show v${v.number} applied`, async () => {
      const nodes = await this.api.nodes();
      return ids.every((id) => nodes.some((n) => n.id === id && n.appliedVersion === v.id));
    }, 30_000, 5);
    const tRecorded = performance.now();
    return {
      id: v.id,
      bytes: slowest.bytes,
      total: lastAck - t0,
      console: Math.min(...per.map((p) => p.start)) - t0,
      transfer: slowest.end - slowest.start,
      worker: slowest.ack - slowest.end,
      response: tResponse - t0,
      recorded: tRecorded - Math.max(tAcked, lastAck),
      consoleCpu: (cpu1[0] - cpu0[0]) * 1000,
      workersCpu: (cpu1[1] - cpu0[1]) * 1000,
    };
  }

  async liveId(): Promise<string> {
    const w1 = (await this.api.nodes()).find((n) => n.id === "w1");
    if (!w1?.appliedVersion) throw new Error("w1 runs no version");
    return w1.appliedVersion;
  }

  /** Stops the last workers (by PID) until `count` are left. */
  async stopWorkers(count: number) {
    while (this.workers.length > count) await stop(this.workers.pop()!.proc);
  }

  async close() {
    for (const w of this.workers) await stop(w.proc);
    await this.tap.close();
  }
}

/** The catch-all (last) route of the table: what the benchmark requests hit. */
async function catchAll(api: ConsoleApi) {
  const routes = await api.routes();
  const last = routes[routes.length - 1];
  if (!last) throw new Error("the draft has no routes");
  return last;
}

async function measure(b: Bench, routes: number, target: DraftRouteItem, putMs: number, log: (m: string) => void): Promise<{ row: PublishLatencyRow; target: DraftRouteItem }> {
  const n = publishesFor(routes);
  const warmup = routes >= 10000 ? 2 : WARMUP;
  const samples: (Sample & { bytes: number })[] = [];
  for (let i = 1; i <= warmup + n; i++) {
    target = await b.api.putRoute(target.id, { ...target.route, request_headers_to_add: [{ header: { key: "x-bench-publish", value: `${routes}-${b.workers.length}-${i}` } }] });
    const s = await b.publishAndWait(`bench: header value ${i}`);
    if (i > warmup) samples.push(s);
  }
  const col = (f: (s: Sample) => number) => samples.map(f);
  const row: PublishLatencyRow = {
    routes, workers: b.workers.length, publishes: n,
    p50: percentile(col((s) => s.total), 50), p99: percentile(col((s) => s.total), 99), max: Math.max(...col((s) => s.total)),
    slowest: [...samples].sort((a, b) => b.total - a.total).map((s) => ({ console: s.console, transfer: s.transfer, worker: s.worker }))[0],
    consoleP50: percentile(col((s) => s.console), 50), transferP50: percentile(col((s) => s.transfer), 50), workerP50: percentile(col((s) => s.worker), 50),
    responseP50: percentile(col((s) => s.response), 50), recordedP50: percentile(col((s) => s.recorded), 50),
    consoleCpuMs: mean(col((s) => s.consoleCpu)), workersCpuMs: mean(col((s) => s.workersCpu)),
    putMs, snapshotBytes: samples[0]?.bytes ?? NaN,
  };
  log(`${fmtRoutes(routes)} routes × ${row.workers} workers, ${n} publishes: p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms (slowest: console ${row.slowest.console.toFixed(0)}, worker ${row.slowest.worker.toFixed(0)}; p50s: console ${row.consoleP50.toFixed(1)}, transfer ${row.transferP50.toFixed(1)}, worker ${row.workerP50.toFixed(1)}; 201 after ${row.responseP50.toFixed(1)} ms; /api/nodes ${row.recordedP50.toFixed(1)} ms after the ACK; CPU per publish: console ${row.consoleCpuMs.toFixed(0)} ms, workers ${row.workersCpuMs.toFixed(0)} ms)`);
  return { row, target };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmtRoutes = (n: number) => n.toLocaleString("en-US");

/** Worker w1's listener port (port 0 in the config: each worker has its own), from its admin /listeners. */
async function listenerPort(admin: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${admin}/listeners`)).text();
  const m = /^bench::[^\n]*:(\d+)$/m.exec(text);
  if (!m) throw new Error(`no bench listener in /listeners: ${text}`);
  return Number(m[1]);
}

/** 100 publishes (header value, then weights, alternating) on the route w1 serves at `rate` requests/s. */
async function underLoad(b: Bench, target: DraftRouteItem, publishes: number, rate: number, log: (m: string) => void): Promise<PublishUnderLoad> {
  const port = await listenerPort(b.workers[0].admin);
  const load = steadyLoad(`http://127.0.0.1:${port}/bench`, rate);
  let acked = 0;
  let r: SteadyLoadResult;
  try {
    await sleep(1000);
    for (let i = 1; i <= publishes; i++) {
      const route = structuredClone(target.route) as Record<string, unknown>;
      if (i % 2) route.request_headers_to_add = [{ header: { key: "x-bench-publish", value: String(i) } }];
      else route.route = { weighted_clusters: { clusters: [{ name: "backend", weight: 10 + (i % 80) }, { name: "backend_b", weight: 90 - (i % 80) }] } };
      target = await b.api.putRoute(target.id, route);
      await b.publishAndWait(`bench: under load ${i}`);
      acked++;
    }
    await sleep(1000);
  } finally {
    r = await load.stop();
  }
  log(`under load: ${acked}/${publishes} publishes acked by ${b.workers.length} workers in ${r.seconds.toFixed(1)} s; ${r.requests} requests to w1 at ${rate}/s, ${r.non2xx} non-2xx, ${r.errors} socket errors${r.firstError ? ` (first: ${r.firstError})` : ""}, ${r.skipped} not sent (in-flight cap); latency p50 ${r.latency.p50.toFixed(1)} ms, p99 ${r.latency.p99.toFixed(1)} ms, max ${r.latency.max.toFixed(0)} ms`);
  return { routes: UNDER_LOAD_ROUTES, workers: b.workers.length, publishes, acked, rate, load: r };
}

export async function runPublishLatency(log: (m: string) => void = (m) => console.log(`[publish] ${m}`)): Promise<PublishLatencyResult> {
  assertBuilt();
  const t0 = performance.now();
  const load0 = os.loadavg()[0];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-publish-"));
  const consoleProc = new ConsoleProcess({
    dataDir, port: await freePort(), token: TOKEN, starterPort: await freePort(), workerAdminPort: await freePort(), env: { SIGNALBOX_WORKER: "off", ...profileEnv() },
  });
  let b: Bench | null = null;
  try {
    await consoleProc.start();
    b = new Bench(consoleProc);
    await b.tap.start();
    const rows: PublishLatencyRow[] = [];
    let under: PublishUnderLoad | null = null;
    // a small table goes live before the first worker starts: the starter version's fixed listener port would
    // be bound by one worker and refused by the others
    await b.api.putConfig(publishDoc(2));
    const first = await b.api.publish("bench: workers start on this");
    await b.startWorkers(1, first.id);
    // sizes outside, worker counts inside: each table goes through PUT /api/config once
    for (const routes of SIZES) {
      const t = performance.now();
      await b.api.putConfig(publishDoc(routes));
      const putMs = performance.now() - t;
      let target = await catchAll(b.api);
      for (const count of WORKER_COUNTS) {
        if (b.workers.length > count) await b.stopWorkers(count);
        if (b.workers.length < count) await b.startWorkers(count, await b.liveId());
        const r = await measure(b, routes, target, putMs, log);
        target = r.target;
        rows.push(r.row);
      }
      if (routes === UNDER_LOAD_ROUTES)
        under = await underLoad(b, target, Number(process.env.BENCH_PUBLISHES_UNDER_LOAD ?? 100), Number(process.env.BENCH_PUBLISH_RPS ?? 1000), log);
    }
    return { rows, underLoad: under!, seconds: (performance.now() - t0) / 1000, loadAvg: [load0, os.loadavg()[0]] };
  } finally {
    await b?.close();
    await consoleProc.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
