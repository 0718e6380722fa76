// Markdown for the replicas scenario (bench/lib/replicas-bench.ts): the target row, the latency table split by the
// publishing replica's workers and the other replica's, CPU per publish and while idle. `BENCH_ONLY=replicas`.
import os from "node:os";
import type { ReplicaPublishRow, ReplicasResult } from "./replicas-bench";

const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }) : "–");
const mark = (ok: boolean) => (ok ? "✓ met" : "✗ missed");
const ms = (x: number) => `${fmt(x, x < 10 ? 1 : 0)} ms`;
/** the figure the scenario is held to: p99 at 1,000 routes */
export const TARGET = { routes: 1000, p99Ms: 200 };

function targetRow(r: ReplicasResult): string {
  const row = r.rows.find((x) => x.routes === TARGET.routes);
  const measured = row
    ? `p99 ${ms(row.p99)} (p50 ${ms(row.p50)}, max ${ms(row.max)}; ${row.publishes} publishes, ${row.via.a} through a and ${row.via.b} through b; the other replica's workers p99 ${ms(row.other.p99)})`
    : "not measured";
  return `| publish on either of 2 replicas → all ${row?.workers ?? "–"} workers' ACK (${row ? row.workers / 2 : "–"} held by each replica), ${fmt(TARGET.routes)} routes | p99 < ${TARGET.p99Ms} ms | ${measured} | ${row ? mark(row.p99 < TARGET.p99Ms && r.trouble === 0) : "–"} |`;
}

function row(x: ReplicaPublishRow): string {
  const c = x.cpuMs;
  return `| ${fmt(x.routes)} | ${x.publishes} (${x.via.a} / ${x.via.b}) | ${fmt(x.p50, 1)} | ${fmt(x.p99, 1)} | ${fmt(x.max, 1)} | ${fmt(x.firstP50, 1)} | ${fmt(x.same.p50, 1)} / ${fmt(x.same.p99, 1)} | ${fmt(x.other.p50, 1)} / ${fmt(x.other.p99, 1)} | ${fmt(x.hopP50, 1)} | ${fmt(x.responseP50, 1)} | ${fmt(x.recordedP50, 1)} | ${fmt(c.publisher)} / ${fmt(c.follower)} | ${fmt(c.a)} / ${fmt(c.b)} | ${fmt(c.postgres)} | ${fmt(c.sim)} | ${fmt(x.snapshotBytes / 1024)} KiB | ${fmt(x.putMs)} ms |`;
}

export function renderReplicasReport(r: ReplicasResult): string {
  const lines = [
    "# Signalbox benchmark: publishing through two console replicas (run alone)",
    "",
    `Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, PostgreSQL ${r.postgresVersion}; this scenario alone. Load average (1 min) ${fmt(r.loadAvg[0], 1)} at the start, ${fmt(r.loadAvg[1], 1)} at the end; scenario wall time ${fmt(r.seconds)} s.`,
    "",
    "| figure | target | measured | |",
    "|---|---|---|---|",
    targetRow(r),
    "",
    "## Publish latency",
    "",
    "Two real consoles (production build, `SIGNALBOX_WORKER=off`, `SIGNALBOX_REPLICA_ID` a and b) on one real PostgreSQL 15 database, and simulated workers in one separate process (bench/lib/sim-workers.ts: hello, then parse each snapshot's JSON and ACK its version and nonce; nothing applied), half of them connected to each replica. " +
      "Publishes alternate between a and b, each after an edit of one route (`PUT /api/draft/routes/{id}` with If-Match) on the replica about to publish; the first publishes of each size are unmeasured warm-up (4, 2 at 10,000 routes). " +
      "*Latency* = just before `POST /api/versions` → the last worker sends its ACK (the simulator stamps it on CLOCK_MONOTONIC, the clock this process reads too). " +
      "*Publishing side* = the last ACK among the workers held by the replica that took the POST (it pushes at once); *other side* = among the other replica's (it hears of the version through NOTIFY, reads it from the database and pushes it). " +
      "*First ACK* = the first worker's ACK, the same clock. *Hop* = the first snapshot received on the other side minus the first on the publishing side. *Recorded* = last ACK → `GET /api/nodes` on the publishing replica shows every worker applied (20 ms polls). " +
      "*CPU* = CPU time per publish (POST → every ACK seen), mean, from /proc (10 ms ticks): the publishing and the following replica, replicas a and b, PostgreSQL (postmaster and backends), the simulator.",
    "",
    "| routes | publishes (via a / b) | p50 ms | p99 ms | max ms | first ACK p50 | publishing side p50 / p99 | other side p50 / p99 | hop p50 ms | 201 after (p50) | recorded p50 | CPU ms publisher / follower | CPU ms a / b | CPU ms PostgreSQL | CPU ms simulator | snapshot | PUT /api/config |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...r.rows.map(row),
    ...r.failures.map((f) => `| ${fmt(f.routes)} | not measured: ${f.error.replace(/\|/g, "\\|")} ||||||||||||||||`),
    "",
  ];
  if (r.idle) {
    const i = r.idle;
    lines.push(
      "## Idle",
      "",
      `Every worker connected, ${fmt(i.routes)} routes live, nothing published for ${fmt(i.seconds, 1)} s (after a 2 s settle). CPU seconds per wall second, from /proc:`,
      "",
      "| replica a | replica b | PostgreSQL | simulator | RSS a / b |",
      "|---:|---:|---:|---:|---:|",
      `| ${fmt(i.cpu.a, 3)} | ${fmt(i.cpu.b, 3)} | ${fmt(i.cpu.postgres, 3)} | ${fmt(i.cpu.sim, 3)} | ${fmt(i.rssMb.a)} / ${fmt(i.rssMb.b)} MB |`,
      "",
    );
  }
  lines.push(
    `Workers held, by the nodes' rows: ${Object.entries(r.nodesByReplica).map(([k, v]) => `${k} ${v}`).join(", ")}; \`GET /api/replicas\`: ${r.replicas.map((x) => `${x.id} ${x.alive ? "alive" : "not alive"}, ${x.nodes} nodes`).join("; ")}. ` +
      `Worker sessions closed or in error during the run: ${r.trouble}${r.troubleSample.length ? ` (${r.troubleSample.join("; ").replace(/\|/g, "\\|")})` : ""}.`,
    "",
    "Reproduce: `BENCH_ONLY=replicas npx tsx bench/run.ts` (after `npx tsx scripts/ensure-build.ts`; needs PostgreSQL 15's server binaries, `PG_BIN`). `BENCH_REPLICAS_SIZES` (10,1000,10000), `BENCH_REPLICAS_WORKERS` (50), `BENCH_REPLICAS_PUBLISHES` (40), `BENCH_REPLICAS_PUBLISHES_10K` (30) and `BENCH_REPLICAS_IDLE_S` (10) change the run.",
    "",
  );
  return lines.join("\n");
}
