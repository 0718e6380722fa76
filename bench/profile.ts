// `npx tsx bench/profile.ts [routes] [seconds]` (PROFILE_ACCESS_LOG=1 adds an HCM file access log; PROFILE_BUNDLE=<path>
// profiles another proxy-core bundle, e.g. a branch's build): CPU profile of Signalbox's worker under wrk (50
// connections), same pinning as the benchmark. Writes bench/results/profile/*.cpuprofile (open in Chrome DevTools or
// speedscope) and prints the busy time by part (node:http's server, undici, streams, Signalbox, native socket writes…)
// and the top self-time functions.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PORTS, upstreamNginxConf, writeSignalboxConfig } from "./targets/configs";
import { startPinned, stop, stopAll, waitForPort } from "./lib/procs";
import { runWrk } from "./lib/wrk";
import { workerCommand } from "./lib/worker";

const routes = Number(process.argv[2] ?? 10);
const seconds = Number(process.argv[3] ?? 5);
const root = path.resolve(import.meta.dirname, "..");
const out = path.join(root, "bench/results/profile");

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-prof-"));
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const up = startPinned("upstream-nginx", 0, "nginx", ["-p", dir, "-c", upstreamNginxConf(dir)]);
  try {
    await waitForPort(PORTS.upstreamA, 10_000, up);
    const [cmd, ...args] = workerCommand(writeSignalboxConfig(dir, "prof", { routes, accessLogPath: process.env.PROFILE_ACCESS_LOG === "1" ? path.join(dir, "access.log") : undefined }), ["--cpu-prof", "--cpu-prof-dir", out], [], process.env.PROFILE_BUNDLE);
    const sb = startPinned("signalbox", 1, cmd, args, { NODE_ENV: "production" });
    await waitForPort(PORTS.signalbox, 20_000, sb);
    const url = `http://127.0.0.1:${PORTS.signalbox}/bench`;
    await runWrk({ url, connections: 50, seconds: 1, core: 0 });
    const r = await runWrk({ url, connections: 50, seconds, core: 0 });
    console.log(`${routes} routes: ${Math.round(r.rps)} rps, p99 ${(r.p99 / 1000).toFixed(2)} ms`);
    await stop(sb);
  } finally {
    await stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  for (const f of fs.readdirSync(out).filter((f) => f.endsWith(".cpuprofile"))) {
    const p = JSON.parse(fs.readFileSync(path.join(out, f), "utf8"));
    const self = new Map<string, number>();
    const dt = new Map<number, number>();
    for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
    let total = 0;
    for (const n of p.nodes) {
      const t = dt.get(n.id) ?? 0;
      total += t;
      const cf = n.callFrame;
      const key = `${cf.functionName || "(anon)"} ${path.basename(cf.url)}:${cf.lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + t);
    }
    if (total === 0) continue;
    console.log(`\n${f}: busy time by part`);
    for (const [k, share] of partsOf(p)) console.log(`${share.toFixed(1).padStart(5)}%  ${k}`);
    console.log(`\n${f}: top self time`);
    for (const [k, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`);
  }
}
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time (idle left out) by the part of the process that spends it, largest first, in %. */
function partsOf(p: CpuProfile): [string, number][] {
  const dt = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  const parts = new Map<string, number>();
  let busy = 0;
  for (const n of p.nodes) {
    const t = dt.get(n.id) ?? 0;
    const { functionName: fn, url } = n.callFrame;
    if (t === 0 || fn === "(idle)") continue;
    busy += t;
    let part = "other (program, timers, net, native)";
    if (/_http_(server|outgoing|incoming|common)/.test(url)) part = "node:http server";
    else if (/undici/.test(url)) part = "undici";
    else if (/streams\/(readable|writable|duplex|end-of-stream|destroy)/.test(url)) part = "node streams";
    else if (/proxy-core/.test(url)) part = "Signalbox";
    else if (/^write(v|Latin1String|Utf8String|Buffer)$/.test(fn)) part = "socket writes (native)";
    else if (fn === "(garbage collector)") part = "GC";
    else if (fn.startsWith("wasm")) part = "llhttp (wasm)";
    else if (/events/.test(url)) part = "events";
    parts.set(part, (parts.get(part) ?? 0) + t);
  }
  return [...parts].map(([k, t]): [string, number] => [k, (100 * t) / busy]).sort((a, b) => b[1] - a[1]);
}

main().catch(async (e) => {
  console.error(e);
  await stopAll();
  process.exit(1);
});
