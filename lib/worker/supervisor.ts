// Keeps exactly one bundled proxy worker (proxy-core) per data directory. On start it adopts the worker a
// previous console left running (locate.ts), else spawns one in its own process group with stdout and stderr in
// <data dir>/worker.log; it restarts the worker with back-off when it dies and reports its state (GET /api/worker).
// A console that dies leaves the worker serving the last good version and retrying the control plane; a console
// that stops (stop(): SIGINT, SIGTERM, SIGHUP) stops it by PID, owned or adopted, since it no longer shares the
// console's process group. The worker keeps the last version it applied in <data dir>/worker-cache (proxy-core
// --cache-dir), so a worker (re)started while the console is down serves that version instead of nothing.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { probeServerInfo } from "./admin-probe";
import { locateWorker, type DesiredWorker } from "./locate";
import { LogTail, logFilePath, openLogForSpawn } from "./log-file";
import { pidFilePath, removeWorkerRecord, tokenFingerprint, writeWorkerRecord, type WorkerRecord } from "./pid-file";
import { isAlive, processStartTicks, terminate } from "./processes";
import type { BundledWorkerSource } from "./registry";
import type { BundledWorkerState, BundledWorkerStatus } from "./status";

export interface WorkerOptions {
  controlPlane: string;
  nodeId: string;
  adminAddress: string;
  /** proxy-core --concurrency: a number or "auto" (one process per core) */
  concurrency?: string;
  token: string;
  /** holds worker.pid, worker.log and worker-cache/ */
  dataDir: string;
  /**
   * the worker's --cache-dir, where it keeps the last version it applied and serves it from when it starts while
   * the console is down (default <dataDir>/worker-cache; null: none)
   */
  cacheDir?: string | null;
  /** the checkout holding proxy-core/ (default: cwd) */
  root?: string;
  /** the supervisor's own messages */
  log?: (m: string) => void;
  /** each line the worker logs, prefixed with its node id */
  output?: (line: string) => void;
}

