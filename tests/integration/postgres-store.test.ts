// The console on PostgreSQL (DATABASE_URL=postgresql://…): a real PostgreSQL 15 (tests/support/postgres.ts), the
// real console and its bundled worker. Migrated on start from prisma/postgres/migrations, the first-run setup and
// the bootstrap token, a draft edit, a publish the worker applies and serves, the version list, the migration history
// against the schema, a second console on the same database (nothing left to migrate, everything still there), and
// its store moved to a fresh SQLite store and back to a fresh PostgreSQL database through backup and restore.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import type { z } from "zod";
import * as C from "../../lib/contract";
import { Session, SetupState } from "../../lib/contract/session";
import { bootstrap, cluster, listener, prefixRoute } from "../../lib/config/test-fixtures";
import { migrate } from "../../lib/migrate";
import { postgresUnavailable, startPostgres, type PostgresServer } from "../support/postgres";
import { api, ConsoleProcess, freePort, get, parsed, ROOT, startTestConsole, startUpstream, type Upstream } from "./harness";

const unavailable = postgresUnavailable();
if (unavailable) console.log(`[postgres-store] skipped: ${unavailable}`);

const TOKEN = "pg-token-" + Math.random().toString(36).slice(2);
const ADMIN = { email: "root@pg.test", name: "Root", password: "correct horse battery" };

let server: PostgresServer;
let url: string;
let consoleProc: ConsoleProcess;
let dataDir: string;
let upstream: Upstream;
let listenerPort: number;
let starterPort: number;
let workerAdminPort: number;

async function sql<T>(text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows as T[];
  } finally {
    await c.end();
  }
}

const appliedMigrations = () =>
  sql<{ migration_name: string; finished_at: Date | null }>(`SELECT migration_name, finished_at FROM "_prisma_migrations" ORDER BY migration_name`);

