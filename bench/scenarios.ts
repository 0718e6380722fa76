// The scenarios beyond the throughput table (route-table scale, concurrency, a node:http hello-world reference,
// circuit-breaker overflow, a down upstream, streaming bodies, config swaps under load, observability cost), run
// against Signalbox's worker (and nginx where a comparison is asked for).
import http from "node:http";
import path from "node:path";
import { WebSocketServer, type WebSocket } from "ws";
import { BENCH_ORIGIN, PORTS, nginxProxyConf, signalboxBootstrap, writeSignalboxConfig, type SignalboxOptions } from "./targets/configs";
import { cpuSeconds, peakRssMb, rssMb, sampleRss, sleep, startPinned, stop, treePids, waitForPort, type Proc } from "./lib/procs";
import { runWrk, type WrkResult } from "./lib/wrk";
import { workerCommand } from "./lib/worker";
import { runConsoleLoad, type ConsoleLoadResult } from "./lib/console-load";
import { runPublishLatency, type PublishLatencyResult } from "./lib/publish-latency";

const LOAD_CORE = 0;
const PROXY_CORE = 1;
const root = path.resolve(import.meta.dirname, "..");
const node = process.execPath;

export interface ScenarioReport {
  /** `nodeArgs`: a variant of the worker's V8 flags (the memory/throughput trade-off of smaller semi-spaces) */
  routeScale: { routes: number; nodeArgs: string; rps: number; p99: number; peakRssMb: number; loadRssMb: number }[];
  /** --concurrency 1 vs 2, worker, wrk and upstream all free to use both cores (the targets are single-core) */
  concurrency: { processes: number; rps: number; p99: number; rqPerCpuSec: number }[];
  /** node:http answering by itself on the proxy core: Node's own ceiling and latency tail */
  nodeHello: { connections: number; rps: number; p50: number; p99: number }[];
  /** ratios of 10,000-route to 10-route requests/s, one per round (the rows above are medians over rounds) */
  scaleRatios: number[];
  /** medians over rounds; `ratios`: Signalbox 503/s ÷ nginx 502/s within each round */
  overflow: { signalbox503PerSec: number; nginx502PerSec: number; overloadedHeader: boolean; ratios: number[] };
  rounds: number;
  upstreamDown: { signalboxP50: number; nginxP50: number; signalboxStatus: number };
  /** RSS: after a warm-up; peak during the first `mib` MiB upload; peak over all three transfers */
  streaming: { uploadMBps: number; downloadMBps: number; baselineRssMb: number; peakFirstMb: number; peakRssMb: number; mib: number };
  swap: { versions: number; acked: number; requests: number; failed: number; seconds: number };
  /** requests/s at 50 connections with stats, tracing at 1 % and an access log to a file vs tracing and access log off */
  observability: { onRps: number; offRps: number; ratios: number[] };
  /** requests/s at 50 connections with cors + local_ratelimit (never limiting) + router vs the router alone */
  filterChain: { withRps: number; withoutRps: number; ratios: number[] };
  /** the console under 20 simulated workers' telemetry */
  console: ConsoleLoadResult;
  /** publish → every worker's ACK (1 and 5 real workers), and publishes under steady load */
  publish: PublishLatencyResult;
}

function startSignalbox(dir: string, name: string, opts: SignalboxOptions, nodeArgs: string[] = []): Proc {
  const [cmd, ...args] = workerCommand(writeSignalboxConfig(dir, name, opts), nodeArgs);
  return startPinned(name, PROXY_CORE, cmd, args, { NODE_ENV: "production" });
}

async function run(proc: Proc, port: number, connections: number, seconds: number, pathname = "/bench", headers?: Record<string, string>): Promise<WrkResult> {
  await waitForPort(port, 20_000, proc);
  const url = `http://127.0.0.1:${port}${pathname}`;
  await runWrk({ url, connections, seconds: 1, core: LOAD_CORE, headers });
  return runWrk({ url, connections, seconds, core: LOAD_CORE, headers });
}

function get(port: number, pathname: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: "127.0.0.1", port, path: pathname, agent: false }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    }).on("error", reject);
  });
}

