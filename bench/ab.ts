// `npx tsx bench/ab.ts`: interleaved A/B of worker variants by CPU time per request, the steadiest figure on a
// noisy VM (bench/NOTES.md §5: identical Signalbox processes differ by up to 1.3×, so run several copies of each
// variant). All variants run at once, pinned to the proxy core; wrk (with the upstream nginx) is on core 0 and
// loads one variant at a time, in an order that alternates every round.
//   AB_VARIANTS=node-minimal,signalbox,signalbox,semi4 AB_ROUNDS=3 AB_SECONDS=3 AB_CONNECTIONS=50
// Variants: node-minimal; signalbox (the bench config); no-tracing; access-log (the bench config plus an HCM file
// access log with Envoy's default format); filters (the bench config with cors + local_ratelimit, never limiting,
// ahead of the router); semi4 (--max-semi-space-size=4); other (the
// bench config on the worker bundle named by AB_OTHER_BUNDLE, e.g. another checkout's proxy-core/dist build).
// Every request carries the Origin the filters variant's CORS policy allows, so all variants get the same requests.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import YAML from "yaml";
import { BENCH_ORIGIN, PORTS, signalboxBootstrap, upstreamNginxConf } from "./targets/configs";
import { cpuSeconds, sleep, startPinned, stopAll, waitForPort, type Proc } from "./lib/procs";
import { runWrk } from "./lib/wrk";
import { workerCommand } from "./lib/worker";

const PROXY_CORE = 1;
const LOAD_CORE = 0;
const root = path.resolve(import.meta.dirname, "..");

function signalbox(dir: string, name: string, port: number, opts: { tracing?: boolean; accessLog?: boolean; filterChain?: boolean; nodeArgs?: string[]; entry?: string } = {}): Proc {
  // AB_ACCESS_LOG_PATH=/dev/null separates the formatting from the file system's share of the cost
  const accessLogPath = opts.accessLog ? (process.env.AB_ACCESS_LOG_PATH ?? path.join(dir, `${name}.access.log`)) : undefined;
  const b = signalboxBootstrap({ routes: 10, tracingPercent: opts.tracing === false ? null : 1, accessLogPath, filterChain: opts.filterChain }, port) as { admin?: unknown };
  delete b.admin; // several workers at once: no admin listener to collide on
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, YAML.stringify(b));
  const [cmd, ...args] = workerCommand(file, opts.nodeArgs ?? [], [], opts.entry);
  return startPinned(name, PROXY_CORE, cmd, args, { NODE_ENV: "production" });
}

const VARIANTS: Record<string, (dir: string, name: string, port: number) => Proc> = {
  "node-minimal": (_dir, name, port) => startPinned(name, PROXY_CORE, process.execPath, [path.join(root, "bench/targets/minimal-proxy-server.mjs"), String(port), `http://127.0.0.1:${PORTS.upstreamA}`]),
  signalbox: (dir, name, port) => signalbox(dir, name, port),
  "no-tracing": (dir, name, port) => signalbox(dir, name, port, { tracing: false }),
  "access-log": (dir, name, port) => signalbox(dir, name, port, { accessLog: true }),
  filters: (dir, name, port) => signalbox(dir, name, port, { filterChain: true }),
  semi4: (dir, name, port) => signalbox(dir, name, port, { nodeArgs: ["--max-semi-space-size=4"] }),
  other: (dir, name, port) => {
    const entry = process.env.AB_OTHER_BUNDLE;
    if (!entry || !fs.existsSync(entry)) throw new Error("variant other needs AB_OTHER_BUNDLE=<path to a proxy-core bundle>");
    return signalbox(dir, name, port, { entry });
  },
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function main() {
  const names = (process.env.AB_VARIANTS ?? "node-minimal,signalbox,signalbox").split(",");
  const rounds = Number(process.env.AB_ROUNDS ?? 3);
  const seconds = Number(process.env.AB_SECONDS ?? 3);
  const connections = Number(process.env.AB_CONNECTIONS ?? 50);
  for (const n of names) if (!VARIANTS[n]) throw new Error(`unknown variant ${n}; known: ${Object.keys(VARIANTS).join(", ")}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-ab-"));
  const up = startPinned("upstream-nginx", LOAD_CORE, "nginx", ["-p", dir, "-c", upstreamNginxConf(dir)]);
  await waitForPort(PORTS.upstreamA, 10_000, up);
  const runs = names.map((n, i) => ({ label: `${n}#${i + 1}`, port: 19100 + i, proc: VARIANTS[n](dir, `${n}-${i + 1}`, 19100 + i), cpuUs: [] as number[], rps: [] as number[] }));
  for (const r of runs) await waitForPort(r.port, 20_000, r.proc);
  const headers = { origin: BENCH_ORIGIN };
  for (const r of runs) await runWrk({ url: `http://127.0.0.1:${r.port}/bench`, connections, seconds: 1, core: LOAD_CORE, headers });
  await sleep(300);
  for (let round = 0; round < rounds; round++) {
    for (const r of round % 2 ? [...runs].reverse() : runs) {
      const cpu0 = cpuSeconds(r.proc.pid);
      const w = await runWrk({ url: `http://127.0.0.1:${r.port}/bench`, connections, seconds, core: LOAD_CORE, headers });
      r.cpuUs.push(((cpuSeconds(r.proc.pid) - cpu0) * 1e6) / w.requests);
      r.rps.push(w.rps);
    }
  }
  console.log(`${connections} connections, ${rounds} rounds × ${seconds} s; CPU µs per request (median [per round]), requests/s (median)`);
  for (const r of runs) console.log(`${r.label.padEnd(16)} ${median(r.cpuUs).toFixed(1).padStart(6)} [${r.cpuUs.map((x) => x.toFixed(1)).join(" ")}]  ${Math.round(median(r.rps))} rps`);
  await stopAll();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch(async (err) => {
  console.error(err);
  await stopAll();
  process.exit(1);
});
