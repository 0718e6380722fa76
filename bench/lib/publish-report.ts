// Markdown for the publish-latency scenario (bench/lib/publish-latency.ts): rows for the report's Targets table
// and a table of p50/p99 per (routes, workers). Shared by the full report and `BENCH_ONLY=publish`.
import type { PublishLatencyResult, PublishLatencyRow } from "./publish-latency";

const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }) : "–");
const mark = (ok: boolean) => (ok ? "✓ met" : "✗ missed");
const msf = (x: number) => `${fmt(x, x < 10 ? 1 : 0)} ms`;

function targetRow(r: PublishLatencyResult, routes: number, limitMs: number, target: string): string {
  const rows = r.rows.filter((x) => x.routes === routes);
  const ok = rows.length > 0 && rows.every((x) => x.p99 < limitMs);
  const fewer = rows.some((x) => x.publishes < 50) ? ` (${rows[0].publishes} publishes per worker count, not 50, to stay inside the time budget)` : "";
  const measured = rows.map((x) => `${x.workers} worker${x.workers > 1 ? "s" : ""}: p99 ${msf(x.p99)} (p50 ${msf(x.p50)})`).join("; ");
  return `| publish → every worker's ACK, ${fmt(routes)} routes${fewer} | ${target} | ${measured} | ${mark(ok)} |`;
}

/** The rows of the report's Targets table. */
export function publishTargetRows(r: PublishLatencyResult): string[] {
  const u = r.underLoad;
  const failed = u.load.non2xx + u.load.errors;
  return [
    targetRow(r, 1000, 100, "p99 < 100 ms"),
    targetRow(r, 10000, 1000, "p99 < 1 s"),
    `| failed requests over ${u.publishes} publishes under steady load (${fmt(u.rate)} requests/s to one of ${u.workers} workers, ${fmt(u.routes)} routes; header mutation or weights of the route it hits) | 0 | ${failed} of ${fmt(u.load.requests)} (${u.load.non2xx} non-2xx, ${u.load.errors} socket errors; ${u.acked}/${u.publishes} publishes acked by every worker in ${fmt(u.load.seconds, 1)} s; ${u.load.skipped ? `${fmt(u.load.skipped)} not sent: too many waiting; ` : ""}latency from when each request was due: p50 ${fmt(u.load.latency.p50, 1)} ms, p99 ${fmt(u.load.latency.p99, 1)} ms, max ${fmt(u.load.latency.max)} ms) | ${mark(failed === 0 && u.acked === u.publishes && u.load.skipped === 0)} |`,
  ];
}

/** The p50/p99 table with where the time goes (medians of each part; the slowest worker's). */
export function publishTable(r: PublishLatencyResult): string[] {
  const lines = [
    "## Publish latency",
    "",
    "From just before `POST /api/versions` until the last worker's ACK of that version reaches the console (stamped by a TCP relay in front of `/ws/worker`); each publish edits one route (`PUT /api/draft/routes/{id}` with If-Match), after 5 unmeasured warm-up publishes (2 at 10,000 routes). " +
      "The parts: *console* = POST until the snapshot's first byte leaves the console (handler, SQLite, serialising); *transfer* = first to last byte reaching the worker; *worker* = last byte to its ACK (parse, validate, build, swap). " +
      "*recorded* = ACK until `GET /api/nodes` shows it (5 ms polls). *CPU* = CPU time per publish (POST → last ACK) of the console and of all workers together, from /proc (10 ms ticks, averaged). Real console (production build) and real proxy-core workers, all on this 2-core VM.",
    "",
    "| routes | workers | publishes | p50 ms | p99 ms | max ms (its parts) | console p50 | transfer p50 | worker p50 | 201 after (p50) | recorded p50 | CPU console / workers ms | snapshot | PUT /api/config |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  const row = (x: PublishLatencyRow) =>
    `| ${fmt(x.routes)} | ${x.workers} | ${x.publishes} | ${fmt(x.p50, 1)} | ${fmt(x.p99, 1)} | ${fmt(x.max, 1)} (console ${fmt(x.slowest.console)}, worker ${fmt(x.slowest.worker)}) | ${fmt(x.consoleP50, 1)} | ${fmt(x.transferP50, 1)} | ${fmt(x.workerP50, 1)} | ${fmt(x.responseP50, 1)} | ${fmt(x.recordedP50, 1)} | ${fmt(x.consoleCpuMs)} / ${fmt(x.workersCpuMs)} | ${fmt(x.snapshotBytes / 1024)} KiB | ${fmt(x.putMs)} ms |`;
  for (const x of r.rows) lines.push(row(x));
  lines.push("", `Scenario wall time ${fmt(r.seconds, 0)} s (console start, worker starts, table uploads and the publishes under load included). PUT /api/config: the whole table, once per size (its time does not count in the latency). Load average (1 min) ${fmt(r.loadAvg[0], 1)} at the start, ${fmt(r.loadAvg[1], 1)} at the end.`, "");
  return lines;
}