async function routeScale(dir: string, seconds: number) {
  const out: ScenarioReport["routeScale"] = [];
  const variants: [number, string[]][] = [[10, []], [1000, []], [10000, []], [1000, ["--max-semi-space-size=4"]]];
  for (const [routes, nodeArgs] of variants) {
    const proc = startSignalbox(dir, `routes-${routes}`, { routes }, nodeArgs);
    await waitForPort(PORTS.signalbox, 20_000, proc);
    const url = `http://127.0.0.1:${PORTS.signalbox}/bench`;
    await runWrk({ url, connections: 50, seconds: 1, core: LOAD_CORE });
    const rss = sampleRss([proc.pid]);
    const r = await runWrk({ url, connections: 50, seconds, core: LOAD_CORE });
    const row = { routes, nodeArgs: nodeArgs.join(" "), rps: r.rps, p99: r.p99, peakRssMb: peakRssMb(proc.pid), loadRssMb: rss.stop() };
    out.push(row);
    await stop(proc);
    console.log(`routes ${routes}${row.nodeArgs ? ` (${row.nodeArgs})` : ""}: ${Math.round(r.rps)} rps, RSS under load ${row.loadRssMb.toFixed(0)} MB, peak ${row.peakRssMb.toFixed(0)} MB`);
  }
  return out;
}

/**
 * `--concurrency N` on this machine: every process may use both cores (taskset 0,1), so the workers compete
 * with wrk and the upstream nginx; this shows that N processes share the load and what that buys here, not
 * the scaling a machine with spare cores would show.
 */
async function concurrency(dir: string, seconds: number) {
  const out: ScenarioReport["concurrency"] = [];
  for (const processes of [1, 2]) {
    const [cmd, ...args] = workerCommand(writeSignalboxConfig(dir, `concurrency-${processes}`, {}), [], ["--concurrency", String(processes)]);
    const proc = startPinned(`signalbox-x${processes}`, "0,1", cmd, args, { NODE_ENV: "production" });
    try {
      await waitForPort(PORTS.signalbox, 20_000, proc);
      await sleep(300); // the workers of N > 1 start listening one after the other
      const url = `http://127.0.0.1:${PORTS.signalbox}/bench`;
      await runWrk({ url, connections: 50, seconds: 1, core: "0,1" });
      const pids = treePids(proc.pid);
      const cpu0 = pids.reduce((s, p) => s + cpuSeconds(p), 0);
      const r = await runWrk({ url, connections: 50, seconds, core: "0,1" });
      const cpu = pids.reduce((s, p) => s + cpuSeconds(p), 0) - cpu0;
      out.push({ processes, rps: r.rps, p99: r.p99, rqPerCpuSec: r.requests / cpu });
      console.log(`--concurrency ${processes} (unpinned): ${Math.round(r.rps)} rps, p99 ${r.p99} µs, ${Math.round(r.requests / cpu)} requests per CPU-s`);
    } finally {
      await stop(proc);
    }
  }
  return out;
}

async function nodeHello(seconds: number) {
  const out: ScenarioReport["nodeHello"] = [];
  const port = 19041;
  const proc = startPinned("node-hello", PROXY_CORE, node, [path.join(root, "bench/targets/node-hello-server.mjs"), String(port)]);
  try {
    for (const connections of [50, 200]) {
      const r = await run(proc, port, connections, seconds, "/");
      out.push({ connections, rps: r.rps, p50: r.p50, p99: r.p99 });
      console.log(`node:http hello, ${connections} connections: ${Math.round(r.rps)} rps, p50 ${r.p50} µs, p99 ${r.p99} µs`);
    }
  } finally {
    await stop(proc);
  }
  return out;
}

