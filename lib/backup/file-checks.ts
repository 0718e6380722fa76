// The checks a backup file passes before a restore writes anything. Pure: the database's tables and columns
// come in as `TableShape`s (tables.ts). In order: it is JSON (a truncated download is not), it says it is a
// Signalbox backup, of a format version this console reads, its tables hash to the header's sha256 and hold
// the header's counts (so a damaged or edited file is refused as a whole), and every row fits its table.
import { ApiError, badRequest } from "../errors";
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, BackupFile, type BackupRow, type BackupTables } from "../contract/backup";
import type { FieldError } from "../contract/common";
import { canonicalJson, sha256 } from "../config/canonical";
import type { Column } from "../repos/backup-repo";
import type { TableShape } from "./tables";
import { upgradeTables } from "./upgrade";

const MAX_ERRORS = 50;

/** sha256 (hex) of the canonical JSON of the tables: what `header.sha256` holds. */
export const bodyHash = (tables: BackupTables) => sha256(canonicalJson(tables));

export class InvalidBackupError extends ApiError {
  constructor(readonly errors: FieldError[]) {
    const first = errors[0] ? `${errors[0].path}: ${errors[0].message}` : "";
    super(422, "invalid_backup", `the backup has ${errors.length}${errors.length >= MAX_ERRORS ? "+" : ""} invalid row value${errors.length === 1 ? "" : "s"}, nothing was restored: ${first}${errors.length > 1 ? " …" : ""}`, { errors });
  }
}

const corrupt = (message: string) => new ApiError(422, "corrupt_backup", `${message}; nothing was restored`);

/** Parses and checks the envelope: JSON, format name and version, sha256, counts. Throws a 4xx ApiError. */
export function parseBackup(text: string): BackupFile {
  if (!text.trim()) throw badRequest("empty body: send the file GET /api/backup downloaded");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, "invalid_json", `the file is not JSON, so it is not a complete Signalbox backup (a download cut short?): ${(e as Error).message}`);
  }
  const header = (raw as { header?: { format?: unknown; formatVersion?: unknown } } | null)?.header;
  if (header?.format !== BACKUP_FORMAT)
    throw new ApiError(400, "not_a_backup", `not a Signalbox backup: header.format is ${header?.format === undefined ? "missing" : JSON.stringify(header.format)}, expected "${BACKUP_FORMAT}"`);
  if (typeof header.formatVersion === "number" && header.formatVersion > BACKUP_FORMAT_VERSION)
    throw new ApiError(422, "unsupported_backup_version", `the backup has format version ${header.formatVersion}, and this console reads up to ${BACKUP_FORMAT_VERSION}: restore it with a console at least as new as the one that wrote it (${String((header as { consoleVersion?: unknown }).consoleVersion ?? "?")})`);
  const parsed = BackupFile.safeParse(raw);
  if (!parsed.success) {
    const errors = parsed.error.issues.slice(0, MAX_ERRORS).map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
    throw new ApiError(400, "invalid_backup", `not a valid Signalbox backup: ${errors[0].path}: ${errors[0].message}`, { errors });
  }
  const file = parsed.data;
  const hash = bodyHash(file.tables);
  if (hash !== file.header.sha256) throw corrupt(`the file's tables do not match its header.sha256 (the file was changed or damaged after it was written: its tables hash to ${hash})`);
  for (const table of new Set([...Object.keys(file.header.counts), ...Object.keys(file.tables)])) {
    const said = file.header.counts[table] ?? 0;
    const held = file.tables[table]?.length ?? 0;
    if (said !== held) throw corrupt(`header.counts.${table} is ${said}, but the file holds ${held} ${table} row${held === 1 ? "" : "s"}`);
  }
  // checked as written; then read in the current format
  return { header: file.header, tables: upgradeTables(file) };
}

const isIsoDate = (v: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v));

