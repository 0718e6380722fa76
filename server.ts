// Signalbox console: Next.js (pages + /api) and the worker control plane (/ws/worker) on one port,
// plus the bundled proxy worker, spawned or adopted from a previous console (lib/worker/supervisor.ts).
//   npm start  → scripts/ensure-build.ts, then NODE_ENV=production tsx server.ts
//   npm run dev → tsx server.ts (hot reload)
import { createServer } from "node:http";
import next from "next";
import { migrate } from "./lib/migrate";
import { consoleHost, consolePort, dataDir, databaseUrl, databaseUrlForLog, workerAdminAddress, workerConcurrency, workerEnabled } from "./lib/env";
import { ensureAdminToken } from "./lib/auth";
import { ensureStarterVersion, getLiveVersion } from "./lib/config/config-service";
import { Hub, WORKER_WS_PATH } from "./lib/control-plane/hub";
import { loadCanary } from "./lib/rollout/rollout-service";
import { setControlPlane } from "./lib/control-plane/registry";
import { inEnvironment } from "./lib/environment/scope";
import { getSettings } from "./lib/settings/settings-service";
import { Telemetry } from "./lib/telemetry/telemetry";
import { setTelemetry } from "./lib/telemetry/registry";
import { runningRecordedWorker } from "./lib/worker/locate";
import { pidFilePath } from "./lib/worker/pid-file";
import { setBundledWorker } from "./lib/worker/registry";
import { WorkerSupervisor } from "./lib/worker/supervisor";
import { closeDb, dbProvider } from "./lib/db";
import { replicaId } from "./lib/replicas/replica-id";
import { ReplicaHeartbeat, otherReplicasAlive } from "./lib/replicas/heartbeat";
import { LiveWatcher } from "./lib/replicas/live-watcher";
import { livePointers } from "./lib/replicas/live-pointers";
import { listenLive } from "./lib/repos/live-listen";
import { haltDemo } from "./lib/demo/demo-service";
import { GuardWatcher } from "./lib/guard/watcher";
import { setGuardWatcher } from "./lib/guard/registry";
import { ensureBundledWorkerToken } from "./lib/tokens/bundled-worker-token";
import { ensureEnvAdmin, setupNeeded } from "./lib/accounts/account-service";
import { shareAuthSecret } from "./lib/accounts/secret";
import { stampSource } from "./lib/accounts/request-source";
import { deliveredSecrets, sealingKeyWarnings } from "./lib/secrets/secret-service";
import { startSingletons } from "./lib/replicas/singleton-jobs";

const dev = process.env.NODE_ENV !== "production";
const port = consolePort();
const hostname = consoleHost();

const { token, generated } = ensureAdminToken();
await migrate("deploy", undefined, { log: (m) => console.log(`[db] ${m}`) });
console.log(`[db] ${databaseUrlForLog()}`);

// replicas on one PostgreSQL database sign session cookies with one key, so each of them serves every signed-in user
if (dbProvider() === "postgres" && (await shareAuthSecret())) console.log("[accounts] signing sessions with the key the other replicas use (SharedKey table)");

// SIGNALBOX_ADMIN_EMAIL + SIGNALBOX_ADMIN_PASSWORD: the first admin without the setup page (never overwrites one)
await ensureEnvAdmin((line) => console.log(line));

const starter = await ensureStarterVersion();
if (starter) console.log(`[config] published the starter version v${starter.number}`);

// this replica's heartbeat before the hub: a node's row names the replica holding it, and other replicas (several
// consoles on one PostgreSQL database) read a replica that stops beating as gone
const replica = replicaId();
const postgres = dbProvider() === "postgres";
const heartbeat = new ReplicaHeartbeat({ id: replica, address: `${hostname}:${port}`, exclusive: !postgres });
await heartbeat.start();

// telemetry first: the hub hands it every worker report from the first connection on
// the exchange of live frames with other replicas runs only where there can be others (PostgreSQL)
const telemetry: Telemetry = new Telemetry({ liveResources: () => hub.liveResources(), settings: await getSettings(), exchangeTimer: postgres });
await telemetry.start();
setTelemetry(telemetry);
const loadLive = (env: string) =>
  inEnvironment(env, async () => {
    const v = await getLiveVersion();
    return v ? { id: v.id, environment: env, number: v.number, snapshot: v.snapshot } : null;
  });