async function overflow(dir: string, seconds: number) {
  // max_requests 0: the breaker is always open; the endpoint is a closed port, so touching it would show as connect failures
  const sb = startSignalbox(dir, "overflow", { maxRequests: 0, endpoints: [PORTS.closed] });
  await waitForPort(PORTS.signalbox, 20_000, sb);
  const probe = await get(PORTS.signalbox, "/bench");
  const s = await run(sb, PORTS.signalbox, 50, seconds);
  await stop(sb);
  const ng = startPinned("nginx-closed", PROXY_CORE, "nginx", ["-p", dir, "-c", nginxProxyConf(dir, PORTS.closed, 19007)]);
  const n = await run(ng, 19007, 50, seconds);
  await stop(ng);
  console.log(`overflow: signalbox ${Math.round(s.rps)} 503/s (${probe.status}, x-envoy-overloaded ${probe.headers["x-envoy-overloaded"]}), nginx ${Math.round(n.rps)} 502/s`);
  return { signalbox503PerSec: s.rps, nginx502PerSec: n.rps, overloadedHeader: probe.status === 503 && probe.headers["x-envoy-overloaded"] === "true" };
}

async function upstreamDown(dir: string, seconds: number) {
  const sb = startSignalbox(dir, "down", { endpoints: [PORTS.closed] });
  await waitForPort(PORTS.signalbox, 20_000, sb);
  const probe = await get(PORTS.signalbox, "/bench");
  const s = await run(sb, PORTS.signalbox, 1, seconds);
  await stop(sb);
  const ng = startPinned("nginx-closed", PROXY_CORE, "nginx", ["-p", dir, "-c", nginxProxyConf(dir, PORTS.closed, 19007)]);
  const n = await run(ng, 19007, 1, seconds);
  await stop(ng);
  console.log(`upstream down: signalbox p50 ${s.p50} µs (status ${probe.status}), nginx p50 ${n.p50} µs`);
  return { signalboxP50: s.p50, nginxP50: n.p50, signalboxStatus: probe.status };
}

function upload(mib: number): Promise<number> {
  const chunk = Buffer.alloc(1 << 20, 97);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: PORTS.signalbox, path: "/sink", method: "POST", agent: false, headers: { "content-length": String(mib * chunk.length) } }, (res) => {
      let b = "";
      res.on("data", (d) => (b += d));
      res.on("end", () => resolve(Number(b)));
    });
    req.on("error", reject);
    let sent = 0;
    const pump = () => {
      while (sent < mib) {
        sent++;
        if (!req.write(chunk)) return req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

function download(mib: number): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get({ host: "127.0.0.1", port: PORTS.signalbox, path: `/blob?mb=${mib}`, agent: false }, (res) => {
      let n = 0;
      res.on("data", (d) => (n += d.length));
      res.on("end", () => resolve(n));
    }).on("error", reject);
  });
}

/**
 * 100 MiB up, 100 MiB down, then 100 MiB up again through the worker. "Flat" means the RSS is bounded by
 * buffers, not proportional to the body: the peak over all 300 MiB is compared with the peak during the first
 * 100 MiB, after an 8 MiB warm-up each way (the first transfers also grow the heap and compile the hot path).
 */
async function streaming(dir: string) {
  const MIB = 100;
  const up = startPinned("stream-upstream", LOAD_CORE, node, [path.join(root, "bench/targets/stream-upstream.mjs"), "19021"]);
  const sb = startSignalbox(dir, "stream", { endpoints: [19021] });
  try {
    await waitForPort(19021, 10_000, up);
    await waitForPort(PORTS.signalbox, 20_000, sb);
    await upload(8);
    await download(8);
    const baseline = rssMb(sb.pid);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(sb.pid))), 50);
    const t0 = performance.now();
    const uploaded = await upload(MIB);
    const t1 = performance.now();
    const peakFirst = peak;
    const downloaded = await download(MIB);
    const t2 = performance.now();
    const uploadedAgain = await upload(MIB);
    clearInterval(sampler);
    peak = Math.max(peak, rssMb(sb.pid));
    const bytes = MIB * (1 << 20);
    if (uploaded !== bytes || downloaded !== bytes || uploadedAgain !== bytes) throw new Error(`streaming sizes wrong: up ${uploaded}, down ${downloaded}, up ${uploadedAgain}`);
    const r = { uploadMBps: MIB / ((t1 - t0) / 1000), downloadMBps: MIB / ((t2 - t1) / 1000), baselineRssMb: baseline, peakFirstMb: peakFirst, peakRssMb: peak, mib: MIB };
    console.log(`streaming: up ${r.uploadMBps.toFixed(0)} MiB/s, down ${r.downloadMBps.toFixed(0)} MiB/s, RSS ${baseline.toFixed(0)} → ${peakFirst.toFixed(0)} (first ${MIB} MiB) → ${peak.toFixed(0)} MB (all ${3 * MIB} MiB)`);
    return r;
  } finally {
    await stop(sb);
    await stop(up);
  }
}

