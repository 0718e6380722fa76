// npm run demo: demo traffic on a running console, through its public API (POST/GET/DELETE /api/demo).
// It starts the sample upstreams and the load, prints what it did, reports progress, and on Ctrl-C (or when
// the load's duration is over) stops everything and, unless --keep-config, removes the demo routes again.
//
//   npm run demo -- [--url http://127.0.0.1:3000] [--token TOKEN] [--duration SECONDS] [--keep-config]
//
// The token comes from --token, else SIGNALBOX_ADMIN_TOKEN, else <SIGNALBOX_DATA_DIR or ./data>/admin-token.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { DemoStatus, DemoStopResult } from "../lib/demo/contract";

const USAGE = "usage: npm run demo -- [--url http://127.0.0.1:3000] [--token TOKEN] [--duration SECONDS] [--keep-config] [--every SECONDS]";

function fail(message: string): never {
  console.error(`demo: ${message}`);
  process.exit(1);
}

const { values: flags } = (() => {
  try {
    return parseArgs({
      options: {
        url: { type: "string" },
        token: { type: "string" },
        duration: { type: "string" },
        "keep-config": { type: "boolean", default: false },
        every: { type: "string", default: "5" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    fail(`${(e as Error).message}\n${USAGE}`);
  }
})();
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}

const base = (flags.url ?? process.env.SIGNALBOX_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`).replace(/\/+$/, "");
const token = flags.token ?? process.env.SIGNALBOX_ADMIN_TOKEN ?? readTokenFile();
const durationS = flags.duration === undefined ? undefined : Number(flags.duration);
if (durationS !== undefined && (!Number.isInteger(durationS) || durationS < 1)) fail(`--duration must be a whole number of seconds (got ${flags.duration})`);
const everyMs = Math.max(1, Number(flags.every) || 5) * 1000;

function readTokenFile(): string {
  const file = path.join(process.env.SIGNALBOX_DATA_DIR ?? path.join(process.cwd(), "data"), "admin-token");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    fail(`no admin token: pass --token, set SIGNALBOX_ADMIN_TOKEN, or run from the directory whose data/ the console uses (${file} is missing)`);
  }
}

async function call(method: string, p: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  let r: Response;
  try {
    r = await fetch(base + p, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
  } catch (e) {
    fail(`cannot reach the console at ${base} (${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}): is \`npm start\` running? (--url sets another address)`);
  }
  const text = await r.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  if (r.status === 401) fail(`the console at ${base} refused the token (401): pass the one in its data/admin-token with --token`);
  if (r.status >= 400) fail(`${method} ${p} answered ${r.status}: ${(json as { error?: { message?: string } })?.error?.message ?? text}`);
  return { status: r.status, json };
}

const time = (iso: string | null) => (iso ? new Date(iso).toLocaleTimeString() : "?");

function progress(s: DemoStatus): string {
  const r = s.responses;
  return `sent ${s.requestsSent} · 2xx ${r["2xx"]} · 4xx ${r["4xx"]} · 5xx ${r["5xx"]} · no answer ${r.failed}`;
}

let stopping = false;
async function stop(why: string): Promise<never> {
  if (stopping) process.exit(1); // a second Ctrl-C: leave now
  stopping = true;
  console.log(`\n${why}: stopping the demo …`);
  const r = DemoStopResult.parse((await call("DELETE", `/api/demo?removeConfig=${flags["keep-config"] ? "false" : "true"}`)).json);
  console.log(`stopped: ${progress(r)}`);
  console.log("sample upstreams closed");
  console.log(r.config.removed ? `demo routes and clusters removed in v${r.config.version.number}` : `demo routes and clusters ${r.config.reason}`);
  process.exit(0);
}

const started = DemoStatus.parse((await call("POST", "/api/demo", durationS === undefined ? {} : { durationS })).json);
const target = started.target ?? "?";
console.log(`demo traffic started on ${base} (published v${started.publishedVersion?.number}, author "demo")`);
console.log("sample upstreams (in the console's process):");
for (const u of started.upstreams) console.log(`  ${u.kind.padEnd(8)} 127.0.0.1:${u.port}  cluster ${u.name}`);
console.log(`routes on the worker's listener ${target}:`);
for (const r of started.routes) console.log(`  curl http://${target}${r.path}`);
for (const n of started.notes) console.log(`  · ${n}`);
console.log(`load: ~30 requests/s plus bursts on /demo/slow until ${time(started.endsAt)}; expect some 5xx (breaker overflows on`);
console.log("  /demo/slow, flaky answers that two retries did not save)");
console.log(`watch: ${base}/ (Overview), ${base}/traces, and the worker's /stats (cluster.demo-slow.upstream_rq_pending_overflow)`);
console.log(`Ctrl-C stops it${flags["keep-config"] ? " (the demo routes stay: --keep-config)" : " and removes the demo routes"}`);

process.on("SIGINT", () => void stop("Ctrl-C"));
process.on("SIGTERM", () => void stop("SIGTERM"));

for (;;) {
  await new Promise((r) => setTimeout(r, everyMs));
  if (stopping) continue;
  const s = DemoStatus.parse((await call("GET", "/api/demo")).json);
  if (stopping) continue;
  console.log(progress(s));
  if (!s.running) await stop(s.stopReason === "duration" ? "the demo's duration is over" : "the demo was stopped elsewhere");
}
