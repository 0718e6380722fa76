// Both stores a test runs its repositories on: a migrated SQLite file and, where PostgreSQL 15 can be started
// (postgres.ts), a migrated database on a real server. `use(url)` points lib/db.ts's client at one of them (db()
// follows DATABASE_URL); `stop()` closes the client, restores DATABASE_URL and removes both.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { closeDb } from "../../lib/db";
import { migrate } from "../../lib/migrate";
import { ROOT } from "./console-process";
import { postgresUnavailable, startPostgres, type PostgresServer } from "./postgres";

export interface TestStores {
  sqlite: string;
  /** null when PostgreSQL cannot run here (`postgresSkipped` says why) */
  postgres: string | null;
  /** the PostgreSQL server behind `postgres` (to restart it), null with it */
  server: PostgresServer | null;
  use(url: string): Promise<void>;
  stop(): Promise<void>;
}

export const postgresSkipped = postgresUnavailable();

export async function migratedStores(name: string): Promise<TestStores> {
  const saved = process.env.DATABASE_URL;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `signalbox-${name}-`));
  const sqlite = "file:" + path.join(dir, "signalbox.db");
  let server: PostgresServer | null = null;
  let postgres: string | null = null;
  const stop = async () => {
    await closeDb();
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await migrate("deploy", undefined, { root: ROOT, databaseUrl: sqlite, log: () => {} });
    if (!postgresSkipped) {
      server = await startPostgres();
      postgres = await server.createDatabase(name.replace(/[^a-z0-9_]/g, "_"));
      await migrate("deploy", undefined, { root: ROOT, databaseUrl: postgres, log: () => {} });
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    sqlite,
    postgres,
    server,
    stop,
    async use(url) {
      await closeDb();
      process.env.DATABASE_URL = url;
    },
  };
}
