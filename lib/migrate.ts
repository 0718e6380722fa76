// Offline Prisma migrations for SQLite and PostgreSQL WITHOUT the native schema-engine binary.
// Drives @prisma/schema-engine-wasm (the engine Prisma 6's `engine: "js"` used) through a driver adapter
// (better-sqlite3 for `file:` URLs, pg for `postgres://`). Writes/reads the normal <ts>_<name>/migration.sql
// layout and the normal _prisma_migrations table, so the native `prisma migrate` stays compatible.
// One schema: prisma/schema.prisma (SQLite) is the source; prisma/postgres/schema.prisma is derived from it
// (postgresSchema below, written by scripts/schema-pg.ts and by `dev`), with its own history in prisma/postgres/migrations.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import * as bg from "@prisma/schema-engine-wasm/schema_engine_bg";
import { bindMigrationAwareSqlAdapterFactory, type SqlDriverAdapter, type SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { databaseFile, databaseUrl, isPostgresUrl } from "./env";

const SQLITE_HEADER = { provider: 'provider = "sqlite"', output: 'output   = "../generated/prisma"' };
const PG_HEADER = { provider: 'provider = "postgresql"', output: 'output   = "../../generated/prisma-pg"' };
export const PG_SCHEMA_NOTICE = "// GENERATED from prisma/schema.prisma by scripts/schema-pg.ts (datasource provider and client output swapped): do not edit.\n";

/**
 * prisma/postgres/schema.prisma from prisma/schema.prisma: the datasource provider swapped, and the client written
 * to generated/prisma-pg (the output path is relative to the schema file, which sits one folder deeper). Nothing else
 * changes, so a model added to one is in the other; a header that is not there exactly is an error, not a guess.
 */
export function postgresSchema(sqliteSchema: string): string {
  for (const line of Object.values(SQLITE_HEADER))
    if (sqliteSchema.split(line).length !== 2) throw new Error(`prisma/schema.prisma: expected exactly one \`${line}\``);
  return PG_SCHEMA_NOTICE + sqliteSchema.replace(SQLITE_HEADER.provider, PG_HEADER.provider).replace(SQLITE_HEADER.output, PG_HEADER.output);
}

/** The same URL naming another database on the server (every other setting, sslmode included, as pg reads it). */
function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = "/" + encodeURIComponent(database);
  return u.toString();
}

/**
 * The engine reads PostgreSQL's catalogs, whose enum-like columns (pg_class.relkind, pg_constraint.contype …) are of
 * the one-byte type "char" (OID 18); @prisma/adapter-pg 7.10 has no column type for it and fails the describe step
 * with "Column type 'char' could not be deserialized from the database". pg already hands its value over as a string,
 * so the migration connections report it as text (OID 25). Runtime queries never select such a column.
 */
const charAsText = (r: unknown) => {
  for (const f of (r as { fields?: { dataTypeID: number }[] } | undefined)?.fields ?? []) if (f.dataTypeID === 18) f.dataTypeID = 25;
  return r;
};
class CharAsTextClient extends pg.Client {}
const clientQuery = pg.Client.prototype.query as (...a: unknown[]) => unknown;
(CharAsTextClient.prototype as unknown as { query: (...a: unknown[]) => unknown }).query = function (this: pg.Client, ...a: unknown[]) {
  const cb = a[a.length - 1];
  if (typeof cb === "function") {
    a[a.length - 1] = (err: unknown, res: unknown) => (cb as (e: unknown, r: unknown) => void)(err, err ? res : charAsText(res));
    return clientQuery.apply(this, a);
  }
  const r = clientQuery.apply(this, a);
  return r instanceof Promise ? r.then(charAsText) : r;
};

/**
 * The pg adapter for the engine. Its own connectToShadowDb in 7.10 drops the shadow database before closing the pool
 * that is connected to it ("database ... is being accessed by other users"), and it names the shadow database next to
 * a connectionString, which wins in pg, so the shadow replay would run against the real database. This one creates the
 * shadow database, connects to it by a URL naming it, and drops it after its pool has ended.
 */