/** The bundled worker's --cache-dir: absolute, as the worker runs in the checkout, not the console's cwd. */
export function workerCacheDir(dataDir: string): string {
  return path.resolve(dataDir, "worker-cache");
}

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;
/** a worker that ran this long before dying is restarted at the shortest back-off again */
const STABLE_AFTER_MS = 10_000;
const HEALTH_EVERY_MS = 250;
const WATCH_EVERY_MS = 500;
/** the worker drains for up to 5 s (--drain-time-s) and forces itself out 2 s later: SIGKILL only after that */
const STOP_GRACE_MS = 8000;
/** log lines that report a failure: the worker's own wording ("cannot bind admin …", "unexpected error …") or an errno code */
const FAILURE_WORDS = /\b(error|cannot|could not|fail(s|ed|ure)?|refused|unexpected|denied)\b/i;
const ERRNO_CODE = /\bE[A-Z]{3,}\b/;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class WorkerSupervisor implements BundledWorkerSource {
  readonly pidFile: string;
  readonly logFile: string;
  #state: BundledWorkerState = "stopped";
  #since = new Date();
  #pid: number | null = null;
  #startedAt: Date | null = null;
  #child: ChildProcess | null = null;
  /** until the spawned worker answers on its admin: its health probe; for an adopted worker: its liveness poll */
  #watch: NodeJS.Timeout | null = null;
  #restartTimer: NodeJS.Timeout | null = null;
  #nextAttemptAt: Date | null = null;
  #restarts = 0;
  #backoff = MIN_BACKOFF_MS;
  #lastExit: BundledWorkerStatus["lastExit"] = null;
  #lastError: BundledWorkerStatus["lastError"] = null;
  /** whether the current process logged a failure line (else its exit is described as the error) */
  #runLoggedFailure = false;
  #stopping = false;
  #starting: Promise<void> | null = null;
  readonly #tail: LogTail;

  constructor(private readonly o: WorkerOptions) {
    this.pidFile = pidFilePath(o.dataDir);
    this.logFile = logFilePath(o.dataDir);
    this.#tail = new LogTail(this.logFile, (line) => this.#onWorkerLine(line));
  }

  private log(m: string) {
    (this.o.log ?? ((s: string) => console.log(s)))(`[worker] ${m}`);
  }

  get pid(): number | undefined {
    return this.#pid ?? undefined;
  }

  status(): BundledWorkerStatus {
    return {
      state: this.#state,
      nodeId: this.o.nodeId,
      pid: this.#pid,
      adminAddress: this.o.adminAddress,
      startedAt: this.#startedAt?.toISOString() ?? null,
      since: this.#since.toISOString(),
      restarts: this.#restarts,
      lastExit: this.#lastExit,
      lastError: this.#lastError,
      nextAttemptAt: this.#nextAttemptAt?.toISOString() ?? null,
      logFile: this.logFile,
    };
  }

  /** Adopts the worker left running on this data directory, or starts one. Resolves once either happened. */
  start(): Promise<void> {
    this.#stopping = false;
    this.#starting = this.#locateThenRun().finally(() => (this.#starting = null));
    return this.#starting;
  }

  async #locateThenRun(): Promise<void> {
    this.#setState("starting");
    const found = await locateWorker(this.pidFile, this.#desired());
    if (this.#stopping) return;
    if (found.action === "adopt") return this.#adopt(found.record, found.via);
    if (found.action === "replace") {
      this.log(`replacing the running worker: ${found.reason}`);
      if (found.wedged) this.#lastError = { at: new Date().toISOString(), line: found.reason };
      const how = await terminate(found.pid, STOP_GRACE_MS);
      if (how === "survived") this.log(`pid ${found.pid} survived SIGKILL; the new worker may not be able to bind its ports`);
      if (this.#stopping) return;
    } else if (found.reason) this.log(`${found.reason}; starting a new worker`);
    this.#spawn();
  }

  /** Stops the worker by PID (SIGTERM, then SIGKILL after `graceMs`), whether this console started it or adopted it. */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    this.#stopping = true;
    // a start still deciding (or replacing a wedged worker) returns without spawning once it sees #stopping
    await this.#starting;
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    this.#clearWatch();
    this.#restartTimer = null;
    this.#nextAttemptAt = null;
    const pid = this.#pid;
    if (pid !== null) {
      const how = await terminate(pid, graceMs);
      if (how === "killed") this.log(`pid ${pid} did not stop within ${graceMs} ms: killed`);
      if (how === "survived") this.log(`pid ${pid} survived SIGKILL`);
      else removeWorkerRecord(this.pidFile, pid);
    }
    this.#child = null;
    this.#pid = null;
    this.#tail.stop();
    this.#setState("stopped");
  }

  #desired(): DesiredWorker {
    const bin = path.join(this.o.root ?? process.cwd(), "proxy-core", "bin", "proxy-core.mjs");
    const flags = ["--control-plane", this.o.controlPlane, "--node-id", this.o.nodeId, "--admin-address", this.o.adminAddress];
    if (this.o.concurrency) flags.push("--concurrency", this.o.concurrency);
    const cacheDir = this.o.cacheDir === undefined ? workerCacheDir(this.o.dataDir) : this.o.cacheDir;
    if (cacheDir !== null) flags.push("--cache-dir", cacheDir);
    return { nodeId: this.o.nodeId, adminAddress: this.o.adminAddress, commandLine: [process.execPath, bin, ...flags], tokenFingerprint: tokenFingerprint(this.o.token) };
  }

  #setState(s: BundledWorkerState) {
    if (s === this.#state) return;
    this.#state = s;
    this.#since = new Date();
  }

  #clearWatch() {
    if (this.#watch) clearInterval(this.#watch);
    this.#watch = null;
  }

  #onWorkerLine(line: string) {
    (this.o.output ?? ((l: string) => process.stdout.write(l + "\n")))(`[worker ${this.o.nodeId}] ${line}`);
    if (FAILURE_WORDS.test(line) || ERRNO_CODE.test(line)) this.#failed(line.trim());
  }

  #failed(line: string) {
    this.#runLoggedFailure = true;
    this.#lastError = { at: new Date().toISOString(), line };
  }

  #spawn() {
    const want = this.#desired();
    const [exe, ...args] = want.commandLine;
    if (this.#state === "restarting") this.#restarts++;
    else this.#setState("starting");
    this.#runLoggedFailure = false;
    let child: ChildProcess;
    try {
      const { fd, offset } = openLogForSpawn(this.logFile);
      this.#tail.start(offset);
      try {
        // own process group and session: the worker outlives a console that dies, and a terminal's Ctrl-C or
        // hang-up reaches the console alone, which then stops the worker itself
        child = spawn(exe, args, {
          cwd: this.o.root ?? process.cwd(),
          env: { ...process.env, PROXY_CORE_TOKEN: this.o.token, NODE_ENV: process.env.NODE_ENV },
          stdio: ["ignore", fd, fd],
          detached: true,
        });
      } finally {
        fs.closeSync(fd);
      }
    } catch (e) {
      this.#failed(`cannot start the worker: ${(e as Error).message}`);
      this.#onGone({ code: null, signal: null }, Date.now());
      return;
    }
    const startedAt = Date.now();
    this.#child = child;
    this.#pid = child.pid ?? null;
    this.#startedAt = new Date(startedAt);
    child.on("error", (e) => {
      this.#failed(`cannot start the worker: ${e.message}`);
      if (child.pid === undefined && this.#child === child) this.#onGone({ code: null, signal: null }, startedAt);
    });
    child.on("exit", (code, signal) => {
      if (this.#child === child) this.#onGone({ code, signal }, startedAt);
    });
    if (!this.#pid) return;
    const record: WorkerRecord = {
      pid: this.#pid,
      nodeId: this.o.nodeId,
      adminAddress: this.o.adminAddress,
      startedAt: this.#startedAt.toISOString(),
      procStart: processStartTicks(this.#pid),
      commandLine: want.commandLine,
      tokenFingerprint: want.tokenFingerprint,
    };
    this.#writeRecord(record);
    this.log(`started pid ${this.#pid} (log: ${this.logFile})`);
    this.#watchHealth(child, startedAt);
  }

  /** "running" once the admin answers as our node, with an uptime no longer than this process has lived (not another one's). */
  #watchHealth(child: ChildProcess, startedAt: number) {
    let probing = false;
    this.#watch = setInterval(() => {
      if (probing) return;
      probing = true;
      void probeServerInfo(this.o.adminAddress, 1000).then((info) => {
        probing = false;
        if (this.#child !== child || !info || info.nodeId !== this.o.nodeId) return;
        if (info.uptimeS > (Date.now() - startedAt) / 1000 + 2) return;
        this.#clearWatch();
        if (this.#state === "restarting") this.log(`pid ${child.pid} is up again`);
        this.#setState("running");
      });
    }, HEALTH_EVERY_MS);
    this.#watch.unref();
  }

  #adopt(record: WorkerRecord, via: "pid file" | "process list") {
    this.#child = null;
    this.#pid = record.pid;
    this.#startedAt = new Date(record.startedAt);
    if (via === "process list") this.#writeRecord(record);
    // only what it writes from now on: its earlier output was shown by the console that started it
    this.#tail.start();
    this.#setState("adopted");
    this.log(`adopted the running worker pid ${record.pid} (started ${record.startedAt}, found by its ${via}; log: ${this.logFile})`);
    // not our child, so no 'exit' event: poll; a changed start time means the pid now names another process
    this.#watch = setInterval(() => {
      const start = processStartTicks(record.pid);
      const reused = record.procStart !== null && start !== null && start !== record.procStart;
      if (!isAlive(record.pid) || reused) this.#onGone({ code: null, signal: null }, this.#startedAt?.getTime() ?? 0);
    }, WATCH_EVERY_MS);
    this.#watch.unref();
  }

  #onGone(exit: Exit, startedAt: number) {
    this.#clearWatch();
    this.#tail.drain();
    const pid = this.#pid;
    const adopted = this.#child === null && pid !== null;
    this.#child = null;
    this.#pid = null;
    const now = new Date();
    this.#lastExit = { at: now.toISOString(), code: exit.code, signal: exit.signal };
    if (pid !== null) removeWorkerRecord(this.pidFile, pid);
    if (this.#stopping) return this.#setState("stopped");
    const how = exit.code !== null ? `code ${exit.code}` : exit.signal ? exit.signal : adopted ? "exit status unknown: not our child" : "did not start";
    if (!this.#runLoggedFailure && (exit.code !== 0 || adopted))
      this.#lastError = { at: now.toISOString(), line: `${pid !== null ? `pid ${pid} ` : ""}exited (${how}) without logging an error` };
    if (Date.now() - startedAt > STABLE_AFTER_MS) this.#backoff = MIN_BACKOFF_MS;
    const delay = this.#backoff;
    this.#backoff = Math.min(this.#backoff * 2, MAX_BACKOFF_MS);
    this.#setState("restarting");
    this.#nextAttemptAt = new Date(now.getTime() + delay);
    this.log(`${pid !== null ? `pid ${pid} ` : "worker "}exited (${how}); starting it again in ${delay} ms`);
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = null;
      this.#nextAttemptAt = null;
      this.#spawn();
    }, delay);
  }

  #writeRecord(record: WorkerRecord) {
    try {
      writeWorkerRecord(this.pidFile, record);
    } catch (e) {
      this.log(`cannot write ${this.pidFile} (a console started later will not find this worker): ${(e as Error).message}`);
    }
  }
}
