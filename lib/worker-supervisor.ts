// Runs the bundled proxy worker (proxy-core) as a child process and restarts it with back-off when it dies.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export interface WorkerOptions {
  controlPlane: string;
  nodeId: string;
  adminAddress: string;
  /** proxy-core --concurrency: a number or "auto" (one process per core) */
  concurrency?: string;
  token: string;
  root?: string;
  log?: (m: string) => void;
}

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;
const STABLE_AFTER_MS = 10_000;

export class WorkerSupervisor {
  private child: ChildProcess | null = null;
  private stopping = false;
  private backoff = MIN_BACKOFF_MS;
  private restartTimer: NodeJS.Timeout | null = null;

  constructor(private readonly o: WorkerOptions) {}

  private log(m: string) {
    (this.o.log ?? ((s: string) => console.log(s)))(`[worker] ${m}`);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.stopping) return;
    const root = this.o.root ?? process.cwd();
    const bin = path.join(root, "proxy-core", "bin", "proxy-core.mjs");
    const args = [bin, "--control-plane", this.o.controlPlane, "--node-id", this.o.nodeId, "--admin-address", this.o.adminAddress];
    if (this.o.concurrency) args.push("--concurrency", this.o.concurrency);
    const startedAt = Date.now();
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, PROXY_CORE_TOKEN: this.o.token, NODE_ENV: process.env.NODE_ENV },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    const prefix = (chunk: Buffer, stream: NodeJS.WriteStream) => {
      for (const line of chunk.toString().split("\n")) if (line.trim()) stream.write(`[worker ${this.o.nodeId}] ${line}\n`);
    };
    child.stdout?.on("data", (c: Buffer) => prefix(c, process.stdout));
    child.stderr?.on("data", (c: Buffer) => prefix(c, process.stderr));
    child.on("error", (e) => this.log(`failed to start: ${e.message}`));
    child.on("exit", (code, signal) => {
      if (this.child === child) this.child = null;
      if (this.stopping) return;
      if (Date.now() - startedAt > STABLE_AFTER_MS) this.backoff = MIN_BACKOFF_MS;
      this.log(`exited (${signal ?? `code ${code}`}); restarting in ${this.backoff} ms`);
      this.restartTimer = setTimeout(() => this.start(), this.backoff);
      this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
    });
    this.log(`started pid ${child.pid}`);
  }

  /** SIGTERM the child by PID, SIGKILL after `graceMs`. */
  async stop(graceMs = 6000): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        try {
          if (child.pid) process.kill(child.pid, "SIGKILL");
        } catch {
          /* already gone */
        }
      }, graceMs);
      child.once("exit", () => {
        clearTimeout(t);
        resolve();
      });
      try {
        if (child.pid) process.kill(child.pid, "SIGTERM");
      } catch {
        clearTimeout(t);
        resolve();
      }
    });
  }
}