function pgForMigrations(url: string, opened: SqlDriverAdapter[]): SqlMigrationAwareDriverAdapterFactory {
  const factory = new PrismaPg({ connectionString: url, Client: CharAsTextClient });
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => { const a = await factory.connect(); opened.push(a); return a; },
    connectToShadowDb: async () => {
      const main = await factory.connect();
      const name = `prisma_migrate_shadow_db_${crypto.randomUUID()}`;
      await main.executeScript(`CREATE DATABASE "${name}"`);
      const shadow = await new PrismaPg({ connectionString: withDatabase(url, name), Client: CharAsTextClient }).connect();
      const dispose = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await dispose();
        try { await main.executeScript(`DROP DATABASE "${name}"`); } finally { await main.dispose(); }
      };
      opened.push(shadow);
      return shadow;
    },
  };
}

export type MigrateOpts = { root?: string; databaseUrl?: string; log?: (m: string) => void };

let wasmReady = false;
function initWasm() {
  if (wasmReady) return;
  const require = createRequire(import.meta.url);
  // package.json isn't in the package's "exports"; resolve the glue module and take its folder
  const dir = path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
  const mod = new WebAssembly.Module(fs.readFileSync(path.join(dir, "schema_engine_bg.wasm")));
  // the glue module's exports are the functions the .wasm imports (wasm-bindgen's layout)
  const inst = new WebAssembly.Instance(mod, { "./schema_engine_bg.js": bg as unknown as WebAssembly.ModuleImports });
  bg.__wbg_set_wasm(inst.exports);
  (inst.exports.__wbindgen_start as () => void)();
  wasmReady = true;
}

// Workaround (same bug in Prisma 6.19 CLI and 7.10 wasm engine): when replaying history on the shadow DB
// the engine sends each migration.sql as ONE executeRaw; better-sqlite3 prepare() rejects multi-statement
// SQL ("External error id#0"). Route parameterless executeRaw on the shadow connection to executeScript.
// Also tracks every connection so we can dispose() them: engine.free() does not close the JS-side
// better-sqlite3 handles, and a still-open handle makes a PrismaClient in the same process time out.
function shadowSafe(factory: PrismaBetterSqlite3, opened: SqlDriverAdapter[]): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => { const a = await factory.connect(); opened.push(a); return a; },
    connectToShadowDb: async () => {
      const a = await factory.connectToShadowDb();
      opened.push(a);
      const executeRaw = a.executeRaw.bind(a);
      a.executeRaw = async (q) => {
        if (q.args.length === 0) { await a.executeScript(q.sql); return 0; }
        return executeRaw(q);
      };
      return a;
    },
  };
}

/**
 * Runs `fn` holding a PostgreSQL session-level advisory lock, so console replicas started together on an empty
 * database migrate one after the other (the second finds nothing pending). SQLite: `fn` alone.
 */
async function migrationLock<T>(dbUrl: string, fn: () => Promise<T>): Promise<T> {
  if (!isPostgresUrl(dbUrl)) return fn();
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    await c.query("SELECT pg_advisory_lock(hashtext('signalbox.migrate'))");
    return await fn();
  } finally {
    await c.end().catch(() => {});
  }
}

export async function migrate(cmd: "deploy" | "dev" | "diff", name = "migration", opts: MigrateOpts = {}) {
  return migrationLock(opts.databaseUrl ?? databaseUrl(), () => migrateUnlocked(cmd, name, opts));
}

