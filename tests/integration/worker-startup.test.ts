// How the console starts its bundled worker when something is in the way: an admin address held by another
// program (reported through GET /api/worker, recovered once it is free), a stale pid file (never adopted, never
// killed), and a worker of its own that hangs (stopped by PID and replaced).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BundledWorkerStatus, NodeList } from "../../lib/contract/nodes";
import { api, assertBuilt, ConsoleProcess, freePort, isAlive, ROOT, tmpDir, waitFor, workerPidOf } from "./harness";

const TOKEN = "startup-token-" + Math.random().toString(36).slice(2);
const consoles: ConsoleProcess[] = [];

beforeAll(() => assertBuilt());

afterAll(async () => {
  for (const c of consoles) {
    await c.stop();
    fs.rmSync(c.o.dataDir, { recursive: true, force: true });
  }
});

async function newConsole(dataDir = tmpDir("signalbox-startup-"), workerAdminPort?: number) {
  const c = new ConsoleProcess({ dataDir, port: await freePort(), token: TOKEN, starterPort: await freePort(), workerAdminPort: workerAdminPort ?? (await freePort()) });
  consoles.push(c);
  return c;
}

const workerStatus = (c: ConsoleProcess) => api(c.base, TOKEN).as(BundledWorkerStatus, "GET", "/api/worker");

async function localNode(c: ConsoleProcess) {
  const nodes = await api(c.base, TOKEN).as(NodeList, "GET", "/api/nodes");
  return nodes.find((n) => n.id === "local");
}

/** A pid file as the console writes it, for this console's worker, naming `pid`. */
function writePidFile(c: ConsoleProcess, pid: number) {
  const admin = `127.0.0.1:${c.o.workerAdminPort}`;
  const record = {
    pid,
    nodeId: "local",
    adminAddress: admin,
    startedAt: new Date().toISOString(),
    procStart: null,
    commandLine: [process.execPath, path.join(c.o.root ?? ROOT, "proxy-core/bin/proxy-core.mjs"), "--control-plane", `ws://127.0.0.1:${c.o.port}/ws/worker`, "--node-id", "local", "--admin-address", admin, "--concurrency", "1"],
    tokenFingerprint: "0000000000000000",
  };
  fs.writeFileSync(path.join(c.o.dataDir, "worker.pid"), JSON.stringify(record));
}

it("reports a worker that cannot bind its admin address as restarting, with the error line, and recovers once it is free", async () => {
  const adminPort = await freePort();
  // a plain TCP server that accepts and never answers
  const held = new Set<net.Socket>();
  const squatter = net.createServer((s) => held.add(s));
  await new Promise<void>((r) => squatter.listen(adminPort, "127.0.0.1", () => r()));
  const c = await newConsole(undefined, adminPort);
  try {
    await c.start();
    const status = await waitFor("the worker to be reported restarting", async () => {
      const s = await workerStatus(c);
      return s.state === "restarting" && s.restarts >= 1 && s.lastError?.line.includes(`127.0.0.1:${adminPort}`) ? s : null;
    }, 20_000, 100);
    expect(status.lastError!.line).toMatch(/EADDRINUSE/);
    expect(status.lastExit).toMatchObject({ code: 1, signal: null });
    expect(status.logFile).toBe(path.join(c.o.dataDir, "worker.log"));
    expect((await localNode(c))?.connected ?? false).toBe(false);
    expect(c.log).toContain(`[worker local] `);
  } finally {
    for (const s of held) s.destroy();
    await new Promise<void>((r) => squatter.close(() => r()));
  }
  // the next attempt binds it (back-off is at most a few seconds after these few failures)
  const running = await waitFor("the worker to run once the address is free", async () => {
    const s = await workerStatus(c);
    return s.state === "running" ? s : null;
  }, 30_000, 100);
  expect(running.pid).toBe(workerPidOf(c.o.dataDir));
  await waitFor("local connected", async () => (await localNode(c))?.connected, 10_000, 100);
}, 90_000);

it("never adopts or kills the process a stale pid file names (a live non-worker, or a dead pid): a fresh worker starts", async () => {
  // a live process that is not proxy-core: this test runner
  const c1 = await newConsole();
  writePidFile(c1, process.pid);
  await c1.start();
  const s1 = await waitFor("a fresh worker", async () => {
    const s = await workerStatus(c1);
    return s.state === "running" ? s : null;
  }, 20_000, 100);
  expect(s1.pid).not.toBe(process.pid);
  expect(workerPidOf(c1.o.dataDir)).toBe(s1.pid);
  expect(c1.log).toMatch(new RegExp(`worker\\.pid is stale: pid ${process.pid} is not the worker recorded there any more \\(left alone\\)`));
  expect(isAlive(process.pid)).toBe(true);
  await c1.stop();
  expect(isAlive(s1.pid!)).toBe(false);

  // a pid that exited
  const gone = spawnSync(process.execPath, ["-e", ""]).pid!;
  const c2 = await newConsole();
  writePidFile(c2, gone);
  await c2.start();
  const s2 = await waitFor("a fresh worker", async () => {
    const s = await workerStatus(c2);
    return s.state === "running" ? s : null;
  }, 20_000, 100);
  expect(s2.pid).not.toBe(gone);
  expect(c2.log).toContain(`pid ${gone} is gone`);
}, 90_000);

it("replaces its own worker when it hangs (SIGSTOP): stopped by PID, a new one started", async () => {
  const c = await newConsole();
  await c.start();
  const first = await waitFor("the worker", async () => {
    const s = await workerStatus(c);
    return s.state === "running" ? s.pid : null;
  }, 20_000, 100);
  await c.kill();
  process.kill(first, "SIGSTOP");
  try {
    await c.start();
    const replaced = await waitFor("a new worker", async () => {
      const s = await workerStatus(c);
      return s.state === "running" && s.pid !== first ? s : null;
    }, 30_000, 100);
    expect(isAlive(first)).toBe(false);
    expect(replaced.lastError?.line).toMatch(new RegExp(`pid ${first} is ours but its admin 127\\.0\\.0\\.1:${c.o.workerAdminPort} did not answer`));
    expect(workerPidOf(c.o.dataDir)).toBe(replaced.pid);
    await waitFor("local connected", async () => (await localNode(c))?.connected, 10_000, 100);
  } finally {
    if (isAlive(first)) {
      process.kill(first, "SIGCONT");
      process.kill(first, "SIGKILL");
    }
  }
}, 90_000);

it("adopts a worker that has no pid file (left by a console that wrote none) by its exact command line", async () => {
  const c = await newConsole();
  await c.start();
  const pid = await waitFor("the worker", async () => {
    const s = await workerStatus(c);
    return s.state === "running" ? s.pid : null;
  }, 20_000, 100);
  await c.kill();
  fs.rmSync(path.join(c.o.dataDir, "worker.pid"));
  try {
    await c.start();
    const s = await waitFor("the worker to be adopted", async () => {
      const st = await workerStatus(c);
      return st.state === "adopted" ? st : null;
    }, 10_000, 100);
    expect(s.pid).toBe(pid);
    expect(c.log).toContain(`adopted the running worker pid ${pid}`);
    expect(c.log).toContain("found by its process list");
    // it has a pid file again, for the next console
    expect(workerPidOf(c.o.dataDir)).toBe(pid);
    await c.stop();
    expect(isAlive(pid)).toBe(false);
  } finally {
    // without a pid file the harness cannot find it
    if (isAlive(pid)) process.kill(pid, "SIGKILL");
  }
}, 90_000);
