// `npx tsx bench/console-load.ts`: the console under 20 simulated workers' telemetry (bench/lib/console-load.ts);
// prints its CPU as % of one core (target under 25 %) and RSS. `npm run bench` runs it too.
//   BENCH_WORKERS=20 BENCH_SECONDS=60 npx tsx bench/console-load.ts
import { runConsoleLoad } from "./lib/console-load";

const r = await runConsoleLoad(Number(process.env.BENCH_WORKERS ?? 20), Number(process.env.BENCH_SECONDS ?? 60));
console.log(
  `[console-load] ${r.workers} workers × ${r.seconds} s: console CPU ${r.cpuPct.toFixed(1)} % of one core (target < 25 %), RSS ${r.rssMb.toFixed(0)} MB (peak ${r.peakRssMb.toFixed(0)} MB); live ticks received ${r.ticks}; 1h fleet series ${r.seriesMs.toFixed(0)} ms`,
);
