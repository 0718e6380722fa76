// The real CLI as a process among others: a parent that goes away and leaves its stderr pipe closed, log
// levels and the log file, and SIGTERM/SIGINT in every state (following a console, reconnecting to a gone
// one, warming clusters for an apply that never finishes, --concurrency 2). Routes answer with
// direct_response so that these tests depend on the process, not on the upstream data path.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { WebSocketServer } from "ws";
import type { AddressInfo } from "node:net";
import { stringify } from "yaml";
import { adminStat, cluster, deadPort, listener, request, waitFor } from "./harness";
import { alive, childPids, freePort, runCli, type CliProc } from "../fixtures/cli";
import { STOP_MARGIN_MS } from "../../src/stop-deadline";
import { LOG_DROPPED_LINES_STAT } from "../../src/log/logger";

const DRAIN_S = 1;
/** SIGTERM → exit: the drain time plus the CLI's fixed margin, plus 1 s for signal delivery on a loaded machine */
const STOP_BUDGET_MS = DRAIN_S * 1000 + STOP_MARGIN_MS + 1000;
const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "proxy-core-robustness-"));
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The CLI, SIGKILLed at the end of the test with every child process it was seen with (by pid). */
function start(args: string[]): CliProc & { pid: number; seen: Set<number> } {
  const p = runCli(args);
  const pid = p.child.pid!;
  const seen = new Set<number>();
  const track = setInterval(() => childPids(pid).forEach((c) => seen.add(c)), 100);
  cleanups.push(async () => {
    clearInterval(track);
    await p.kill();
    for (const c of seen) if (alive(c)) process.kill(c, "SIGKILL");
  });
  return { ...p, pid, seen };
}

/** Sends `signal`; the exit code (or "hung") and how long the process took to exit. */
async function signalAndTime(p: CliProc, signal: NodeJS.Signals = "SIGTERM") {
  const t0 = Date.now();
  p.child.kill(signal);
  const hung = new Promise<"hung">((r) => setTimeout(() => r("hung"), STOP_BUDGET_MS + 10_000).unref());
  const code = await Promise.race([p.exited, hung]);
  return { code, ms: Date.now() - t0 };
}

/** CPU time (user + system) the process used so far, in seconds: /proc/<pid>/stat fields 14 and 15. */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  // the command name (field 2) may contain spaces: count from the ") " that closes it; field 3 is index 0
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

/** proxy-core workers among the children (tsx also starts an esbuild service). */
function workerPids(pid: number): number[] {
  return childPids(pid).filter((c) => {
    try {
      return fs.readFileSync(`/proc/${c}/cmdline`, "utf8").includes("proxy-core.mjs");
    } catch {
      return false;
    }
  });
}

