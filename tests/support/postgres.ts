// A real PostgreSQL 15 server for a test: initdb into a temp dir, the postmaster started in the foreground as a
// child of this process (in its own process group) on a port from the shared allocator, Unix socket in the same
// temp dir, trust auth on 127.0.0.1 only. PostgreSQL refuses to run as root ("root" execution of the PostgreSQL
// server is not permitted), so under root both initdb and postgres run as the `postgres` system user (runuser).
// Stopped by PID: SIGINT to the postmaster is its "fast shutdown" (PostgreSQL docs, "Shutting Down the Server"),
// then SIGKILL to the group if it has not gone after a few seconds. restart() does that fast shutdown and starts
// the server again on the same data dir and port: every client connection is cut, as a database failover does.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "../../proxy-core/test/kit/ports";
import { isAlive, killGroup } from "../../proxy-core/test/kit/processes";
import { sleep } from "../../proxy-core/test/kit/wait";

/** Where Debian's postgresql-15 package puts the server binaries; PG_BIN overrides. */
export const PG_BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

/** Why PostgreSQL cannot be started here, or null when it can (a test skips with this reason). */
export function postgresUnavailable(): string | null {
  for (const b of ["initdb", "postgres"]) if (!fs.existsSync(path.join(PG_BIN, b))) return `no ${b} in ${PG_BIN} (set PG_BIN)`;
  if (process.getuid?.() === 0) {
    try {
      execFileSync("id", ["-u", "postgres"], { stdio: "ignore" });
    } catch {
      return "running as root and there is no `postgres` system user to run the server as";
    }
  }
  return null;
}

export interface PostgresServer {
  port: number;
  /** postgresql://postgres@127.0.0.1:<port>/<database> */
  url(database: string): string;
  /** CREATE DATABASE; returns its URL */
  createDatabase(name: string): Promise<string>;
  /** one statement on `database` through a fresh connection; its rows */
  query<T = Record<string, unknown>>(database: string, sql: string, params?: unknown[]): Promise<T[]>;
  /** the server's output so far, for a failure message */
  log(): string;
  /** fast shutdown (every session cut), then the server started again on the same data dir and port, accepting connections */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<PostgresServer> {
  const why = postgresUnavailable();
  if (why) throw new Error(why);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-pg-"));
  const dataDir = path.join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  const pgUid = asRoot ? Number(execFileSync("id", ["-u", "postgres"]).toString().trim()) : undefined;
  const pgGid = asRoot ? Number(execFileSync("id", ["-g", "postgres"]).toString().trim()) : undefined;
  if (pgUid !== undefined && pgGid !== undefined) fs.chownSync(dir, pgUid, pgGid);
  const run = (bin: string, args: string[]): [string, string[]] =>
    asRoot ? ["runuser", ["-u", "postgres", "--", path.join(PG_BIN, bin), ...args]] : [path.join(PG_BIN, bin), args];

  const [initCmd, initArgs] = run("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
  execFileSync(initCmd, initArgs, { stdio: "pipe" });

  const port = await freePort();
  const url = (database: string) => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  const query = async <T>(database: string, sql: string, params?: unknown[]): Promise<T[]> => {
    const c = new pg.Client({ connectionString: url(database) });
    await c.connect();
    try {
      return (await c.query(sql, params)).rows as T[];
    } finally {
      await c.end();
    }
  };

  let log = "";
  let proc: ChildProcess | null = null;
  // fsync=off: a test database need not survive a power cut, and it keeps the 2-core machine's disk quiet
  const [cmd, args] = run("postgres", ["-D", dataDir, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]);

  /** Fast shutdown of the running server (SIGINT to the postmaster), SIGKILL to its group if it lingers. */
  const halt = async () => {
    // the postmaster's pid is the first line of postmaster.pid (runuser is its parent when we run as root)
    let pid: number | null = null;
    try {
      pid = Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    } catch {
      /* never got that far, or already shut down (the file goes with the server) */
    }
    if (pid && isAlive(pid)) {
      process.kill(pid, "SIGINT");
      for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(50);
    }
    const p = proc;
    if (p?.pid) {
      if (p.exitCode === null && p.signalCode === null) await Promise.race([new Promise((r) => p.once("exit", r)), sleep(2000)]);
      killGroup(p.pid);
    }
  };

  const stop = async () => {
    await halt();
    fs.rmSync(dir, { recursive: true, force: true });
  };

  /** Starts the postmaster on the data dir and waits until it accepts connections. */
  const launch = async () => {
    const p = spawn(cmd, args, { detached: true, stdio: ["ignore", "pipe", "pipe"] });
    proc = p;
    p.stdout!.on("data", (c) => (log += c.toString()));
    p.stderr!.on("data", (c) => (log += c.toString()));
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (p.exitCode !== null) {
        await stop();
        throw new Error(`postgres exited (${p.exitCode}):\n${log}`);
      }
      try {
        await query("postgres", "SELECT 1");
        return;
      } catch (e) {
        if (Date.now() > deadline) {
          await stop();
          throw new Error(`postgres did not accept connections in 20 s (${(e as Error).message}):\n${log}`);
        }
        await sleep(100);
      }
    }
  };

  await launch();

  return {
    port,
    url,
    query,
    log: () => log,
    stop,
    async restart() {
      await halt();
      await launch();
    },
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name ${name}: lowercase letters, digits and _ only`);
      await query("postgres", `CREATE DATABASE "${name}"`);
      return url(name);
    },
  };
}
