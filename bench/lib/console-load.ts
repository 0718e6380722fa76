// Console under a fleet's telemetry: N simulated workers connect to a real console (production build, no
// bundled worker) over the worker WebSocket and report like proxy-core does, once a second: a few hundred stats
// each (cumulative counters that change, gauges, histogram buckets), a clusters report every 5 s,
// circuit-breaker events and sampled spans. One browser holds the live channel and the 5m series is read every
// 5 s. Measures the console process's CPU (% of one core, from /proc) and RSS.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import WebSocket from "ws";
import { PROTOCOL_VERSION, WORKER_WS_PATH, type WorkerToConsole } from "../../proxy-core/src/config/index";
import { ConsoleProcess, assertBuilt, freePort, sleep } from "../../tests/support/console-process";
import { openSse } from "../../tests/support/sse";
import { cpuSeconds, rssMb } from "./procs";

const WARMUP_S = 5;
const TOKEN = "bench-" + Math.random().toString(36).slice(2);

export interface ConsoleLoadResult {
  workers: number;
  seconds: number;
  /** console CPU over the measured seconds, % of one core */
  cpuPct: number;
  rssMb: number;
  peakRssMb: number;
  /** live-channel ticks one browser received */
  ticks: number;
  /** a 1h fleet series read at the end, ms */
  seriesMs: number;
}

const ROUTES = Array.from({ length: 12 }, (_, i) => `route_${i}`);
const CLUSTERS = Array.from({ length: 8 }, (_, i) => `svc_${i}`);
const rand = (n: number) => Math.floor(Math.random() * n);

/** One worker's stats as proxy-core names them: HCM, listener, clusters (with per-code counters), routes, server. */
class FakeWorker {
  readonly counters = new Map<string, number>();
  readonly gauges = new Map<string, number>();
  readonly histograms: string[] = [];
  #first = true;
  #tick = 0;
  ws!: WebSocket;

  constructor(readonly nodeId: string) {
    const c = (n: string) => this.counters.set(n, rand(100_000));
    for (const s of ["downstream_rq_total", "downstream_rq_1xx", "downstream_rq_2xx", "downstream_rq_3xx", "downstream_rq_4xx", "downstream_rq_5xx", "downstream_rq_completed", "downstream_cx_total", "downstream_cx_destroy", "downstream_cx_rx_bytes_total", "downstream_cx_tx_bytes_total", "rq_total", "no_route"])
      c(`http.ingress.${s}`);
    for (const s of ["downstream_cx_total", "downstream_cx_destroy", "http.ingress.downstream_rq_2xx", "http.ingress.downstream_rq_5xx"]) c(`listener.0.0.0.0_8080.${s}`);
    for (const cl of CLUSTERS) {
      for (const s of ["upstream_rq_total", "upstream_rq_2xx", "upstream_rq_4xx", "upstream_rq_5xx", "upstream_rq_200", "upstream_rq_404", "upstream_rq_503", "upstream_rq_completed", "upstream_rq_pending_total", "upstream_rq_pending_overflow", "upstream_rq_retry", "upstream_rq_timeout", "upstream_cx_total", "upstream_cx_destroy", "upstream_cx_connect_fail", "upstream_cx_rx_bytes_total", "upstream_cx_tx_bytes_total", "lb_healthy_panic", "membership_change", "update_attempt"])
        c(`cluster.${cl}.${s}`);
      for (const g of ["upstream_rq_active", "upstream_cx_active", "upstream_rq_pending_active", "membership_healthy", "membership_total", "circuit_breakers.default.rq_open", "circuit_breakers.default.cx_open"]) this.gauges.set(`cluster.${cl}.${g}`, rand(10));
      this.histograms.push(`cluster.${cl}.upstream_rq_time`, `cluster.${cl}.upstream_cx_connect_ms`);
    }
    for (const r of ROUTES) for (const s of ["upstream_rq_total", "upstream_rq_2xx", "upstream_rq_5xx", "upstream_rq_completed", "upstream_rq_retry", "upstream_rq_timeout"]) c(`vhost.default.route.${r}.${s}`);
    for (const r of ROUTES) this.histograms.push(`vhost.default.route.${r}.upstream_rq_time`);
    for (const s of ["control_plane.update_attempt", "control_plane.update_success", "listener_manager.listener_added"]) c(s);
    for (const g of ["http.ingress.downstream_cx_active", "http.ingress.downstream_rq_active", "server.uptime", "server.memory_allocated", "server.concurrency"]) this.gauges.set(g, rand(100));
    this.histograms.push("http.ingress.downstream_rq_time", "http.ingress.downstream_cx_length_ms");
  }