async function swap(seconds: number) {
  // A minimal control plane speaking the worker protocol (docs/ARCHITECTURE.md): push 100 versions back to back under load.
  const VERSIONS = 100;
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 19031 });
  const resources = (i: number) => {
    const b = signalboxBootstrap({ routes: 10 + (i % 5), endpoints: i % 2 ? [PORTS.upstreamA] : [PORTS.upstreamB] });
    return { listeners: b.static_resources.listeners, clusters: b.static_resources.clusters };
  };
  const conn: { socket: WebSocket | null } = { socket: null };
  const acks = new Map<string, () => void>();
  let acked = 0;
  wss.on("connection", (ws) => {
    conn.socket = ws;
    ws.on("message", (data) => {
      const m = JSON.parse(String(data));
      if (m.type === "hello") ws.send(JSON.stringify({ type: "snapshot", version: "v0", number: 0, nonce: "n0", resources: resources(0) }));
      if (m.type === "ack") { acked++; acks.get(m.nonce)?.(); }
      if (m.type === "nack") console.error("swap: NACK", m.error);
    });
  });
  const [cmd, ...args] = workerCommand(null, [], ["--control-plane", "ws://127.0.0.1:19031/ws/worker", "--node-id", "bench", "--admin-address", `127.0.0.1:${PORTS.signalboxAdmin}`]);
  const sb = startPinned("signalbox-cp", PROXY_CORE, cmd, args, { NODE_ENV: "production", PROXY_CORE_TOKEN: "bench" });
  try {
    await waitForPort(PORTS.signalbox, 20_000, sb);
    const load = runWrk({ url: `http://127.0.0.1:${PORTS.signalbox}/bench`, connections: 50, seconds: Math.max(seconds, 8), core: LOAD_CORE });
    await sleep(1000);
    const t0 = performance.now();
    for (let i = 1; i <= VERSIONS && conn.socket; i++) {
      const nonce = `n${i}`;
      const done = new Promise<void>((resolve) => acks.set(nonce, resolve));
      conn.socket.send(JSON.stringify({ type: "snapshot", version: `v${i}`, number: i, nonce, resources: resources(i) }));
      await Promise.race([done, sleep(5000)]);
    }
    const swapSeconds = (performance.now() - t0) / 1000;
    const r = await load;
    const out = { versions: VERSIONS, acked: acked - 1, requests: r.requests, failed: r.errors + r.non2xx, seconds: swapSeconds };
    console.log(`swap: ${out.acked}/${VERSIONS} versions acked in ${swapSeconds.toFixed(1)} s under load; ${out.failed} of ${r.requests} requests failed`);
    return out;
  } finally {
    await stop(sb);
    wss.close();
  }
}

const median = (xs: number[]) => {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length === 0 ? NaN : v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};

/**
 * The scenarios whose figure is a ratio (route scale, breaker open) run once per round, like the main table,
 * and report the median of the per-round ratios: single runs of them moved by 5× on this VM.
 */
/**
 * What observing costs: the realistic config with tracing at 1 % and an access log to a file against the same
 * config with both off (stats are always on), one after the other in alternating order, 50 connections.
 */
async function observabilityCost(dir: string, seconds: number, round: number) {
  const variants: [string, SignalboxOptions][] = [
    ["observed", { tracingPercent: 1, accessLogPath: path.join(dir, `access-${round}.log`) }],
    ["unobserved", { tracingPercent: null }],
  ];
  const rps: Record<string, number> = {};
  for (const [name, opts] of round % 2 ? variants : [...variants].reverse()) {
    const proc = startSignalbox(dir, `${name}-${round}`, opts);
    rps[name] = (await run(proc, PORTS.signalbox, 50, seconds)).rps;
    await stop(proc);
  }
  console.log(`observability, round ${round}: ${Math.round(rps.observed)} rps with tracing 1 % + access log, ${Math.round(rps.unobserved)} rps without`);
  return { on: rps.observed, off: rps.unobserved };
}

