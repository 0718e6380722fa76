// `npx tsx bench/flags.ts ROUTES SECONDS ROUNDS "FLAGS A" "FLAGS B" …`: A/B of V8/node flags for the bundled worker.
// Each round starts every variant fresh (upstream nginx on core 0, worker on core 1, wrk 50 connections on core 0)
// (after FLAGS_WARMUP_S seconds of warm-up, default 1; FLAGS_CONNECTIONS, default 50) and prints requests/s, requests per CPU-second, peak RSS (VmHWM) and p99 for each; variants are interleaved so
// the VM's slow and fast phases hit them alike. "-" is the variant without flags.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PORTS, upstreamNginxConf, writeSignalboxConfig } from "./targets/configs";
import { cpuSeconds, peakRssMb, startPinned, stop, stopAll, waitForPort } from "./lib/procs";
import { runWrk } from "./lib/wrk";
import { workerCommand } from "./lib/worker";

const [routesArg, secondsArg, roundsArg, ...variants] = process.argv.slice(2);
const routes = Number(routesArg ?? 10);
const seconds = Number(secondsArg ?? 4);
const rounds = Number(roundsArg ?? 2);
const connections = Number(process.env.FLAGS_CONNECTIONS ?? 50);
const warmup = Number(process.env.FLAGS_WARMUP_S ?? 1);

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-flags-"));
  const up = startPinned("upstream-nginx", 0, "nginx", ["-p", dir, "-c", upstreamNginxConf(dir)]);
  try {
    await waitForPort(PORTS.upstreamA, 10_000, up);
    const config = writeSignalboxConfig(dir, "flags", { routes });
    for (let r = 1; r <= rounds; r++) {
      for (const v of variants) {
        const flags = v === "-" ? [] : v.split(" ");
        const [cmd, ...args] = workerCommand(config, flags);
        const sb = startPinned("signalbox", 1, cmd, args, { NODE_ENV: "production" });
        await waitForPort(PORTS.signalbox, 20_000, sb);
        const url = `http://127.0.0.1:${PORTS.signalbox}/bench`;
        await runWrk({ url, connections, seconds: warmup, core: 0 });
        const cpu0 = cpuSeconds(sb.pid);
        const w = await runWrk({ url, connections, seconds, core: 0 });
        const cpu = cpuSeconds(sb.pid) - cpu0;
        console.log(
          `round ${r} ${routes} routes ${connections}c [${v}]: ${Math.round(w.rps)} rps, ${Math.round((w.rps * seconds) / cpu)} rq/CPU-s, ` +
            `peak RSS ${peakRssMb(sb.pid).toFixed(0)} MB, p99 ${(w.p99 / 1000).toFixed(2)} ms`,
        );
        await stop(sb);
      }
    }
  } finally {
    await stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
main().catch(async (e) => {
  console.error(e);
  await stopAll();
  process.exit(1);
});