const hub: Hub = new Hub({
  loadLive,
  loadCanary,
  loadSecrets: () => deliveredSecrets(undefined, (m) => console.error(`[secrets] ${m}`)),
  sink: telemetry.ingest,
  replica,
});
await hub.start();
setControlPlane(hub);
// a version made live on another replica reaches this one's workers: NOTIFY at once, a poll as the safety net
const liveWatcher = new LiveWatcher({
  target: hub,
  pointers: livePointers,
  loadLive,
  loadCanary,
  listen: postgres ? (wake) => listenLive(databaseUrl(), () => wake(), wake, (m) => console.log(`[replica] ${m}`)) : undefined,
  settingsChanged: () => void getSettings().then((s) => telemetry.settingsChanged(s), () => {}),
});
// alone on SQLite, every change is made in this process and pushed by it: nothing to follow
if (postgres) liveWatcher.start();
// publish guards, retention pruning and the certificate expiry watch run on the replica holding each one's lease
// (lib/replicas/singleton-jobs.ts); the guard holder resumes (or expires) a run a previous console left running
const guard = new GuardWatcher();
setGuardWatcher(guard);
const stopSingletons = await startSingletons({ guard, retention: telemetry.retention, exclusive: !postgres });
for (const line of await sealingKeyWarnings()) console.error(`[secrets] ${line}`);
if (postgres && !process.env.SIGNALBOX_SECRET_KEY)
  console.log("[secrets] SIGNALBOX_SECRET_KEY is not set: TLS secrets are sealed with <data dir>/secret-key; replicas sharing this database need one key, set it on each");

const server = createServer();
// httpServer lets Next attach its own upgrade listener (dev HMR); ours only takes /ws/worker
const app = next({ dev, hostname, port, httpServer: server });
const handle = app.getRequestHandler();
await app.prepare();

// the socket's address (and scheme) for the audit, the sessions list and the sign-in rate limit: Next's route
// handlers never see the socket (lib/accounts/request-source.ts)
server.on("request", (req, res) => {
  stampSource(req);
  return handle(req, res);
});
server.on("upgrade", (req, socket, head) => {
  const { pathname } = new URL(req.url ?? "/", "http://localhost");
  if (pathname === WORKER_WS_PATH) hub.handleUpgrade(req, socket, head);
  // anything else (e.g. /_next/hmr in dev) belongs to Next's own upgrade listener
});

await new Promise<void>((resolve, reject) => {
  server.once("error", reject);
  server.listen(port, hostname, () => resolve());
});
const shownHost = hostname === "0.0.0.0" || hostname === "::" ? "127.0.0.1" : hostname;
const url = `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${port}`;
console.log(`> Signalbox console ready on ${url} (${dev ? "dev" : "production"}, data ${dataDir()}, replica ${replica})`);
if (generated) {
  console.log(`> Bootstrap admin token for automation (generated, stored in ${dataDir()}/admin-token; shown once):\n>   ${token}`);
}
if (await setupNeeded()) console.log(`> No account yet: open ${url}/setup to create the first admin`);

let worker: WorkerSupervisor | null = null;
let shuttingDown = false;
async function shutdown(signal: string) {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log(`> ${signal}: stopping`);
  const force = setTimeout(() => process.exit(0), 10_000);
  force.unref();
  try {
    // demo traffic first: its requests would keep the worker's connections busy through its whole drain
    await haltDemo();
    setGuardWatcher(null);
    await stopSingletons();
    await worker?.stop();
    await liveWatcher.stop();
    setControlPlane(null);
    await hub.close();
    // after the hub has released its nodes: the row goes, so other replicas need not wait out its TTL
    await heartbeat.stop();
    // after the hub: its disconnects are events too; then the open rollup buckets and pending events are written
    setTelemetry(null);
    await telemetry.stop();
    server.closeAllConnections?.();
    await new Promise<void>((r) => server.close(() => r()));
    await app.close?.();
    await closeDb();
  } catch (e) {
    console.error("shutdown:", e);
  }
  process.exit(0);
}
// The worker has its own process group and session: a terminal's Ctrl-C or hang-up reaches the console alone, and
// shutdown() stops the worker by PID.
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGHUP", () => void shutdown("SIGHUP"));

if (!workerEnabled()) {
  const left = runningRecordedWorker(pidFilePath(dataDir()));
  if (left) console.log(`[worker] SIGNALBOX_WORKER=off, but the worker pid ${left.pid} a previous console started is still running (stop it: kill ${left.pid})`);
} else {
  if (postgres && (await otherReplicasAlive(replica)) > 0)
    console.log("[worker] other console replicas share this database and each bundled worker is node `local`: run replicas with SIGNALBOX_WORKER=off and the workers as nodes of their own (README: Running past one machine)");
  worker = new WorkerSupervisor({
    controlPlane: `ws://127.0.0.1:${port}${WORKER_WS_PATH}`,
    nodeId: "local",
    adminAddress: workerAdminAddress(),
    concurrency: workerConcurrency(),
    token: await bundledWorkerToken(),
    dataDir: dataDir(),
  });
  setBundledWorker(worker);
  await worker.start();
}

/** The bundled worker's own worker token (lib/tokens/bundled-worker-token.ts): made at the first start, and again when revoked. */
async function bundledWorkerToken(): Promise<string> {
  const { secret, created } = await ensureBundledWorkerToken(dataDir());
  if (created) console.log(`[worker] created the bundled worker's token (kept in ${dataDir()}/worker-token)`);
  return secret;
}
