// A real PostgreSQL 15 server for a test: initdb into a temp dir, the postmaster started in the foreground as a
// child of this process (in its own process group) on a port from the shared allocator, Unix socket in the same
// temp dir, trust auth on 127.0.0.1 only. PostgreSQL refuses to run as root ("root" execution of the PostgreSQL
// server is not permitted), so under root both initdb and postgres run as the `postgres` system user (runuser).
// Stopped by PID: SIGINT to the postmaster is its "fast shutdown" (PostgreSQL docs, "Shutting Down the Server"),
// then SIGKILL to the group if it has not gone after a few seconds.
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
  /** the server's output so far, for a failure message */
  log(): string;
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
  // fsync=off: a test database need not survive a power cut, and it keeps the 2-core machine's disk quiet
  const [cmd, args] = run("postgres", ["-D", dataDir, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]);
  const proc: ChildProcess = spawn(cmd, args, { detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  proc.stdout!.on("data", (c) => (log += c.toString()));
  proc.stderr!.on("data", (c) => (log += c.toString()));

  const url = (database: string) => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  const query = async (sql: string) => {
    const c = new pg.Client({ connectionString: url("postgres") });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };

  const stop = async () => {
    // the postmaster's pid is the first line of postmaster.pid (runuser is its parent when we run as root)
    let pid: number | null = null;
    try {
      pid = Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    } catch {
      /* never got that far */
    }
    if (pid && isAlive(pid)) {
      process.kill(pid, "SIGINT");
      for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(50);
    }
    if (proc.pid) killGroup(proc.pid);
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null) {
      await stop();
      throw new Error(`postgres exited (${proc.exitCode}):\n${log}`);
    }
    try {
      await query("SELECT 1");
      break;
    } catch (e) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`postgres did not accept connections in 20 s (${(e as Error).message}):\n${log}`);
      }
      await sleep(100);
    }
  }

  return {
    port,
    url,
    log: () => log,
    stop,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name ${name}: lowercase letters, digits and _ only`);
      await query(`CREATE DATABASE "${name}"`);
      return url(name);
    },
  };
}