async function migrateUnlocked(cmd: "deploy" | "dev" | "diff", name: string, opts: MigrateOpts) {
  const root = opts.root ?? process.cwd();
  const log = opts.log ?? console.log;
  const dbUrl = opts.databaseUrl ?? databaseUrl();
  const postgres = isPostgresUrl(dbUrl);
  const sourcePath = path.join(root, "prisma", "schema.prisma");
  const schemaPath = postgres ? path.join(root, "prisma", "postgres", "schema.prisma") : sourcePath;
  const migrationsDir = postgres ? path.join(root, "prisma", "postgres", "migrations") : path.join(root, "prisma", "migrations");
  const dbFile = databaseFile(dbUrl);
  if (dbFile) fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  const lockPath = path.join(migrationsDir, "migration_lock.toml");
  const filters = { externalTables: [], externalEnums: [] };

  const migrationsList = () => {
    fs.mkdirSync(migrationsDir, { recursive: true });
    const dirs = fs.readdirSync(migrationsDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    return {
      baseDir: migrationsDir,
      lockfile: { path: "migration_lock.toml", content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, "utf8") : null },
      shadowDbInitScript: "",
      migrationDirectories: dirs.map((d) => {
        const f = path.join(migrationsDir, d, "migration.sql");
        return {
          path: d,
          migrationFile: {
            path: "migration.sql",
            content: fs.existsSync(f) ? { tag: "ok" as const, value: fs.readFileSync(f, "utf8") } : { tag: "error" as const, value: "missing migration.sql" },
          },
        };
      }),
    };
  };

  initWasm();
  // PostgreSQL: the schema derived from the source now, so `dev` and `diff` never work from a stale copy
  const schemaText = postgres ? postgresSchema(fs.readFileSync(sourcePath, "utf8")) : fs.readFileSync(schemaPath, "utf8");
  if (postgres && cmd === "dev") {
    fs.mkdirSync(path.dirname(schemaPath), { recursive: true });
    fs.writeFileSync(schemaPath, schemaText);
  }
  const opened: SqlDriverAdapter[] = [];
  const adapter = bindMigrationAwareSqlAdapterFactory(
    postgres ? pgForMigrations(dbUrl, opened) : shadowSafe(new PrismaBetterSqlite3({ url: dbUrl }), opened),
  );
  const engineLog = process.env.DEBUG_SCHEMA_ENGINE ? (m: string) => console.error(m) : () => {};
  const engine = await bg.SchemaEngine.new({ datamodels: [[schemaPath, schemaText]] }, engineLog, adapter);
  const applied: string[] = [];
  try {
    // always bring the DB up to date first (also creates _prisma_migrations on a fresh DB,
    // without which devDiagnostic fails with P1014)
    applied.push(...(await engine.applyMigrations({ migrationsList: migrationsList(), filters })).appliedMigrationNames);
    if (cmd === "deploy") return { applied };

    // devDiagnostic replays history on the shadow DB (better-sqlite3: :memory:; pg: a database of its own) and fills the cache
    // createMigration needs ("SQLite shadow DB must be provided through an external factory" otherwise)
    const diag = await engine.devDiagnostic({ migrationsList: migrationsList(), filters });
    if (diag.action.tag === "reset") throw new Error("Drift detected; recreate the database and re-run: " + diag.action.reason);
    const out = await engine.createMigration({
      draft: false, migrationName: name, migrationsList: migrationsList(), filters,
      schema: { files: [{ path: schemaPath, content: schemaText }] },
    });
    if (!out.migrationScript) { log("No schema changes."); return { applied }; }
    if (cmd === "diff") { log(out.migrationScript); return { applied, script: out.migrationScript }; }
    const dir = path.join(migrationsDir, out.generatedMigrationName);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "migration." + out.extension), out.migrationScript);
    if (!fs.existsSync(lockPath)) fs.writeFileSync(lockPath, `# Please do not edit this file manually\nprovider = "${out.connectorType}"\n`);
    log("Created " + path.relative(root, dir));
    applied.push(...(await engine.applyMigrations({ migrationsList: migrationsList(), filters })).appliedMigrationNames);
    return { applied, created: out.generatedMigrationName };
  } finally {
    engine.free();
    for (const a of opened) await a.dispose().catch(() => {});
  }
}
