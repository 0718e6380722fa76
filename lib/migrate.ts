// Offline Prisma migrations for SQLite WITHOUT the native schema-engine binary.
// Drives @prisma/schema-engine-wasm (the engine Prisma 6's `engine: "js"` used) through the
// better-sqlite3 driver adapter. Writes/reads the normal prisma/migrations/<ts>_<name>/migration.sql
// layout and the normal _prisma_migrations table, so the native `prisma migrate` stays compatible.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import * as bg from "@prisma/schema-engine-wasm/schema_engine_bg";
import { bindMigrationAwareSqlAdapterFactory, type SqlDriverAdapter, type SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { databaseFile, databaseUrl } from "./env";

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

export async function migrate(cmd: "deploy" | "dev" | "diff", name = "migration", opts: MigrateOpts = {}) {
  const root = opts.root ?? process.cwd();
  const log = opts.log ?? console.log;
  const schemaPath = path.join(root, "prisma", "schema.prisma");
  const migrationsDir = path.join(root, "prisma", "migrations");
  const dbUrl = opts.databaseUrl ?? databaseUrl();
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
  const schemaText = fs.readFileSync(schemaPath, "utf8");
  const opened: SqlDriverAdapter[] = [];
  const adapter = bindMigrationAwareSqlAdapterFactory(shadowSafe(new PrismaBetterSqlite3({ url: dbUrl }), opened));
  const engineLog = process.env.DEBUG_SCHEMA_ENGINE ? (m: string) => console.error(m) : () => {};
  const engine = await bg.SchemaEngine.new({ datamodels: [[schemaPath, schemaText]] }, engineLog, adapter);
  const applied: string[] = [];
  try {
    // always bring the DB up to date first (also creates _prisma_migrations on a fresh DB,
    // without which devDiagnostic fails with P1014)
    applied.push(...(await engine.applyMigrations({ migrationsList: migrationsList(), filters })).appliedMigrationNames);
    if (cmd === "deploy") return { applied };

    // devDiagnostic replays history on the shadow DB (better-sqlite3 adapter: :memory:) and fills the cache
    // createMigration needs ("SQLite shadow DB must be provided through an external factory" otherwise)
    const diag = await engine.devDiagnostic({ migrationsList: migrationsList(), filters });
    if (diag.action.tag === "reset") throw new Error("Drift detected; delete the DB file and re-run: " + diag.action.reason);
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