/** What is wrong with one value of a column, or null. */
function valueProblem(c: Column, v: unknown): string | null {
  if (v === null) return c.nullable ? null : "must not be null";
  switch (c.kind) {
    case "string": return typeof v === "string" ? null : "expected a string";
    case "int": return Number.isSafeInteger(v) ? null : "expected an integer";
    case "number": return typeof v === "number" && Number.isFinite(v) ? null : "expected a number";
    case "boolean": return typeof v === "boolean" ? null : "expected true or false";
    case "datetime": return typeof v === "string" && isIsoDate(v) ? null : "expected an ISO 8601 time such as 2026-01-31T12:00:00.000Z";
    case "bigint": return typeof v === "string" && /^-?\d{1,19}$/.test(v) ? null : "expected an integer as a decimal string";
    default: return v !== undefined && typeof v !== "object" ? null : "expected a string, number or boolean";
  }
}

/** Every row problem, with its path in the file (`tables.ConfigVersion[2].snapshot.listeners[0].name`); [] when the rows fit. */
export function checkRows(tables: BackupTables, shapes: TableShape[]): FieldError[] {
  const errors: FieldError[] = [];
  const push = (...e: FieldError[]) => errors.push(...e.slice(0, MAX_ERRORS - errors.length));
  const byName = new Map(shapes.map((s) => [s.spec.name, s]));
  for (const [name, rows] of Object.entries(tables))
    if (!byName.has(name) && rows.length) push({ path: `tables.${name}`, message: `this console has no table ${name} it restores (a backup of a newer console?)` });

  // primary keys of every table, for uniqueness and for the references between tables
  const keys = new Map<string, Set<unknown>>();
  for (const { spec, columns } of shapes) {
    const pk = columns.filter((c) => c.primaryKey);
    const seen = new Set<unknown>();
    (tables[spec.name] ?? []).forEach((row, i) => {
      if (pk.length !== 1) return;
      const k = row[pk[0].name];
      if (seen.has(k)) push({ path: `tables.${spec.name}[${i}].${pk[0].name}`, message: `duplicate ${pk[0].name} ${JSON.stringify(k)}` });
      seen.add(k);
    });
    keys.set(spec.name, seen);
  }

  for (const { spec, columns } of shapes) {
    const byColumn = new Map(columns.map((c) => [c.name, c]));
    (tables[spec.name] ?? []).forEach((row: BackupRow, i) => {
      if (errors.length >= MAX_ERRORS) return;
      const at = `tables.${spec.name}[${i}]`;
      for (const k of Object.keys(row)) if (!byColumn.has(k)) push({ path: `${at}.${k}`, message: `${spec.name} has no column ${k}` });
      for (const c of columns) {
        // a nullable column the file lacks (added after it was written) is restored as null
        const problem = row[c.name] === undefined ? (c.nullable ? null : "missing") : valueProblem(c, row[c.name]);
        if (problem) push({ path: `${at}.${c.name}`, message: problem });
      }
      for (const col of spec.json ?? []) {
        const v = row[col];
        if (typeof v !== "string") continue;
        try {
          JSON.parse(v);
        } catch (e) {
          push({ path: `${at}.${col}`, message: `not JSON: ${(e as Error).message}` });
        }
      }
      for (const ref of spec.refs ?? []) {
        const v = row[ref.column];
        if (v === null || v === undefined) continue;
        if (!keys.get(ref.table)?.has(v)) push({ path: `${at}.${ref.column}`, message: `names ${ref.table} ${JSON.stringify(v)}, which the file does not hold` });
      }
      if (spec.check) push(...spec.check(row, at));
    });
  }
  return errors;
}

/** A row as Prisma returns it → its JSON in the file (Date → ISO 8601, bigint → decimal string). */
export function encodeRow(row: Record<string, unknown>): BackupRow {
  const out: BackupRow = {};
  for (const [k, v] of Object.entries(row)) out[k] = v instanceof Date ? v.toISOString() : typeof v === "bigint" ? v.toString() : v;
  return out;
}

/** A checked row of the file → what Prisma writes (the reverse of encodeRow; absent nullable columns are null). */
export function decodeRow(row: BackupRow, columns: Column[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    const v = row[c.name] ?? null;
    out[c.name] = v === null ? null : c.kind === "datetime" ? new Date(v as string) : c.kind === "bigint" ? BigInt(v as string) : v;
  }
  return out;
}