const postgresMigrations = () =>
  fs.readdirSync(path.join(ROOT, "prisma", "postgres", "migrations"), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

const config = () => bootstrap([listener("main", listenerPort, [prefixRoute("/pg", "backend")])], [cluster("backend", [upstream.port])]);

async function localApplies(call: ReturnType<typeof api>, versionId: string) {
  await consoleProc.until(`node local to apply ${versionId}`, async () => {
    const nodes = await call.as(C.NodeList, "GET", "/api/nodes");
    return nodes.find((n) => n.id === "local")?.appliedVersion === versionId;
  }, 30_000);
}

describe.skipIf(unavailable !== null)("console on PostgreSQL", () => {
  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase("signalbox");
    upstream = await startUpstream("pg-up");
    [listenerPort, starterPort, workerAdminPort] = [await freePort(), await freePort(), await freePort()];
    ({ proc: consoleProc, dataDir } = await startTestConsole("signalbox-pg-it-", TOKEN, { starterPort, workerAdminPort, env: { DATABASE_URL: url } }));
  }, 90_000);

  afterAll(async () => {
    await consoleProc?.stop();
    upstream?.server.close();
    await server?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("migrates the empty database on start: every migration of prisma/postgres/migrations applied, no SQLite file", async () => {
    const applied = await appliedMigrations();
    expect(applied.map((m) => m.migration_name)).toEqual(postgresMigrations());
    expect(applied.every((m) => m.finished_at !== null)).toBe(true);
    expect(fs.existsSync(path.join(dataDir, "signalbox.db"))).toBe(false);
    // the password-free URL is what the console logs
    expect(consoleProc.log).toContain(`[db] ${url}`);
  });

  it("leaves nothing between the migration history and prisma/postgres/schema.prisma (the derived schema)", async () => {
    const r = await migrate("diff", "check", { root: ROOT, databaseUrl: url, log: () => {} });
    expect(r.script).toBeUndefined();
    expect(r.applied).toEqual([]);
  });

  it("runs the first-run setup: one admin account, signed in with a session", async () => {
    const anon = api(consoleProc.base, null);
    expect(await anon.as(SetupState, "GET", "/api/setup")).toEqual({ needed: true });
    const r = await anon("POST", "/api/setup", ADMIN);
    expect(r.status, r.text).toBe(201);
    expect(parsed(r, Session)).toMatchObject({ kind: "user", role: "admin" });
    expect(await anon.as(SetupState, "GET", "/api/setup")).toEqual({ needed: false });
    const signIn = await anon("POST", "/api/session", { email: ADMIN.email, password: ADMIN.password });
    expect(signIn.status, signIn.text).toBe(200);
    const users = await sql<{ email: string; role: string }>(`SELECT email, role FROM "User"`);
    expect(users).toEqual([{ email: ADMIN.email, role: "admin" }]);
  });

  it("publishes the starter version, then a draft edit: the worker applies it and serves the route", async () => {
    const call = api(consoleProc.base, TOKEN);
    const [starter] = await call.as(C.VersionList, "GET", "/api/versions");
    expect(starter).toMatchObject({ number: 1, author: "system" });
    await localApplies(call, starter.id);

    const put = await call("PUT", "/api/config", config());
    expect(put.status, put.text).toBe(200);
    const pub = await call("POST", "/api/versions", { message: "on postgres" });
    expect(pub.status, pub.text).toBe(201);
    const v2 = parsed(pub, C.PublishResult);
    expect(v2).toMatchObject({ number: 2, message: "on postgres" });
    await localApplies(call, v2.id);
    const res = await consoleProc.until("the route on the listener", async () => {
      const r = await get(listenerPort, "/pg/x").catch(() => null);
      return r?.status === 200 ? r : null;
    });
    expect(res.body).toBe("pg-up /pg/x");

    const list = await call.as(C.VersionList, "GET", "/api/versions");
    expect(list.map((v) => [v.number, v.message])).toEqual([[2, "on postgres"], [1, expect.any(String)]]);
    expect(parsed(await call("GET", `/api/versions/${v2.id}`), C.VersionDetail).snapshot.clusters).toHaveLength(1);
  });

  it("starts a second console on the same database: nothing to migrate, versions, draft and account still there", async () => {
    const before = await appliedMigrations();
    await consoleProc.stop();
    consoleProc = new ConsoleProcess({ ...consoleProc.o, port: await freePort() });
    await consoleProc.start();
    expect(await appliedMigrations()).toEqual(before);

    const call = api(consoleProc.base, TOKEN);
    const list = await call.as(C.VersionList, "GET", "/api/versions");
    expect(list.map((v) => v.number)).toEqual([2, 1]);
    expect(await api(consoleProc.base, null).as(SetupState, "GET", "/api/setup")).toEqual({ needed: false });
    // the new worker serves the live version again (the node row may still say "applied" from before the restart)
    const res = await consoleProc.until("the route on the new worker's listener", async () => {
      const r = await get(listenerPort, "/pg/y").catch(() => null);
      return r?.status === 200 ? r : null;
    });
    expect(res.body).toBe("pg-up /pg/y");
    await localApplies(call, list[0].id);
  });

  it("moves its store PostgreSQL → SQLite → PostgreSQL through backup and restore, every version intact", async () => {
    let backup = await api(consoleProc.base, TOKEN)("GET", "/api/backup");
    expect(backup.status, backup.text.slice(0, 500)).toBe(200);
    // everything but `nodes` (the workers running a version: none on the targets)
    const brief = (l: z.output<typeof C.VersionList>) => l.map(({ id, number, hash, message, author, createdAt }) => ({ id, number, hash, message, author, createdAt }));
    const versions = brief(await api(consoleProc.base, TOKEN).as(C.VersionList, "GET", "/api/versions"));
    for (const [i, target] of (["sqlite", "postgres"] as const).entries()) {
      const env: Record<string, string> = { SIGNALBOX_WORKER: "off" };
      if (target === "postgres") env.DATABASE_URL = await server.createDatabase(`restored_${i}`);
      const fresh = await startTestConsole(`signalbox-pg-restore-${target}-`, TOKEN, { env });
      try {
        const call = api(fresh.proc.base, TOKEN);
        const r = await call("POST", "/api/restore", backup.text);
        expect(r.status, `${target}: ${r.text}`).toBe(201);
        expect(C.RestoreResult.parse(r.json)).toMatchObject({ restored: true, versions: 2, liveVersion: { number: 2 } });
        expect(brief(await call.as(C.VersionList, "GET", "/api/versions")), target).toEqual(versions);
        backup = await call("GET", "/api/backup");
        expect(backup.status, backup.text.slice(0, 500)).toBe(200);
      } finally {
        await fresh.proc.stop();
        fs.rmSync(fresh.dataDir, { recursive: true, force: true });
      }
    }
  });
});
