// The bundled worker outlives a console killed with SIGKILL, keeps serving, and is adopted by the next console on
// the same data directory: no request fails on the way, there is never a second worker, a publish reaches the
// adopted worker, and a SIGTERM of that console leaves nothing listening.
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BundledWorkerStatus, NodeList } from "../../lib/contract/nodes";
import { PublishResult } from "../../lib/contract/versions";
import { bootstrap, listener } from "../../lib/config/test-fixtures";
import { api, assertBuilt, ConsoleProcess, freePort, get, isAlive, parsed, sleep, tmpDir, waitFor, workerPidOf } from "./harness";

const TOKEN = "adoption-token-" + Math.random().toString(36).slice(2);
const STARTER_TEXT = "Signalbox is running: open the console to add routes";
const NEW_TEXT = "published while adopted";

let dataDir: string;
let consoleProc: ConsoleProcess;
let starterPort: number;
let adminPort: number;
let call: ReturnType<typeof api>;

beforeAll(async () => {
  assertBuilt();
  dataDir = tmpDir("signalbox-adopt-");
  [starterPort, adminPort] = [await freePort(), await freePort()];
  consoleProc = new ConsoleProcess({ dataDir, port: await freePort(), token: TOKEN, starterPort, workerAdminPort: adminPort });
  await consoleProc.start();
  call = api(consoleProc.base, TOKEN);
  await consoleProc.until("the starter listener", async () => (await get(starterPort, "/").catch(() => null))?.body === STARTER_TEXT, 30_000, 100);
});

afterAll(async () => {
  await consoleProc?.stop(); // also kills, by the pid in its pid file, a worker that should have stopped and did not
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Steady GETs, alternating a keep-alive agent and fresh connections; every error or non-200 is a failure. */
function startTraffic(port: number, perSecond: number) {
  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const failures: string[] = [];
  const bodies = new Map<string, number>();
  const inflight = new Set<Promise<void>>();
  let sent = 0;
  const t0 = Date.now();
  const timer = setInterval(() => {
    const agent = sent++ % 2 === 0 ? keepAlive : false;
    const what = agent ? "keep-alive" : "fresh connection";
    const fail = (m: string) => failures.push(`+${Date.now() - t0} ms ${what}: ${m}`);
    const p = new Promise<void>((resolve) => {
      const req = http.get({ host: "127.0.0.1", port, path: "/", agent }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => {
          if (res.statusCode === 200) bodies.set(body, (bodies.get(body) ?? 0) + 1);
          else fail(`HTTP ${res.statusCode} ${body.slice(0, 80)}`);
          resolve();
        });
        res.on("error", (e) => (fail(e.message), resolve()));
      });
      req.setTimeout(3000, () => req.destroy(new Error("no answer within 3 s")));
      req.on("error", (e) => (fail(e.message), resolve()));
    });
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  }, 1000 / perSecond);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(inflight);
      keepAlive.destroy();
      return { sent, failures, bodies: Object.fromEntries(bodies) };
    },
  };
}

/** Share of one core the process used over `ms`, from /proc/<pid>/stat utime + stime. */
async function cpuShare(pid: number, ms: number): Promise<number> {
  const ticks = () => {
    const s = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return Number(f[11]) + Number(f[12]);
  };
  const hz = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  const [t0, c0] = [Date.now(), ticks()];
  await sleep(ms);
  return (ticks() - c0) / hz / ((Date.now() - t0) / 1000);
}

/** Every proxy-core process started for this test's admin port (the primary alone with --concurrency 1). */
function proxyCoreProcesses(): number[] {
  return fs
    .readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        const argv = fs.readFileSync(`/proc/${e}/cmdline`, "utf8").split("\0");
        return argv.some((a) => a.endsWith("proxy-core.mjs")) && argv.includes(`127.0.0.1:${adminPort}`);
      } catch {
        return false;
      }
    })
    .map(Number);
}

const refuses = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    s.once("connect", () => (s.destroy(), resolve(false)));
    s.once("error", () => resolve(true));
  });