/**
 * What HTTP filters cost on the request path: the bench config with cors and local_ratelimit ahead of the router
 * (every request carries an allowed Origin, so the CORS filter matches it and marks the response; the bucket
 * never runs out) against the router alone, with the same requests, in alternating order, 50 connections.
 */
export async function filterChainCost(dir: string, seconds: number, round: number) {
  const variants: [string, SignalboxOptions][] = [
    ["filters", { filterChain: true }],
    ["router", {}],
  ];
  const rps: Record<string, number> = {};
  for (const [name, opts] of round % 2 ? variants : [...variants].reverse()) {
    const proc = startSignalbox(dir, `${name}-${round}`, opts);
    const r = await run(proc, PORTS.signalbox, 50, seconds, "/bench", { origin: BENCH_ORIGIN });
    if (r.non2xx > 0 || r.errors > 0) console.error(`filter chain (${name}): ${r.non2xx} non-2xx, ${r.errors} errors`);
    rps[name] = r.rps;
    await stop(proc);
  }
  console.log(`filter chain, round ${round}: ${Math.round(rps.filters)} rps with cors + local_ratelimit, ${Math.round(rps.router)} rps router alone`);
  return { with: rps.filters, without: rps.router };
}

export async function runScenarios(dir: string, seconds: number, rounds: number): Promise<ScenarioReport> {
  const scaleRows: ScenarioReport["routeScale"][] = [];
  const overflows: Awaited<ReturnType<typeof overflow>>[] = [];
  const observed: Awaited<ReturnType<typeof observabilityCost>>[] = [];
  const chains: Awaited<ReturnType<typeof filterChainCost>>[] = [];
  for (let round = 1; round <= rounds; round++) {
    console.log(`scenarios, round ${round} of ${rounds}`);
    scaleRows.push(await routeScale(dir, seconds));
    overflows.push(await overflow(dir, seconds));
    observed.push(await observabilityCost(dir, seconds, round));
    chains.push(await filterChainCost(dir, seconds, round));
  }
  const routeScaleMedians = scaleRows[0].map((row, i) => {
    const same = scaleRows.map((rows) => rows[i]);
    return { ...row, rps: median(same.map((r) => r.rps)), p99: median(same.map((r) => r.p99)), loadRssMb: median(same.map((r) => r.loadRssMb)), peakRssMb: median(same.map((r) => r.peakRssMb)) };
  });
  const plain = (rows: ScenarioReport["routeScale"], n: number) => rows.find((r) => r.routes === n && r.nodeArgs === "")!;
  return {
    rounds,
    routeScale: routeScaleMedians,
    scaleRatios: scaleRows.map((rows) => plain(rows, 10000).rps / plain(rows, 10).rps),
    nodeHello: await nodeHello(seconds),
    concurrency: await concurrency(dir, seconds),
    overflow: {
      signalbox503PerSec: median(overflows.map((o) => o.signalbox503PerSec)),
      nginx502PerSec: median(overflows.map((o) => o.nginx502PerSec)),
      overloadedHeader: overflows.every((o) => o.overloadedHeader),
      ratios: overflows.map((o) => o.signalbox503PerSec / o.nginx502PerSec),
    },
    upstreamDown: await upstreamDown(dir, seconds),
    streaming: await streaming(dir),
    swap: await swap(seconds),
    observability: { onRps: median(observed.map((o) => o.on)), offRps: median(observed.map((o) => o.off)), ratios: observed.map((o) => o.on / o.off) },
    filterChain: { withRps: median(chains.map((c) => c.with)), withoutRps: median(chains.map((c) => c.without)), ratios: chains.map((c) => c.with / c.without) },
    console: await runConsoleLoad(20, Math.max(20, seconds * 4)),
    publish: await runPublishLatency(),
  };
}
