// The raw SQL in lib/repos on both stores, and the PostgreSQL migration history check, against a real PostgreSQL 15
// (tests/support/postgres.ts) and a real SQLite file: the batched retention deletes (DELETE … IN (SELECT … LIMIT n)),
// and backup's table and column discovery (SQLite: sqlite_master / PRAGMA table_info; PostgreSQL: information_schema)
// finding the same tables and the same column kinds in both.
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, dbProvider } from "../../lib/db";
import { migrate } from "../../lib/migrate";
import { listTables, tableColumns, type Column } from "../../lib/repos/backup-repo";
import { deleteEventsBefore, insertEvents, maxEventId } from "../../lib/repos/event-repo";
import { deleteRollupsBefore, insertRollups, listRollups } from "../../lib/repos/rollup-repo";
import { postgresUnavailable, startPostgres, type PostgresServer } from "../support/postgres";
import { ROOT, tmpDir } from "./harness";

const unavailable = postgresUnavailable();
if (unavailable) console.log(`[postgres-raw-sql] skipped: ${unavailable}`);

let server: PostgresServer;
let pgUrl: string;
let dir: string;
let sqliteUrl: string;
const savedUrl = process.env.DATABASE_URL;

/** Runs `fn` with lib/db.ts's client on `url` (db() follows DATABASE_URL). */
async function on<T>(url: string, fn: () => Promise<T>): Promise<T> {
  await closeDb();
  process.env.DATABASE_URL = url;
  try {
    return await fn();
  } finally {
    await closeDb();
  }
}

async function schemaOf(): Promise<Record<string, Column[]>> {
  const out: Record<string, Column[]> = {};
  // by name: SQLite's ALTER TABLE appends a column where PostgreSQL's history (one CREATE TABLE) has it in schema order
  for (const t of await listTables()) out[t] = (await tableColumns(t)).sort((a, b) => a.name.localeCompare(b.name));
  return out;
}

describe.skipIf(unavailable !== null)("raw SQL on SQLite and PostgreSQL", () => {
  beforeAll(async () => {
    server = await startPostgres();
    pgUrl = await server.createDatabase("rawsql");
    dir = tmpDir("signalbox-rawsql-");
    sqliteUrl = "file:" + path.join(dir, "signalbox.db");
    await migrate("deploy", undefined, { root: ROOT, databaseUrl: pgUrl, log: () => {} });
    await migrate("deploy", undefined, { root: ROOT, databaseUrl: sqliteUrl, log: () => {} });
  }, 60_000);

  afterAll(async () => {
    await closeDb();
    if (savedUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = savedUrl;
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("picks the store by URL", () => {
    expect([dbProvider(pgUrl), dbProvider(pgUrl.replace(/^postgresql:/, "postgres:")), dbProvider(sqliteUrl)]).toEqual(["postgres", "postgres", "sqlite"]);
  });

  it("backup finds the same tables, columns and column kinds in both stores", async () => {
    const sqlite = await on(sqliteUrl, schemaOf);
    const pg = await on(pgUrl, schemaOf);
    expect(Object.keys(sqlite)).toContain("ConfigVersion");
    expect(Object.keys(pg)).toEqual(Object.keys(sqlite));
    for (const t of Object.keys(sqlite)) expect(pg[t], t).toEqual(sqlite[t]);
    expect(Object.values(pg).flat().filter((c) => c.kind === "unknown")).toEqual([]);
  });

  for (const store of ["sqlite", "postgres"] as const) {
    it(`retention deletes at most the batch, oldest first, on ${store}`, async () => {
      await on(store === "sqlite" ? sqliteUrl : pgUrl, async () => {
        const base = (await maxEventId()) + 1;
        await insertEvents([0, 1, 2, 3, 4].map((i) => ({ id: base + i, ts: 1_000 + i, node: "n", kind: "k", cluster: null, details: { i } })));
        expect(await deleteEventsBefore(1_004, 3)).toBe(3);
        expect(await deleteEventsBefore(1_004, 3)).toBe(1);
        expect(await maxEventId()).toBe(base + 4);

        await insertRollups([0, 1, 2, 3].map((i) => ({ step: 10_000, node: "n", t: 5_000 + i, data: "{}" })));
        expect(await deleteRollupsBefore(5_003, 2)).toBe(2);
        expect((await listRollups(10_000, "n", 0, 10_000)).map((r) => r.t)).toEqual([5_002, 5_003]);
      });
    });
  }

  it("the migration history check catches a schema change that has no PostgreSQL migration", async () => {
    const root = tmpDir("signalbox-rawsql-root-");
    try {
      fs.cpSync(path.join(ROOT, "prisma"), path.join(root, "prisma"), { recursive: true });
      fs.appendFileSync(path.join(root, "prisma", "schema.prisma"), "\nmodel OnlyInSource {\n  id Int @id\n}\n");
      const r = await migrate("diff", "check", { root, databaseUrl: pgUrl, log: () => {} });
      expect(r.script).toMatch(/CREATE TABLE "OnlyInSource"/);
      // the shadow database the check replayed the history into is gone again
      const c = new pg.Client({ connectionString: server.url("postgres") });
      await c.connect();
      const left = await c.query(`SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'`).finally(() => c.end());
      expect(left.rows).toEqual([]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
