// `npm run bench`: Signalbox's worker against a direct connection and the baselines (nginx, HAProxy, http-proxy,
// @fastify/http-proxy, and node-minimal as the "ceiling" for a Node proxy), interleaved over rounds, on 127.0.0.1
// only. wrk is pinned to core 0 (with the upstream nginx), the proxy under test to core 1. Each wrk run is bounded
// (≤ 15 s); every process is stopped by PID.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PORTS, haproxyConf, nginxProxyConf, upstreamNginxConf, writeSignalboxConfig } from "./targets/configs";
import { cpuSeconds, peakRssMb, sampleRss, sleep, startPinned, stop, stopAll, treePids, waitForPort, type Proc } from "./lib/procs";
import { runWrk } from "./lib/wrk";
import { runScenarios, type ScenarioReport } from "./scenarios";
import { renderConsoleUiReport, renderPublishReport, renderReport, type LevelResult, type RunResult } from "./report";
import { runPublishLatency } from "./lib/publish-latency";
import { runConsoleUi, type ConsoleUiResult } from "./lib/console-ui";
import { workerCommand } from "./lib/worker";
import { runReplicas, type ReplicasResult } from "./lib/replicas-bench";
import { renderReplicasReport } from "./lib/replicas-report";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const LEVELS = [1, 50, 200];
export const LOAD_CORE = 0;
export const PROXY_CORE = 1;
const root = path.resolve(import.meta.dirname, "..");

export interface Target {
  name: string;
  port: number;
  start(dir: string): Proc | null;
}

const node = process.execPath;
export const TARGETS: Target[] = [
  { name: "direct", port: PORTS.upstreamA, start: () => null },
  { name: "nginx", port: PORTS.nginx, start: (dir) => startPinned("nginx", PROXY_CORE, "nginx", ["-p", dir, "-c", nginxProxyConf(dir, PORTS.upstreamA)]) },
  { name: "haproxy", port: PORTS.haproxy, start: (dir) => startPinned("haproxy", PROXY_CORE, "haproxy", ["-db", "-f", haproxyConf(dir)]) },
  { name: "http-proxy", port: PORTS.httpProxy, start: () => startPinned("http-proxy", PROXY_CORE, node, [path.join(root, "bench/targets/http-proxy-server.mjs"), String(PORTS.httpProxy), `http://127.0.0.1:${PORTS.upstreamA}`]) },
  { name: "@fastify/http-proxy", port: PORTS.fastify, start: () => startPinned("fastify", PROXY_CORE, node, [path.join(root, "bench/targets/fastify-proxy-server.mjs"), String(PORTS.fastify), `http://127.0.0.1:${PORTS.upstreamA}`]) },
  // the "ceiling" for a Node proxy: node:http + undici Pool.dispatch with a raw-header handler, no features
  { name: "node-minimal", port: PORTS.minimal, start: () => startPinned("node-minimal", PROXY_CORE, node, [path.join(root, "bench/targets/minimal-proxy-server.mjs"), String(PORTS.minimal), `http://127.0.0.1:${PORTS.upstreamA}`]) },
  { name: "signalbox", port: PORTS.signalbox, start: (dir) => { const [cmd, ...args] = workerCommand(writeSignalboxConfig(dir, "signalbox")); return startPinned("signalbox", PROXY_CORE, cmd, args, { NODE_ENV: "production" }); } },
];


