// Whole tables, by name, for backup and restore (lib/backup/). Table-driven on purpose: the list of tables
// lives in lib/backup/tables.ts, and the columns are read from the database itself (SQLite: PRAGMA table_info;
// PostgreSQL: information_schema), so a column or a table added by a migration is backed up and restored without a
// change here.
import { db, dbProvider, type Tx } from "../db";
import { transactionScope } from "../sqlite-gate";

/** How a column's value travels in a backup file (from the column's declared SQLite type). */
export type ColumnKind = "string" | "int" | "datetime" | "bigint" | "boolean" | "number" | "unknown";
export interface Column { name: string; kind: ColumnKind; nullable: boolean; primaryKey: boolean }

/** Keyed by SQLite's declared type, or PostgreSQL's information_schema.columns.data_type, upper-cased. */
const KIND: Record<string, ColumnKind> = {
  "TIMESTAMP WITHOUT TIME ZONE": "datetime", "DOUBLE PRECISION": "number", NUMERIC: "number",
  TEXT: "string", INTEGER: "int", DATETIME: "datetime", BIGINT: "bigint", BOOLEAN: "boolean", REAL: "number", DOUBLE: "number", FLOAT: "number", DECIMAL: "number",
};

const quoted = (table: string) => {
  // table names come from the schema (model names), never from a request; refuse anything else all the same
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new Error(`not a table name: ${table}`);
  return `"${table}"`;
};

/** Every table of the database (model names), migrations' bookkeeping left out. */
export async function listTables(tx: Tx = db()): Promise<string[]> {
  if (dbProvider() === "postgres") {
    const pgRows = await tx.$queryRawUnsafe<{ name: string }[]>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
       AND table_name NOT LIKE '\\_prisma\\_%' ORDER BY table_name COLLATE "C"`,
    );
    return pgRows.map((r) => r.name);
  }
  const rows = await tx.$queryRawUnsafe<{ name: string }[]>(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_prisma_%' ORDER BY name`,
  );
  return rows.map((r) => r.name);
}

export async function tableColumns(table: string, tx: Tx = db()): Promise<Column[]> {
  if (dbProvider() === "postgres") return pgTableColumns(table, tx);
  const rows = await tx.$queryRawUnsafe<{ name: string; type: string; notnull: number | bigint; pk: number | bigint }[]>(`PRAGMA table_info(${quoted(table)})`);
  return rows.map((r) => ({
    name: r.name,
    kind: KIND[r.type.toUpperCase().replace(/\(.*$/, "")] ?? "unknown",
    nullable: Number(r.notnull) === 0,
    primaryKey: Number(r.pk) > 0,
  }));
}

async function pgTableColumns(table: string, tx: Tx): Promise<Column[]> {
  quoted(table);
  const rows = await tx.$queryRawUnsafe<{ name: string; type: string; nullable: string; pk: boolean }[]>(
    `SELECT c.column_name AS name, c.data_type AS type, c.is_nullable AS nullable,
       EXISTS (SELECT 1 FROM information_schema.table_constraints t JOIN information_schema.key_column_usage k
         ON k.constraint_name = t.constraint_name AND k.table_schema = t.table_schema AND k.table_name = t.table_name
         WHERE t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.constraint_type = 'PRIMARY KEY'
           AND k.column_name = c.column_name) AS pk
     FROM information_schema.columns c WHERE c.table_schema = current_schema() AND c.table_name = $1 ORDER BY c.ordinal_position`,
    table,
  );
  return rows.map((r) => ({ name: r.name, kind: KIND[r.type.toUpperCase()] ?? "unknown", nullable: r.nullable === "YES", primaryKey: r.pk }));
}

type Delegate = {
  findMany(args?: unknown): Promise<Record<string, unknown>[]>;
  count(): Promise<number>;
  deleteMany(): Promise<{ count: number }>;
  createMany(args: { data: Record<string, unknown>[] }): Promise<{ count: number }>;
};

/** Prisma's delegate of a model (`ConfigVersion` → `tx.configVersion`). */
function delegate(tx: Tx, table: string): Delegate {
  const d = (tx as unknown as Record<string, Delegate | undefined>)[table[0].toLowerCase() + table.slice(1)];
  if (!d || typeof d.findMany !== "function") throw new Error(`no Prisma model for table ${table}`);
  return d;
}

/** Every row of `table` in primary-key order, as Prisma returns it (Date, bigint). */
export async function readRows(table: string, columns: Column[], tx: Tx = db()): Promise<Record<string, unknown>[]> {
  const pk = columns.filter((c) => c.primaryKey).map((c) => ({ [c.name]: "asc" as const }));
  return delegate(tx, table).findMany(pk.length ? { orderBy: pk } : undefined);
}

export async function countRows(table: string, tx: Tx = db()): Promise<number> {
  return delegate(tx, table).count();
}

export async function deleteRows(table: string, tx: Tx): Promise<number> {
  return (await delegate(tx, table).deleteMany()).count;
}

export async function insertRows(table: string, rows: Record<string, unknown>[], tx: Tx): Promise<void> {
  // createMany binds every column of a batch: stay well under SQLite's host-parameter limit
  for (let i = 0; i < rows.length; i += 200) await delegate(tx, table).createMany({ data: rows.slice(i, i + 200) });
}

/**
 * Foreign keys are checked at COMMIT instead of per statement for the rest of this transaction (SQLite's
 * `PRAGMA defer_foreign_keys`), so tables can be emptied and filled in any order; a row whose parent is missing
 * still fails the commit.
 */
export async function deferForeignKeys(tx: Tx): Promise<void> {
  // PostgreSQL: Prisma creates foreign keys NOT DEFERRABLE, so SET CONSTRAINTS cannot defer them; each insert is
  // checked at once instead, in lib/backup/tables.ts's parents-first order, and a missing parent fails that insert
  if (dbProvider() === "postgres") return;
  await tx.$executeRawUnsafe("PRAGMA defer_foreign_keys = ON");
}

/** Rows that break a foreign key (`PRAGMA foreign_key_check`): checked before COMMIT for a readable error. */
export async function foreignKeyViolations(tx: Tx): Promise<{ table: string; rowid: number; parent: string }[]> {
  // PostgreSQL checked every row as it was inserted (deferForeignKeys above): nothing can be left to find
  if (dbProvider() === "postgres") return [];
  const rows = await tx.$queryRawUnsafe<{ table: string; rowid: number | bigint | null; parent: string }[]>("PRAGMA foreign_key_check");
  return rows.map((r) => ({ table: r.table, rowid: Number(r.rowid ?? 0), parent: r.parent }));
}

/** A transaction for a whole-store read or write: Prisma's default 5 s limit is too short for a large store. */
export function storeTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db().$transaction((tx) => transactionScope.run(true, () => fn(tx)), { timeout: 120_000, maxWait: 30_000 });
}