  /** A second of traffic: some counters grow (changed ones only are sent, all of them in the first report). */
  stats(): WorkerToConsole {
    const counters: Record<string, number> = {};
    const gauges: Record<string, number> = {};
    for (const [name, v] of this.counters) {
      const grows = this.#first || Math.random() < 0.6;
      if (!grows) continue;
      const next = this.#first ? v : v + rand(50);
      this.counters.set(name, next);
      counters[name] = next;
    }
    for (const [name, v] of this.gauges) {
      if (!this.#first && Math.random() < 0.7) continue;
      const next = Math.max(0, v + rand(5) - 2);
      this.gauges.set(name, next);
      gauges[name] = next;
    }
    const histograms: Record<string, { b: number[]; n: number; s: number; m: number }> = {};
    for (const name of this.histograms) {
      const b: number[] = [];
      let n = 0;
      for (let k = 140 + rand(10); k < 200; k += 1 + rand(4)) {
        const count = 1 + rand(20);
        b.push(k, count);
        n += count;
      }
      histograms[name] = { b, n, s: n * 20_000, m: 90_000 };
    }
    this.#first = false;
    return { type: "stats", ts: Date.now(), counters, gauges, histograms };
  }

  clusters(): WorkerToConsole {
    return {
      type: "clusters",
      ts: Date.now(),
      clusters: CLUSTERS.map((name) => ({
        name,
        limits: { max_connections: 1024, max_pending_requests: 1024, max_requests: 1024, max_retries: 3 },
        usage: { connections: rand(20), pending: rand(3), requests: rand(20), retries: 0 },
        hosts: [1, 2, 3].map((h) => ({
          label: `10.0.0.${h}:80`, address: `10.0.0.${h}`, healthFlags: "healthy", weight: 1,
          stats: { cx_total: this.#tick * 10, cx_active: rand(5), cx_connect_fail: 0, rq_total: this.#tick * 100, rq_active: rand(5), rq_success: this.#tick * 99, rq_error: this.#tick, rq_timeout: 0 },
        })),
      })),
    };
  }

  spans(): WorkerToConsole {
    const now = Date.now() * 1000;
    const spans = [];
    for (let i = 0; i < 10; i++) {
      const traceId = Math.random().toString(16).slice(2, 18).padEnd(16, "0");
      const id = Math.random().toString(16).slice(2, 18).padEnd(16, "0");
      const cluster = CLUSTERS[rand(CLUSTERS.length)];
      const tags = { node_id: this.nodeId, "http.url": `http://example.com/api/${i}`, "http.method": "GET", "http.status_code": "200", upstream_cluster: cluster, response_flags: "-", component: "proxy" };
      spans.push(
        { traceId, id, name: "ingress", kind: "SERVER" as const, timestamp: now, duration: 2000 + rand(5000), localEndpoint: { serviceName: "proxy", ipv4: "10.0.0.9", port: 8080 }, tags },
        { traceId, id: id.split("").reverse().join(""), parentId: id, name: `router ${cluster} egress`, kind: "CLIENT" as const, timestamp: now + 100, duration: 1500, localEndpoint: { serviceName: "proxy" }, tags },
      );
    }
    return { type: "spans", spans };
  }

  /** Every second: stats and spans; every 5th: the clusters report; now and then a breaker trip. */
  tick() {
    this.#tick++;
    const send = (m: WorkerToConsole) => this.ws.readyState === WebSocket.OPEN && this.ws.send(JSON.stringify(m));
    if (this.#tick % 5 === 1) send(this.clusters());
    send(this.stats());
    send(this.spans());
    if (this.#tick % 10 === 3) send({ type: "event", ts: Date.now(), kind: "circuit_breaker", cluster: CLUSTERS[0], details: { threshold: "max_requests", max: 1024, state: "open", refused: 0 } });
    if (this.#tick % 10 === 5) send({ type: "event", ts: Date.now(), kind: "circuit_breaker", cluster: CLUSTERS[0], details: { threshold: "max_requests", max: 1024, state: "closed", refused: 17, openMs: 2000 } });
  }
}

function connect(url: string, w: FakeWorker): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    w.ws = ws;
    ws.on("open", () => ws.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION, nodeId: w.nodeId, appliedVersion: null })));
    ws.on("message", (d) => {
      const m = JSON.parse(String(d));
      if (m.type === "snapshot") {
        ws.send(JSON.stringify({ type: "ack", version: m.version, nonce: m.nonce }));
        resolve();
      }
    });
    ws.on("error", reject);
  });
}


