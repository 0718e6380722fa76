// One worker following a stand-in control plane: a WebSocket server on 127.0.0.1 that sends the console's kind of
// snapshot (publishDoc's table, every route named with a stat_prefix, as the console names them) with one route
// changed each time, and waits for the ACK. Prints the ACK latency and the worker's CPU per apply (from /proc), so
// the worker's share of a publish can be measured without the console and other workers on the same cores.
//   npx tsx bench/apply-probe.ts [applies=110] [routes=1000]      (BENCH_APPLY_PROF=DIR: the worker's CPU profile)
import fs from "node:fs";
import { WebSocketServer } from "ws";
import { publishDoc } from "./lib/publish-latency";
import { workerCommand } from "./lib/worker";
import { startPinned, stop } from "./lib/procs";
import { freePort } from "../proxy-core/test/kit/ports";

const APPLIES = Number(process.argv[2] ?? 110);
const ROUTES = Number(process.argv[3] ?? 1000);
const WARMUP = 10;

type Json = Record<string, unknown>;
const at = (v: unknown, ...path: (string | number)[]): unknown => path.reduce<unknown>((o, k) => (o as Json | unknown[] | undefined)?.[k as never], v);

/** The catch-all's header value changes each time; every route has a name and stat_prefix, as the console writes them. */
function snapshot(i: number): Json {
  const r = structuredClone(publishDoc(ROUTES).static_resources) as unknown as Json;
  const routes = at(r, "listeners", 0, "filter_chains", 0, "filters", 0, "typed_config", "route_config", "virtual_hosts", 0, "routes") as Json[];
  routes.forEach((route, n) => Object.assign(route, { name: `r${n}`, stat_prefix: `r${n}` }));
  routes[routes.length - 1].request_headers_to_add = [{ header: { key: "x-probe", value: String(i) } }];
  return r;
}

/** user + system CPU of `pid` in ms (10 ms ticks) */
function cpuMs(pid: number): number {
  const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
}

async function main() {
  const port = await freePort();
  const wss = new WebSocketServer({ port, host: "127.0.0.1" });
  const prof = process.env.BENCH_APPLY_PROF ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_APPLY_PROF] : [];
  const [cmd, ...args] = workerCommand(null, prof, ["--control-plane", `ws://127.0.0.1:${port}/ws/worker`, "--node-id", "probe", "--admin-address", `127.0.0.1:${await freePort()}`, "--log-level", "warning"]);
  const worker = startPinned("worker-probe", "0,1", cmd, args, { NODE_ENV: "production" });
  const texts = Array.from({ length: APPLIES }, (_, i) => JSON.stringify({ type: "snapshot", version: `v${i}`, number: i + 1, nonce: `n${i}`, resources: snapshot(i) }));
  await new Promise<void>((done, fail) => {
    wss.on("connection", (ws) => {
      const took: number[] = [];
      let i = 0;
      let sentAt = 0;
      let cpuAtWarm = 0;
      const send = () => {
        sentAt = performance.now();
        ws.send(texts[i]);
      };
      ws.on("message", (data) => {
        const m = JSON.parse(String(data)) as { type: string; error?: string };
        if (m.type === "hello") return send();
        if (m.type === "nack") return fail(new Error(`NACK: ${m.error}`));
        if (m.type !== "ack") return;
        took.push(performance.now() - sentAt);
        if (++i === WARMUP) cpuAtWarm = cpuMs(worker.pid);
        if (i < APPLIES) return void setTimeout(send, 30);
        const t = took.slice(WARMUP).sort((a, b) => a - b);
        const q = (p: number) => t[Math.min(t.length - 1, Math.ceil((p / 100) * t.length) - 1)].toFixed(1);
        console.log(`${ROUTES} routes, ${t.length} applies after ${WARMUP} warm-up: ACK p50 ${q(50)} ms, p99 ${q(99)} ms, max ${t[t.length - 1].toFixed(1)} ms; worker CPU per apply ${((cpuMs(worker.pid) - cpuAtWarm) / t.length).toFixed(1)} ms`);
        done();
      });
    });
  });
  await stop(worker);
  wss.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