export async function measure(target: Target, dir: string, round: number, pathname = "/bench"): Promise<RunResult> {
  const proc = target.start(dir);
  await waitForPort(target.port, 15_000, proc ?? undefined);
  const url = `http://127.0.0.1:${target.port}${pathname}`;
  await runWrk({ url, connections: 50, seconds: 1, core: LOAD_CORE }); // warm-up (JIT, pools)
  const levels: LevelResult[] = [];
  const rss = sampleRss(proc ? treePids(proc.pid) : []);
  for (const connections of LEVELS) {
    const pids = proc ? treePids(proc.pid) : [];
    const cpu0 = pids.reduce((s, p) => s + cpuSeconds(p), 0);
    const r = await runWrk({ url, connections, seconds: SECONDS, core: LOAD_CORE, threads: connections >= 50 ? 1 : 1 });
    const cpu = pids.reduce((s, p) => s + cpuSeconds(p), 0) - cpu0;
    levels.push({ ...r, connections, rqPerCpuSec: proc && cpu > 0 ? r.requests / cpu : NaN });
  }
  const loadRss = rss.stop();
  const peak = proc ? treePids(proc.pid).reduce((s, p) => s + peakRssMb(p), 0) : NaN;
  if (proc) await stop(proc);
  await sleep(200);
  return { target: target.name, round, levels, peakRssMb: peak, loadRssMb: proc ? loadRss : NaN };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-bench-"));
  if (process.env.BENCH_ONLY === "console") return consoleOnly(dir);
  if (process.env.BENCH_ONLY === "replicas") return replicasOnly(dir);
  if (process.env.BENCH_ONLY !== "publish") console.log(`bench: ${ROUNDS} rounds, ${SECONDS}s per level, levels ${LEVELS.join("/")} connections, work dir ${dir}`);
  const upstream = startPinned("upstream-nginx", LOAD_CORE, "nginx", ["-p", dir, "-c", upstreamNginxConf(dir)]);
  if (process.env.BENCH_ONLY === "publish") return publishOnly(dir, upstream);
  const results: RunResult[] = [];
  let scenarios: ScenarioReport | null = null;
  let consoleUi: ConsoleUiResult | null = null;
  let scenarioError: unknown = null;
  try {
    await waitForPort(PORTS.upstreamA, 10_000, upstream);
    const only = process.env.BENCH_TARGETS?.split(",");
    const targets = only ? TARGETS.filter((t) => only.includes(t.name)) : TARGETS;
    for (let round = 1; round <= ROUNDS; round++) {
      for (const target of targets) {
        process.stdout.write(`round ${round}: ${target.name} … `);
        const r = await measure(target, dir, round);
        results.push(r);
        console.log(r.levels.map((l) => `${l.connections}c ${Math.round(l.rps)} rps p99 ${(l.p99 / 1000).toFixed(2)}ms`).join(", "));
      }
    }
    // a scenario that fails must not throw away the rounds measured before it: report them and fail afterwards
    if (process.env.BENCH_SCENARIOS !== "0") {
      try {
        scenarios = await runScenarios(dir, SECONDS, ROUNDS);
      } catch (e) {
        scenarioError = e;
        console.error("scenarios failed (the targets' rounds are still reported):", e);
      }
      try {
        consoleUi = await runConsoleUi();
      } catch (e) {
        scenarioError = e;
        console.error("the console scenario failed (the rest is still reported):", e);
      }
      // its own report (bench/results/replicas.md): two consoles on PostgreSQL, 50 simulated workers
      try {
        writeReplicasReport(await runReplicas());
      } catch (e) {
        scenarioError = e;
        console.error("the replicas scenario failed (the rest is still reported):", e);
      }
    }
  } finally {
    await stopAll();
  }
  const md = renderReport(results, scenarios, { rounds: ROUNDS, seconds: SECONDS, levels: LEVELS }, consoleUi);
  fs.mkdirSync(path.join(root, "bench/results"), { recursive: true });
  fs.writeFileSync(path.join(root, "bench/results/latest.md"), md);
  console.log("\n" + md);
  console.log("written to bench/results/latest.md");
  fs.rmSync(dir, { recursive: true, force: true });
  if (scenarioError !== null) process.exitCode = 1;
}

/** `BENCH_ONLY=publish`: the publish-latency scenario alone; its own report, so latest.md keeps the full run. */
async function publishOnly(dir: string, upstream: Proc) {
  try {
    await waitForPort(PORTS.upstreamA, 10_000, upstream);
    const md = renderPublishReport(await runPublishLatency());
    fs.mkdirSync(path.join(root, "bench/results"), { recursive: true });
    fs.writeFileSync(path.join(root, "bench/results/publish.md"), md);
    console.log("\n" + md + "\nwritten to bench/results/publish.md");
  } finally {
    await stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `BENCH_ONLY=console`: the console scenario alone (bench/lib/console-ui.ts); its own report, bench/results/console.md. */
async function consoleOnly(dir: string) {
  try {
    const md = renderConsoleUiReport(await runConsoleUi());
    fs.mkdirSync(path.join(root, "bench/results"), { recursive: true });
    fs.writeFileSync(path.join(root, "bench/results/console.md"), md);
    console.log("\n" + md + "\nwritten to bench/results/console.md");
  } finally {
    await stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function writeReplicasReport(r: ReplicasResult) {
  const md = renderReplicasReport(r);
  fs.mkdirSync(path.join(root, "bench/results"), { recursive: true });
  fs.writeFileSync(path.join(root, "bench/results/replicas.md"), md);
  console.log("\n" + md + "\nwritten to bench/results/replicas.md");
}

/** `BENCH_ONLY=replicas`: two console replicas on PostgreSQL, 50 simulated workers (bench/lib/replicas-bench.ts); bench/results/replicas.md. */
async function replicasOnly(dir: string) {
  try {
    writeReplicasReport(await runReplicas());
  } finally {
    await stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch(async (err) => {
    console.error(err);
    await stopAll();
    process.exit(1);
  });
}
