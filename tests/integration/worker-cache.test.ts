// The bundled worker's --cache-dir under the data directory: the real console writes nothing there itself; its
// worker keeps the last version it applied in <data dir>/worker-cache/snapshot.json. After kill -9 of console and
// worker, the worker's recorded command line alone (console down) serves that version, and a console started again
// finds its new worker running the live version from the cache: marked applied, not sent it again.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { NodeList } from "../../lib/contract/nodes";
import { PublishResult } from "../../lib/contract/versions";
import { bootstrap, listener } from "../../lib/config/test-fixtures";
import { api, assertBuilt, ConsoleProcess, freePort, get, isAlive, parsed, ROOT, sleep, tail, tmpDir, waitFor, workerPidOf } from "./harness";

const TOKEN = "cache-token-" + Math.random().toString(36).slice(2);
const STARTER_TEXT = "Signalbox is running: open the console to add routes";
const NEW_TEXT = "published before the console went away";

let dataDir: string;
let consoleProc: ConsoleProcess;
let starterPort: number;
let call: ReturnType<typeof api>;

beforeAll(async () => {
  assertBuilt();
  dataDir = tmpDir("signalbox-cache-");
  starterPort = await freePort();
  consoleProc = new ConsoleProcess({ dataDir, port: await freePort(), token: TOKEN, starterPort, workerAdminPort: await freePort() });
  await consoleProc.start();
  call = api(consoleProc.base, TOKEN);
  await consoleProc.until("the starter listener", async () => (await get(starterPort, "/").catch(() => null))?.body === STARTER_TEXT, 30_000, 100);
});

afterAll(async () => {
  await consoleProc?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

interface CacheFile {
  versionId: string;
  number: number | null;
}
function readCache(file: string): CacheFile | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as CacheFile;
  } catch {
    return null;
  }
}

async function localNode() {
  const nodes = await call.as(NodeList, "GET", "/api/nodes");
  return nodes.find((n) => n.id === "local");
}

it("the bundled worker caches each applied version under the data dir and serves it while the console is down", async () => {
  const cacheDir = path.join(dataDir, "worker-cache");
  const cacheFile = path.join(cacheDir, "snapshot.json");
  const record = JSON.parse(fs.readFileSync(path.join(dataDir, "worker.pid"), "utf8")) as { pid: number; commandLine: string[] };
  expect(record.commandLine.slice(-2)).toEqual(["--cache-dir", cacheDir]);

  // the starter version the worker applied, then a publish: each reaches the cache
  const starterId = await consoleProc.until("the starter version applied", async () => (await localNode())?.appliedVersion, 10_000, 50);
  await consoleProc.until("the starter version in the cache", async () => readCache(cacheFile)?.versionId === starterId, 10_000, 50);
  const doc = bootstrap([listener("main", starterPort, [{ name: "starter", match: { prefix: "/" }, direct_response: { status: 200, body: { inline_string: NEW_TEXT } } }])], []);
  expect((await call("PUT", "/api/config", doc)).status).toBe(200);
  const pub = await call("POST", "/api/versions", { message: "cached" });
  expect(pub.status).toBe(201);
  const { id, number } = parsed(pub, PublishResult);
  await consoleProc.until("the published version in the cache", async () => readCache(cacheFile)?.versionId === id, 10_000, 50);
  expect(readCache(cacheFile)).toMatchObject({ versionId: id, number });
  expect(fs.statSync(cacheFile).mode & 0o777).toBe(0o600);

  // kill -9 of the console and its worker: then the worker's own command line, with no console, serves the version
  await consoleProc.kill();
  process.kill(record.pid, "SIGKILL");
  await waitFor("the worker to die", async () => !isAlive(record.pid), 5000, 20);
  const alone = spawn(record.commandLine[0], record.commandLine.slice(1), { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  alone.stderr!.on("data", (d) => (log += d));
  try {
    // no console to ask: a wait that fails shows what the worker printed
    const why = { diagnose: async () => tail("worker stderr", log) };
    await waitFor("the worker alone to serve", async () => (await get(starterPort, "/").catch(() => null))?.body === NEW_TEXT, 20_000, 50, why);
    await waitFor("its warning", async () => log.includes(`[warning] serving cached version v${number} (console unreachable)`), 10_000, 50, why);
  } finally {
    alone.kill("SIGKILL");
    await new Promise((r) => (alone.exitCode !== null ? r(null) : alone.once("exit", r)));
  }

  // the console again: its new worker runs the live version from the cache, and the console does not resend it
  await consoleProc.start();
  await consoleProc.until("the new worker to serve", async () => (await get(starterPort, "/").catch(() => null))?.body === NEW_TEXT, 20_000, 50);
  await consoleProc.until("local connected from its cache", async () => consoleProc.log.includes(`node local connected (applied ${id}, from its cache)`), 20_000, 50);
  expect(workerPidOf(dataDir)).not.toBe(record.pid);
  // the worker's own lines reach the console's output through its log file, a little later
  await consoleProc.until("the worker's line", async () => consoleProc.log.includes(`applied cached version v${number} (id ${id}`), 10_000, 50);
  expect(await localNode()).toMatchObject({ appliedVersion: id, state: "applied", lastError: null });
  // a snapshot sent to it would be logged by the worker as "applied version <id>"
  await sleep(1000);
  expect(consoleProc.log).not.toContain(`applied version ${id}`);
}, 120_000);
