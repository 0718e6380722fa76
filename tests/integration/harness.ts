// Test harness: the real console (node --import tsx server.ts, production build) with its bundled worker,
// real node:http upstreams, free ports, and a small API client. Every process is killed by PID.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export function assertBuilt() {
  if (!fs.existsSync(path.join(ROOT, ".next", "BUILD_ID")))
    throw new Error("no production build: run `npx tsx scripts/ensure-build.ts` first (npm test does it)");
}

export interface ConsoleOpts {
  dataDir: string;
  port: number;
  token: string;
  starterPort: number;
  workerAdminPort: number;
  env?: Record<string, string>;
}

export class ConsoleProcess {
  proc: ChildProcess | null = null;
  log = "";
  constructor(readonly o: ConsoleOpts) {}

  get base() {
    return `http://127.0.0.1:${this.o.port}`;
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
      ...this.o.env,
    };
    const p = spawn(process.execPath, ["--import", "tsx", "server.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
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

  /** SIGTERM by PID and wait for the exit (SIGKILL after `graceMs`). Returns the exit code. */
  async stop(graceMs = 15_000): Promise<number | null> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return p?.exitCode ?? null;
    const exited = new Promise<number | null>((r) => p.once("exit", (code) => r(code)));
    process.kill(p.pid!, "SIGTERM");
    const t = setTimeout(() => p.pid && process.kill(p.pid, "SIGKILL"), graceMs);
    const code = await exited;
    clearTimeout(t);
    return code;
  }
}

export async function startUpstream(name: string): Promise<{ port: number; server: http.Server; hits: string[] }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? "");
    res.setHeader("content-type", "text/plain");
    res.end(`${name} ${req.url}`);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { port: (server.address() as net.AddressInfo).port, server, hits };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function tmpDir(prefix: string) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function api(base: string, token: string | null) {
  return async (method: string, p: string, body?: unknown, headers: Record<string, string> = {}) => {
    const h: Record<string, string> = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === "string" ? body : JSON.stringify(body);
      h["content-type"] ??= "application/json";
    }
    const r = await fetch(base + p, { method, headers: h, body: payload });
    const text = await r.text();
    let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: r.status, json, text, headers: r.headers };
  };
}

/** GET through the proxy; resolves with status and body (no keep-alive, so each request is independent). */
export function get(port: number, p: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: p, agent: false }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.setTimeout(5000, () => req.destroy(new Error("timeout")));
  });
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 15_000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
}
