// Renders the benchmark results as Markdown: medians over rounds, ratios to nginx computed within each round.
import os from "node:os";
import { execSync } from "node:child_process";
import type { WrkResult } from "./lib/wrk";
import type { ScenarioReport } from "./scenarios";
import type { PublishLatencyResult } from "./lib/publish-latency";
import { publishTable, publishTargetRows } from "./lib/publish-report";
import type { ConsoleUiResult } from "./lib/console-ui";
import { consoleUiSection, consoleUiTargetRows } from "./lib/console-ui-report";

/** One target's figures at one connection level in one round, and its memory: what run.ts measures. */
export interface LevelResult extends WrkResult {
  connections: number;
  rqPerCpuSec: number;
}
export interface RunResult {
  target: string;
  round: number;
  levels: LevelResult[];
  /** VmHWM: includes start-up and the JIT warm-up burst */
  peakRssMb: number;
  /** largest RSS sampled while the measured levels ran (after the warm-up) */
  loadRssMb: number;
}

const median = (xs: number[]) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }) : "–");
const ms = (us: number) => (Number.isFinite(us) ? (us / 1000).toFixed(2) : "–");
const mark = (ok: boolean) => (ok ? "✓ met" : "✗ missed");

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  let nginx = "", haproxy = "";
  try { nginx = execSync("nginx -v 2>&1").toString().trim().replace("nginx version: ", ""); } catch { /* absent */ }
  try { haproxy = execSync("haproxy -v 2>&1 | head -1").toString().trim().split(" ").slice(0, 3).join(" "); } catch { /* absent */ }
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${nginx}, ${haproxy}`;
}

export function renderReport(results: RunResult[], sc: ScenarioReport | null, meta: { rounds: number; seconds: number; levels: number[] }, consoleUi: ConsoleUiResult | null = null): string {
  const targets = [...new Set(results.map((r) => r.target))];
  const at = (t: string, round: number, c: number) => results.find((r) => r.target === t && r.round === round)?.levels.find((l) => l.connections === c);
  const rounds = [...new Set(results.map((r) => r.round))];
  const med = (t: string, c: number, f: (l: NonNullable<ReturnType<typeof at>>) => number) => median(rounds.map((rd) => { const l = at(t, rd, c); return l ? f(l) : NaN; }));
  const ratio = (t: string, base: string, c: number, f: (l: NonNullable<ReturnType<typeof at>>) => number) =>
    median(rounds.map((rd) => { const a = at(t, rd, c), b = at(base, rd, c); return a && b ? f(a) / f(b) : NaN; }));

  const lines: string[] = [];
  lines.push(`# Signalbox benchmark`, "");
  lines.push(`Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${machine()}.`);
  lines.push("Signalbox runs the realistic config: 10 routes (prefix, header and regex matches, the request matches the last), a round-robin cluster of 2 endpoints, circuit breakers, stats on, x-request-id generation, Zipkin tracing at 1% random sampling (B3 headers on every request, spans POSTed to a collector every 5 s or 5 spans).");
  lines.push(`${meta.rounds} interleaved rounds, ${meta.seconds} s per level, wrk on core 0 (with the upstream nginx \`return 200\`), proxy pinned to core 1, keep-alive everywhere. Medians over rounds; ratios computed within each round, then the median.`, "");
  for (const c of meta.levels) {
    lines.push(`### ${c} connection${c > 1 ? "s" : ""}`, "");
    lines.push("| configuration | requests/s | × nginx | p50 ms | p99 ms | p99.9 ms | requests per CPU-s | RSS under load MB | peak RSS MB | errors |");
    lines.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (const t of targets) {
      const rss = median(results.filter((r) => r.target === t).map((r) => r.peakRssMb));
      const loadRss = median(results.filter((r) => r.target === t).map((r) => r.loadRssMb));
      const errors = rounds.reduce((s, rd) => s + ((at(t, rd, c)?.errors ?? 0) + (at(t, rd, c)?.non2xx ?? 0)), 0);
      lines.push(`| ${t} | ${fmt(med(t, c, (l) => l.rps))} | ${fmt(ratio(t, "nginx", c, (l) => l.rps), 2)} | ${ms(med(t, c, (l) => l.p50))} | ${ms(med(t, c, (l) => l.p99))} | ${ms(med(t, c, (l) => l.p999))} | ${fmt(med(t, c, (l) => l.rqPerCpuSec))} | ${fmt(loadRss)} | ${fmt(rss)} | ${errors} |`);
    }
    lines.push("");
  }

  const sb = "signalbox";
  const rps50 = ratio(sb, "nginx", 50, (l) => l.rps);
  const vsHttpProxy = ratio(sb, "http-proxy", 50, (l) => l.rps);
  const vsFastify = ratio(sb, "@fastify/http-proxy", 50, (l) => l.rps);
  const vsMinimal = ratio(sb, "node-minimal", 50, (l) => l.rps);
  const minimal50 = ratio("node-minimal", "nginx", 50, (l) => l.rps);
  const p99r50 = ratio(sb, "nginx", 50, (l) => l.p99);
  const p99r200 = ratio(sb, "nginx", 200, (l) => l.p99);
  const added = med(sb, 1, (l) => l.p50) - med("direct", 1, (l) => l.p50);
  const nginxAdded = med("nginx", 1, (l) => l.p50) - med("direct", 1, (l) => l.p50);

  const uiRows = consoleUi ? consoleUiTargetRows(consoleUi) : [];
  lines.push("## Targets", "");
  lines.push("| figure | target | measured | |");
  lines.push("|---|---|---|---|");
  lines.push(`| requests/s at 50 connections, full feature path | ≥ 0.5× nginx | ${fmt(rps50, 2)}× | ${mark(rps50 >= 0.5)} |`);
  lines.push(`| … vs \`http-proxy\` / \`@fastify/http-proxy\` | ≥ 1.8× both | ${fmt(vsHttpProxy, 2)}× / ${fmt(vsFastify, 2)}× | ${mark(vsHttpProxy >= 1.8 && vsFastify >= 1.8)} |`);
  lines.push(`| (context) … vs \`node-minimal\`, the Node ceiling of the issue (node:http + undici dispatch, no features) | – | ${fmt(vsMinimal, 2)}× (node-minimal itself: ${fmt(minimal50, 2)}× nginx) | |`);
  lines.push(`| p99 latency at 50 / 200 connections | ≤ 2× nginx | ${fmt(p99r50, 2)}× / ${fmt(p99r200, 2)}× | ${mark(p99r50 <= 2 && p99r200 <= 2)} |`);
  lines.push(`| added latency at 1 connection (p50 − direct p50) | ≤ nginx's + 50 µs | ${fmt(added)} µs (nginx ${fmt(nginxAdded)} µs) | ${mark(added <= nginxAdded + 50)} |`);
  if (sc) {
    const plain = (n: number) => sc.routeScale.find((r) => r.routes === n && r.nodeArgs === "")!;
    const r10 = plain(10), r10k = plain(10000), r1k = plain(1000);
    const r1kSemi = sc.routeScale.find((r) => r.routes === 1000 && r.nodeArgs !== "");
    const scale = median(sc.scaleRatios);
    const perRound = (xs: number[], f: (x: number) => string) => `per round: ${xs.map(f).join(", ")}`;
    const fewer = scale < 1 ? `${fmt((1 - scale) * 100, 1)}% fewer` : "none fewer";
    lines.push(`| 10,000 routes vs 10 routes | ≤ 10% fewer requests/s | ${fewer}: ${fmt(scale, 2)}× the 10-route rate (medians ${fmt(r10k.rps)} vs ${fmt(r10.rps)}; ${perRound(sc.scaleRatios, (x) => `${fmt(x, 2)}×`)}) | ${mark(scale >= 0.9)} |`);
    const semi = r1kSemi ? `; with \`${r1kSemi.nodeArgs}\` ${fmt(r1kSemi.loadRssMb)} MB at ${fmt(r1kSemi.rps)} vs ${fmt(r1k.rps)} requests/s` : "";
    lines.push(`| worker RSS under load, 1,000 routes | ≤ 100 MB | ${fmt(r1k.loadRssMb)} MB (peak with start-up and JIT warm-up ${fmt(r1k.peakRssMb)} MB${semi}) | ${mark(r1k.loadRssMb <= 100)} |`);
    const cb = median(sc.overflow.ratios);
    lines.push(`| 503s per second with the breaker open | ≥ 1.5× nginx's 502s to a closed port | ${fmt(cb, 2)}× (medians ${fmt(sc.overflow.signalbox503PerSec)} vs ${fmt(sc.overflow.nginx502PerSec)}; ${perRound(sc.overflow.ratios, (x) => `${fmt(x, 2)}×`)}; x-envoy-overloaded ${sc.overflow.overloadedHeader ? "present" : "MISSING"}) | ${mark(cb >= 1.5 && sc.overflow.overloadedHeader)} |`);
    const hello200 = sc.nodeHello.find((h) => h.connections === 200);
    if (hello200) lines.push(`| (context) node:http answering by itself, 200 connections | – | ${fmt(hello200.rps)} requests/s, p50 ${ms(hello200.p50)} ms, p99 ${ms(hello200.p99)} ms: Node's own latency tail, with no proxying | |`);
    lines.push(`| failed requests during 100 config swaps under load | 0 | ${sc.swap.failed} of ${fmt(sc.swap.requests)} (${sc.swap.acked}/${sc.swap.versions} acked in ${fmt(sc.swap.seconds, 1)} s) | ${mark(sc.swap.failed === 0 && sc.swap.acked === sc.swap.versions)} |`);
    const obs = median(sc.observability.ratios);
    lines.push(`| requests/s with stats + tracing at 1 % + access log to a file vs all off (50 connections) | < 5% cost | ${fmt((1 - obs) * 100, 1)}% cost: ${fmt(sc.observability.onRps)} vs ${fmt(sc.observability.offRps)} (per round: ${sc.observability.ratios.map((x) => `${fmt(x, 2)}×`).join(", ")}) | ${mark(obs >= 0.95)} |`);
    const fc = median(sc.filterChain.ratios);
    lines.push(`| requests/s with cors + local_ratelimit (never limiting) ahead of the router vs the router alone (50 connections) | < 10% cost | ${fmt((1 - fc) * 100, 1)}% cost: ${fmt(sc.filterChain.withRps)} vs ${fmt(sc.filterChain.withoutRps)} (per round: ${sc.filterChain.ratios.map((x) => `${fmt(x, 2)}×`).join(", ")}) | ${mark(fc >= 0.9)} |`);
    const co = sc.console;
    lines.push(`| console CPU with ${co.workers} simulated workers streaming stats, events and spans (${co.seconds} s) | < 25% of one core | ${fmt(co.cpuPct, 1)}% (RSS ${fmt(co.rssMb)} MB, 1h fleet series in ${fmt(co.seriesMs)} ms) | ${mark(co.cpuPct < 25)} |`);
    lines.push(...publishTargetRows(sc.publish), ...uiRows);
    lines.push("");
    lines.push("## Scenarios", "", `Route scale and breaker open: medians over ${sc.rounds} round${sc.rounds > 1 ? "s" : ""}; the others run once.`, "");
    lines.push("| scenario | result |", "|---|---|");
    for (const r of sc.routeScale) lines.push(`| ${fmt(r.routes)} routes (request matches the last)${r.nodeArgs ? `, worker with \`${r.nodeArgs}\`` : ""} | ${fmt(r.rps)} requests/s, p99 ${ms(r.p99)} ms, RSS under load ${fmt(r.loadRssMb)} MB, peak ${fmt(r.peakRssMb)} MB |`);
    for (const c of sc.concurrency) lines.push(`| \`--concurrency ${c.processes}\`, 50 connections, every process on both cores (wrk and the upstream too) | ${fmt(c.rps)} requests/s, p99 ${ms(c.p99)} ms, ${fmt(c.rqPerCpuSec)} requests per CPU-s |`);
    for (const h of sc.nodeHello) lines.push(`| node:http answering by itself (no proxy), ${h.connections} connections | ${fmt(h.rps)} requests/s, p50 ${ms(h.p50)} ms, p99 ${ms(h.p99)} ms |`);
    lines.push(`| upstream down (closed port), 1 connection | Signalbox ${sc.upstreamDown.signalboxStatus} in ${ms(sc.upstreamDown.signalboxP50)} ms p50; nginx 502 in ${ms(sc.upstreamDown.nginxP50)} ms p50 |`);
    const st = sc.streaming;
    lines.push(`| body streaming, ${st.mib} MiB up, ${st.mib} MiB down, ${st.mib} MiB up again | upload ${fmt(st.uploadMBps)} MiB/s, download ${fmt(st.downloadMBps)} MiB/s; RSS ${fmt(st.baselineRssMb)} MB after a warm-up → ${fmt(st.peakFirstMb)} MB peak during the first ${st.mib} MiB → ${fmt(st.peakRssMb)} MB peak over all ${3 * st.mib} MiB |`);
    lines.push("", ...publishTable(sc.publish));
  } else lines.push(...uiRows);
  if (consoleUi) lines.push("", ...consoleUiSection(consoleUi));
  lines.push("", "Reproduce: `npm run bench` (installs nginx, haproxy and wrk from Debian's packages if missing). `BENCH_ROUNDS`, `BENCH_SECONDS` and `BENCH_SCENARIOS=0` shorten a run; `BENCH_ONLY=publish npx tsx bench/run.ts` runs the publish-latency scenario alone, `BENCH_ONLY=console` the console scenario.", "");
  return lines.join("\n");
}