/** A minimal console: records the worker's messages and sends snapshots. */
async function startConsole() {
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1", path: "/ws/worker" });
  await once(wss, "listening");
  const messages: Record<string, unknown>[] = [];
  wss.on("connection", (ws) => ws.on("message", (m) => messages.push(JSON.parse(String(m)))));
  let closed = false;
  const close = () =>
    new Promise<void>((r) => {
      if (closed) return r();
      closed = true;
      for (const c of wss.clients) c.terminate();
      wss.close(() => r());
    });
  cleanups.push(close);
  let n = 0;
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws/worker`,
    messages,
    has: (type: string) => messages.some((m) => m.type === type),
    snapshot(version: string, resources: unknown) {
      n++;
      for (const c of wss.clients) c.send(JSON.stringify({ type: "snapshot", version, number: n, nonce: `n-${n}`, resources }));
    },
    close,
  };
}

/** A TCP upstream that accepts connections and never answers: a health check against it hangs. */
async function silentUpstream() {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((s) => {
    accepted++;
    sockets.add(s);
    s.on("error", () => {});
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return { port: (server.address() as AddressInfo).port, accepted: () => accepted };
}

/** Envoy's cluster warming waits for the first health-check round: with this cluster it never ends. */
const warmingForever = (port: number) =>
  cluster("warming", [port], { health_checks: [{ timeout: "60s", interval: "60s", unhealthy_threshold: 1, healthy_threshold: 1, http_health_check: { path: "/healthz" } }] });

const answering = (body: string, port = 0) => listener("main", [{ match: { prefix: "/" }, direct_response: { status: 200, body: { inline_string: body } } }], { port });

function writeBootstrap(name: string, doc: unknown) {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, typeof doc === "string" ? doc : stringify(doc));
  return file;
}

async function adminReady(adminPort: number) {
  try {
    return (await request(adminPort, "/ready")).status === 200;
  } catch {
    return false; // not listening yet
  }
}

describe("a worker whose stderr reader is gone (the console that spawned it was killed)", () => {
  it("keeps serving, stays idle, counts the lines it drops in /stats and stops on SIGTERM", async () => {
    const controlPlane = await startConsole();
    const [adminPort, port] = [await freePort(), await freePort()];
    // -l debug: every reconnect attempt writes lines, so the worker keeps hitting the dead pipe
    const p = start(["--control-plane", controlPlane.url, "--admin-address", `127.0.0.1:${adminPort}`, "-l", "debug", "--drain-time-s", String(DRAIN_S)]);
    await waitFor(() => controlPlane.has("hello"), "hello", 30_000);
    controlPlane.snapshot("v1", { listeners: [answering("up", port)], clusters: [] });
    await waitFor(() => controlPlane.has("ack"), "ack");
    expect((await request(port, "/")).body).toBe("up");
    expect(await adminStat(adminPort, LOG_DROPPED_LINES_STAT)).toBe(0);

    // the read end of its stderr closes, then the console disappears: it logs the lost connection and
    // every reconnect attempt into a pipe nobody reads
    p.child.stderr!.destroy();
    await controlPlane.close();
    await waitFor(async () => ((await adminStat(adminPort, LOG_DROPPED_LINES_STAT)) ?? 0) > 0, "dropped lines to be counted");
    const droppedBefore = (await adminStat(adminPort, LOG_DROPPED_LINES_STAT))!;

    const cpuBefore = cpuSeconds(p.pid);
    await new Promise((r) => setTimeout(r, 5000));
    const cpuShare = (cpuSeconds(p.pid) - cpuBefore) / 5;
    expect(cpuShare).toBeLessThan(0.2);
    // it kept logging (reconnect attempts at 0.25, 0.75, 1.75, 3.75 s) and kept dropping, without spinning
    expect((await adminStat(adminPort, LOG_DROPPED_LINES_STAT))!).toBeGreaterThan(droppedBefore);
    expect((await request(port, "/")).body).toBe("up");
    expect(await adminReady(adminPort)).toBe(true);

    const { code, ms } = await signalAndTime(p);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(STOP_BUDGET_MS);
  });
});

describe("-l/--log-level and --log-path", () => {
  it("--help lists both; an invalid level exits 1 with one line naming the levels", async () => {
    const help = runCli(["--help"], { stdout: "pipe" });
    expect(await help.exited).toBe(0);
    expect(help.stdout()).toMatch(/-l, --log-level LEVEL .*trace, debug, info, warning \(or warn\), error, critical or off/);
    expect(help.stdout()).toContain("--log-path FILE");
    for (const args of [["-l", "chatty"], ["--log-level=chatty"]]) {
      const bad = runCli(["-c", "whatever.yaml", ...args]);
      expect(await bad.exited).toBe(1);
      expect(bad.stderr().trim().split("\n")).toHaveLength(1);
      expect(bad.stderr()).toMatch(/^proxy-core: (-l|--log-level) must be one of trace, debug, info, warn, error, critical, off .*got "chatty"/);
    }
  });

  it("-l error hides info lines, -l debug shows debug lines, --log-level=warning shows a refused reload", async () => {
    const run = async (name: string, level: string[]) => {
      const adminPort = await freePort();
      const file = writeBootstrap(name, { static_resources: { listeners: [answering(name)], clusters: [] } });
      const p = start(["-c", file, "--admin-address", `127.0.0.1:${adminPort}`, "--drain-time-s", String(DRAIN_S), ...level]);
      await waitFor(() => adminReady(adminPort), `${name} to be ready`, 30_000);
      return { p, file };
    };

    const quiet = await run("error.yaml", ["-l", "error"]);
    expect(await signalAndTime(quiet.p)).toMatchObject({ code: 0 });
    // not "started …", "SIGTERM: draining …" nor "stopped"
    expect(quiet.p.stderr()).toBe("");

    const chatty = await run("debug.yaml", ["-l", "debug"]);
    await waitFor(() => /proxy-core: started from /.test(chatty.p.stderr()), "the started line");
    expect(chatty.p.stderr()).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z proxy-core: \[debug\] loaded .*debug\.yaml \(file:[0-9a-f]{12}\)$/m);
    // info lines keep their format, without a level
    expect(chatty.p.stderr()).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z proxy-core: started from /m);

    const warn = await run("warning.yaml", ["--log-level=warning"]);
    writeBootstrap("warning.yaml", "static_resources: {listeners: [{name: x}]}\n");
    warn.p.child.kill("SIGHUP");
    await waitFor(() => /proxy-core: \[warning\] reload refused, keeping file:/.test(warn.p.stderr()), "the refusal at warning level");
    expect(warn.p.stderr()).not.toMatch(/started from/);
  });

  it("--log-path writes the log to the file instead of stderr", async () => {
    const adminPort = await freePort();
    const logFile = path.join(tmp, "worker.log");
    const file = writeBootstrap("logged.yaml", { static_resources: { listeners: [answering("logged")], clusters: [] } });
    const p = start(["-c", file, "--admin-address", `127.0.0.1:${adminPort}`, "--log-path", logFile, "--drain-time-s", String(DRAIN_S)]);
    await waitFor(() => fs.existsSync(logFile) && /proxy-core: started from /.test(fs.readFileSync(logFile, "utf8")), "the started line in the file", 30_000);
    expect(await signalAndTime(p)).toMatchObject({ code: 0 });
    expect(fs.readFileSync(logFile, "utf8")).toMatch(/proxy-core: stopped\n$/);
    expect(p.stderr()).toBe("");

    const unwritable = runCli(["-c", file, "--log-path", path.join(tmp, "no-such-dir", "x.log")]);
    expect(await unwritable.exited).toBe(1);
    expect(unwritable.stderr()).toMatch(/^proxy-core: cannot open --log-path .*: ENOENT$/m);
  });
});

describe("SIGTERM and SIGINT stop within the drain time plus the margin", () => {
  it.each(["SIGTERM", "SIGINT"] as const)("%s while reconnecting to a console that is gone", async (signal) => {
    const adminPort = await freePort();
    const url = `ws://127.0.0.1:${await deadPort()}/ws/worker`;
    const p = start(["--control-plane", url, "--admin-address", `127.0.0.1:${adminPort}`, "--drain-time-s", String(DRAIN_S)]);
    // the first failure is a warning, its repeats (every back-off step) are debug
    await waitFor(() => /proxy-core: \[warning\] control plane connection error: .*ECONNREFUSED/.test(p.stderr()), "a failed connection", 30_000);
    await new Promise((r) => setTimeout(r, 600)); // in the middle of the back-off
    expect((await request(adminPort, "/ready")).status).toBe(503); // no config yet
    const { code, ms } = await signalAndTime(p, signal);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(STOP_BUDGET_MS);
    expect(p.stderr().match(/\[warning\] control plane connection error/g)).toHaveLength(1);
  });

  it("-c while the first config is still warming (a health check that never answers)", async () => {
    const upstream = await silentUpstream();
    const file = writeBootstrap("warming.yaml", { static_resources: { listeners: [answering("never")], clusters: [warmingForever(upstream.port)] } });
    const p = start(["-c", file, "--drain-time-s", String(DRAIN_S)]);
    await waitFor(() => upstream.accepted() >= 1, "the first health check", 30_000);
    const { code, ms } = await signalAndTime(p);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(STOP_BUDGET_MS);
    expect(p.stderr()).not.toMatch(/cannot start|started from/);
  });

  it("--concurrency 2 mid-apply from a console: the primary and both workers are gone, the workers logged at -l debug", async () => {
    const upstream = await silentUpstream();
    const controlPlane = await startConsole();
    const p = start(["--control-plane", controlPlane.url, "--admin-address", "127.0.0.1:0", "--concurrency", "2", "-l", "debug", "--drain-time-s", String(DRAIN_S)]);
    await waitFor(() => controlPlane.has("hello"), "hello", 30_000);
    const workers = workerPids(p.pid);
    expect(workers).toHaveLength(2);
    // v1 is valid; both workers warm its cluster and wait for a health check that never answers
    controlPlane.snapshot("v1", { listeners: [answering("v1")], clusters: [warmingForever(upstream.port)] });
    await waitFor(() => upstream.accepted() >= 2, "a health check from each worker");
    expect(controlPlane.has("ack") || controlPlane.has("nack")).toBe(false);

    const { code, ms } = await signalAndTime(p);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(STOP_BUDGET_MS);
    // the primary waited for its workers: none outlives it
    await waitFor(() => [...p.seen, ...workers].every((c) => !alive(c)), "every child process to be gone", 2000);
    // forked with the same command line, the workers log at the same level (their debug lines)
    for (const w of workers) expect(p.stderr()).toMatch(new RegExp(`proxy-core: \\[debug\\] \\[worker ${w}\\] draining`));
    expect(p.stderr()).not.toMatch(/restarting it|did not stop within/);
  });

  it("a stop that never finishes is cut at the deadline: the process exits 1 even with work still scheduled", async () => {
    const script = path.join(tmp, "wedged.mts");
    const deadline = path.resolve(__dirname, "../../src/stop-deadline.ts");
    const logger = path.resolve(__dirname, "../../src/log/logger.ts");
    fs.writeFileSync(
      script,
      `import { armStopDeadline } from ${JSON.stringify(deadline)};\n` +
        `import { Logger } from ${JSON.stringify(logger)};\n` +
        // a wedged drain: a promise that never settles while a timer keeps the event loop alive
        `armStopDeadline(300, new Logger(), () => process.stderr.write("before exit\\n"));\n` +
        `setInterval(() => {}, 1000);\nvoid new Promise(() => {});\n`,
    );
    const child = spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    cleanups.push(() => void (child.exitCode === null && child.signalCode === null && child.kill("SIGKILL")));
    const [code] = await once(child, "exit");
    expect(code).toBe(1);
    expect(err).toMatch(/proxy-core: \[error\] did not stop within 300 ms \(drain time \+ margin\); exiting now\nbefore exit\n$/);
  });
});