it("survives kill -9 of its console under traffic, is adopted by the next start, applies a publish, and stops with it", async () => {
  const pid = workerPidOf(dataDir)!;
  expect(pid).toBeGreaterThan(1);
  expect(proxyCoreProcesses()).toEqual([pid]);
  const traffic = startTraffic(starterPort, 40);
  await sleep(1000);

  // kill -9 of the console's pid alone: the worker, in its own process group, keeps serving and stays idle
  await consoleProc.kill();
  expect(isAlive(pid)).toBe(true);
  const cpu = await cpuShare(pid, 5000);
  console.log(`[it] orphaned worker used ${(cpu * 100).toFixed(1)} % of a core over 5 s (40 requests/s)`);
  expect(cpu).toBeLessThan(0.2);

  // the next start on the same data directory adopts it: the same pid, no second worker, connected again
  await consoleProc.start();
  const status = await consoleProc.until("the worker to be adopted", async () => {
    const worker = await call.as(BundledWorkerStatus, "GET", "/api/worker");
    return worker.state === "adopted" ? worker : null;
  }, 10_000, 50);
  expect(status).toMatchObject({ state: "adopted", pid, nodeId: "local", adminAddress: `127.0.0.1:${adminPort}`, restarts: 0 });
  expect(consoleProc.log).toContain(`adopted the running worker pid ${pid}`);
  expect(workerPidOf(dataDir)).toBe(pid);
  await consoleProc.until("local connected", async () => {
    const nodes = await call.as(NodeList, "GET", "/api/nodes");
    return nodes.find((n) => n.id === "local")?.connected;
  }, 10_000, 50);
  expect(proxyCoreProcesses()).toEqual([pid]);

  // a publish reaches the adopted worker within 5 s
  const doc = bootstrap([listener("main", starterPort, [{ name: "starter", match: { prefix: "/" }, direct_response: { status: 200, body: { inline_string: NEW_TEXT } } }])], []);
  expect((await call("PUT", "/api/config", doc)).status).toBe(200);
  const t0 = Date.now();
  const pub = await call("POST", "/api/versions", { message: "while adopted" });
  expect(pub.status).toBe(201);
  const published = parsed(pub, PublishResult);
  await consoleProc.until("the new body", async () => (await get(starterPort, "/").catch(() => null))?.body === NEW_TEXT, 5000, 20);
  console.log(`[it] publish → served by the adopted worker in ${Date.now() - t0} ms`);
  await consoleProc.until("/api/nodes to show it applied", async () => {
    const nodes = await call.as(NodeList, "GET", "/api/nodes");
    return nodes.find((n) => n.id === "local")?.appliedVersion === published.id;
  }, 5000, 50);
  expect(proxyCoreProcesses()).toEqual([pid]);

  await sleep(500);
  const result = await traffic.stop();
  console.log(`[it] ${result.sent} requests through kill -9, restart, adoption and publish: ${JSON.stringify(result.bodies)}`);
  expect(result.failures).toEqual([]);
  expect(result.sent).toBeGreaterThan(200);
  expect(result.bodies[NEW_TEXT]).toBeGreaterThan(0);

  // SIGTERM of the console stops the adopted worker too: nothing listens within 15 s
  const server = consoleProc.proc!;
  const exited = new Promise<number | null>((r) => server.once("exit", (code) => r(code)));
  const stopAt = Date.now();
  process.kill(server.pid!, "SIGTERM");
  expect(await exited).toBe(0);
  await waitFor("the worker to exit", async () => !isAlive(pid), Math.max(0, 15_000 - (Date.now() - stopAt)), 50);
  for (const port of [consoleProc.o.port, starterPort, adminPort]) expect(await refuses(port), `port ${port}`).toBe(true);
  expect(Date.now() - stopAt).toBeLessThan(15_000);
  expect(proxyCoreProcesses()).toEqual([]);
  expect(fs.existsSync(`${dataDir}/worker.pid`)).toBe(false);
}, 90_000);
