// The real console (node --import tsx server.ts, production build) with its bundled worker, started on free
// ports with its own data dir. Shared by the integration tests and the e2e fixtures. The console runs in its
// own process group, and the worker in another one (it outlives a console that dies): a stop that has to force
// the console kills its group, then the worker named by <data dir>/worker.pid; all by PID.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { freePort } from "../../proxy-core/test/kit/ports";
import { isAlive, killGroup } from "../../proxy-core/test/kit/processes";
import { sleep, waitFor, type WaitDiagnosis, type WaitOptions } from "../../proxy-core/test/kit/wait";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");

/** A port for the console or its worker to bind: outside the ephemeral range, never handed out twice at once (proxy-core/test/kit/ports.ts). */
export { freePort };

/** Whether a pid runs, zombies excluded (proxy-core/test/kit/processes.ts). */
export { isAlive };

/** The test kit's poll (proxy-core/test/kit/wait.ts): `waitFor(what, fn, timeoutMs | options, everyMs, why)`. */
export { sleep, waitFor, type WaitDiagnosis, type WaitOptions };

/** The last `n` lines of `text`, under a header naming them. */
export function tail(name: string, text: string, n = 40): string {
  const lines = text.trimEnd().split("\n");
  return `--- ${name} (last ${Math.min(n, lines.length)} of ${lines.length} lines) ---\n${lines.slice(-n).join("\n")}`;
}

export function assertBuilt(root = ROOT) {
  if (!fs.existsSync(path.join(root, ".next", "BUILD_ID")))
    throw new Error(`no production build in ${root}/.next: run \`npx tsx scripts/ensure-build.ts\` first (npm test does it)`);
}

export interface ConsoleOpts {
  dataDir: string;
  port: number;
  token: string;
  starterPort: number;
  workerAdminPort: number;
  /** the first admin account, created at start (SIGNALBOX_ADMIN_EMAIL / SIGNALBOX_ADMIN_PASSWORD); none: /setup */
  admin?: { email: string; password: string };
  env?: Record<string, string>;
  /** the checkout to run (default: this one) */
  root?: string;
}

export class ConsoleProcess {
  proc: ChildProcess | null = null;
  log = "";
  constructor(readonly o: ConsoleOpts) {}

  get base() {
    return `http://127.0.0.1:${this.o.port}`;
  }

  get running() {
    const p = this.proc;
    return p !== null && p.exitCode === null && p.signalCode === null;
  }

  async start(timeoutMs = 45_000): Promise<void> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(this.o.port),
      HOST: "127.0.0.1",
      SIGNALBOX_DATA_DIR: this.o.dataDir,
      DATABASE_URL: "file:" + path.join(this.o.dataDir, "signalbox.db"),
      SIGNALBOX_ADMIN_TOKEN: this.o.token,
      SIGNALBOX_STARTER_LISTENER: `127.0.0.1:${this.o.starterPort}`,
      SIGNALBOX_WORKER_ADMIN: `127.0.0.1:${this.o.workerAdminPort}`,
      // the rule for tests: one worker process (production defaults to one per core)
      SIGNALBOX_WORKER_CONCURRENCY: "1",
      ...(this.o.admin ? { SIGNALBOX_ADMIN_EMAIL: this.o.admin.email, SIGNALBOX_ADMIN_PASSWORD: this.o.admin.password } : {}),
      ...this.o.env,
    };
    const p = spawn(process.execPath, ["--import", "tsx", "server.ts"], { cwd: this.o.root ?? ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    this.proc = p;
    this.log = "";
    p.stdout!.on("data", (c) => (this.log += c.toString()));
    p.stderr!.on("data", (c) => (this.log += c.toString()));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (p.exitCode !== null) throw new Error(`console exited (${p.exitCode}):\n${this.log}`);
      if (this.log.includes("Signalbox console ready")) return;
      await sleep(50);
    }
    throw new Error(`console did not start in ${timeoutMs} ms:\n${this.log}`);
  }

  /**
   * What the console says about its worker now, for a wait that failed: GET /api/worker (the process: state,
   * restarts, its last error line), GET /api/nodes (each node's connection, applied version, state and the reason
   * of its last NACK, e.g. a listener that could not bind) and the tail of the console's output, which carries the
   * worker's own lines. Never throws: what cannot be read says why.
   */
  async diagnosis(): Promise<string> {
    const get = async (p: string) => {
      if (!this.running) return "(the console is not running)";
      try {
        const r = await fetch(this.base + p, { headers: { authorization: `Bearer ${this.o.token}` }, signal: AbortSignal.timeout(3000) });
        return `HTTP ${r.status} ${(await r.text()).slice(0, 2000)}`;
      } catch (e) {
        return `(no answer: ${(e as Error).message})`;
      }
    };
    const [worker, nodes] = await Promise.all([get("/api/worker"), get("/api/nodes")]);
    const exit = this.proc && !this.running ? `console exited (${this.proc.exitCode ?? this.proc.signalCode})\n` : "";
    return `${exit}GET /api/worker: ${worker}\nGET /api/nodes: ${nodes}\n${tail("console output", this.log)}`;
  }

  /**
   * waitFor for something the console or its worker should bring about: a console that exits ends the wait at
   * once, and either way the error carries what diagnosis() found.
   */
  until<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 15_000, everyMs = 50): Promise<T> {
    return waitFor(what, fn, timeoutMs, everyMs, {
      diagnose: () => this.diagnosis(),
      giveUp: () => (this.running ? null : "the console exited"),
    });
  }

  /** SIGTERM by PID and wait for the exit; after `graceMs` the whole process group is killed, and a worker left
   *  running (it should not be) is killed by the pid in its pid file. Returns the exit code. */
  async stop(graceMs = 15_000): Promise<number | null> {
    const p = this.proc;
    let code = p?.exitCode ?? null;
    if (p && this.running) {
      const exited = new Promise<number | null>((r) => p.once("exit", (c) => r(c)));
      process.kill(p.pid!, "SIGTERM");
      const t = setTimeout(() => killGroup(p.pid!), graceMs);
      code = await exited;
      clearTimeout(t);
      killGroup(p.pid!);
    }
    await killLeftoverWorker(this.o.dataDir);
    return code;
  }

  /** SIGKILL of the console's own pid only (not its group): what `kill -9` of the server does. */
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || !this.running) return;
    const exited = new Promise<void>((r) => p.once("exit", () => r()));
    process.kill(p.pid!, "SIGKILL");
    await exited;
  }
}

/** The bundled worker's pid as <data dir>/worker.pid records it, or null. */
export function workerPidOf(dataDir: string): number | null {
  try {
    const pid = (JSON.parse(fs.readFileSync(path.join(dataDir, "worker.pid"), "utf8")) as { pid?: unknown }).pid;
    return typeof pid === "number" ? pid : null;
  } catch {
    return null;
  }
}

/** SIGKILLs the worker named by the data dir's pid file if it still runs proxy-core (a test started it), and waits. */
export async function killLeftoverWorker(dataDir: string): Promise<void> {
  const pid = workerPidOf(dataDir);
  if (pid === null || !isAlive(pid)) return;
  let cmdline = "";
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    /* no /proc: trust the pid file */
  }
  if (cmdline && !cmdline.includes("proxy-core.mjs")) return;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    return;
  }
  await waitFor(`worker pid ${pid} to exit`, async () => !isAlive(pid), 5000, 50).catch(() => {});
}