/** `BENCH_ONLY=publish`: the publish-latency scenario alone (bench/results/publish.md). */
export function renderPublishReport(r: PublishLatencyResult): string {
  return [
    "# Signalbox benchmark: publish latency (run alone)",
    "",
    `Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${machine()}; this scenario alone, nothing else of the benchmark running.`,
    "",
    "| figure | target | measured | |",
    "|---|---|---|---|",
    ...publishTargetRows(r),
    "",
    ...publishTable(r),
    "Reproduce: `BENCH_ONLY=publish npx tsx bench/run.ts` (after `npx tsx scripts/ensure-build.ts`); `BENCH_PUBLISHES`, `BENCH_PUBLISHES_10K`, `BENCH_PUBLISHES_UNDER_LOAD` and `BENCH_PUBLISH_RPS` change the counts and the rate.",
    "",
  ].join("\n");
}

/** `BENCH_ONLY=console`: the console scenario alone (bench/results/console.md). */
export function renderConsoleUiReport(r: ConsoleUiResult): string {
  return [
    "# Signalbox benchmark: the console at scale (run alone)",
    "",
    `Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${machine()}; this scenario alone, nothing else of the benchmark running.`,
    "",
    "| figure | target | measured | |",
    "|---|---|---|---|",
    ...consoleUiTargetRows(r),
    "",
    ...consoleUiSection(r),
    "Reproduce: `BENCH_ONLY=console npx tsx bench/run.ts` (after `npx tsx scripts/ensure-build.ts`; Debian's `chromium`); `BENCH_CONSOLE_ROUTES` changes the table size (default 10,000), `BENCH_HEAPSNAPSHOT_DIR=DIR` keeps the heap snapshot.",
    "",
  ].join("\n");
}