export async function runConsoleLoad(workerCount: number, seconds: number): Promise<ConsoleLoadResult> {
  assertBuilt();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-console-load-"));
  const consoleProc = new ConsoleProcess({
    dataDir, port: await freePort(), token: TOKEN, starterPort: await freePort(), workerAdminPort: await freePort(), env: { SIGNALBOX_WORKER: "off" },
  });
  const workers = Array.from({ length: workerCount }, (_, i) => new FakeWorker(`sim-${String(i + 1).padStart(2, "0")}`));
  let timer: NodeJS.Timeout | null = null;
  try {
    await consoleProc.start();
    const pid = consoleProc.proc!.pid!;
    const url = `ws://127.0.0.1:${consoleProc.o.port}${WORKER_WS_PATH}`;
    await Promise.all(workers.map((w) => connect(url, w)));
    console.log(`[console-load] ${workerCount} workers connected; ${workers[0].counters.size} counters, ${workers[0].gauges.size} gauges, ${workers[0].histograms.length} histograms each`);
    // spread the workers over the second, as independent processes would be
    const tickAll = () => workers.forEach((w, i) => setTimeout(() => w.tick(), (i * 1000) / workerCount));
    tickAll();
    timer = setInterval(tickAll, 1000);
    const auth = { authorization: `Bearer ${TOKEN}` };
    const browser = await openSse(`${consoleProc.base}/api/live`, auth);
    const readSeries = setInterval(() => void fetch(`${consoleProc.base}/api/telemetry/series?window=5m`, { headers: auth }).then((r) => r.text()), 5000);

    await sleep(WARMUP_S * 1000);
    const cpu0 = cpuSeconds(pid);
    const t0 = performance.now();
    let peak = 0;
    for (let s = 0; s < seconds; s++) {
      await sleep(1000);
      peak = Math.max(peak, rssMb(pid));
    }
    const cpu = cpuSeconds(pid) - cpu0;
    const wall = (performance.now() - t0) / 1000;
    clearInterval(readSeries);
    const ticks = browser.messages.filter((m) => m.event === "tick").length;
    browser.close();
    const t1 = performance.now();
    await (await fetch(`${consoleProc.base}/api/telemetry/series?window=1h`, { headers: auth })).text();
    return { workers: workerCount, seconds, cpuPct: (cpu / wall) * 100, rssMb: rssMb(pid), peakRssMb: peak, ticks, seriesMs: performance.now() - t1 };
  } finally {
    if (timer) clearInterval(timer);
    for (const w of workers) w.ws?.terminate();
    await consoleProc.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
