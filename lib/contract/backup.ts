// Backup and restore (GET /api/backup, POST /api/restore) and a version as an Envoy bootstrap
// (GET /api/versions/{id}/bootstrap). The backup file is this module's BackupFile: a header that says what the
// file holds and how to check it, and the rows of every table that holds user data (lib/backup/tables.ts).
import { z } from "zod";
import { IsoTime } from "./common";

export const BACKUP_FORMAT = "signalbox-backup";
/** Bumped when a file written by this console could not be read by an older one. */
/** 2: environments (format 1 files are read as the "default" environment's, lib/backup/upgrade.ts) */
export const BACKUP_FORMAT_VERSION = 2;

/** One table's rows: column → JSON value (DateTime as ISO 8601, BigInt as a decimal string). */
export const BackupRow = z.record(z.string(), z.unknown());
export type BackupRow = z.infer<typeof BackupRow>;
export const BackupTables = z.record(z.string(), z.array(BackupRow));
export type BackupTables = z.infer<typeof BackupTables>;

export const BackupHeader = z.object({
  format: z.literal(BACKUP_FORMAT),
  formatVersion: z.number().int().positive(),
  createdAt: IsoTime,
  /** the console's package.json version that wrote the file */
  consoleVersion: z.string(),
  /** rows per table in `tables` */
  counts: z.record(z.string(), z.number().int().nonnegative()),
  /** tables deliberately left out (telemetry, events, nodes), so a reader knows they are not lost by accident */
  excluded: z.array(z.string()),
  /** sha256 (hex) of the canonical JSON of `tables` (object keys sorted, no whitespace) */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "expected 64 lowercase hex digits"),
});
export type BackupHeader = z.infer<typeof BackupHeader>;

export const BackupFile = z.object({ header: BackupHeader, tables: BackupTables });
export type BackupFile = z.infer<typeof BackupFile>;

/** POST /api/restore?dryRun=true checks the file and the store and changes nothing. */
export const RestoreQuery = z.object({ dryRun: z.enum(["true", "false", "1", "0"]).optional().transform((v) => v === "true" || v === "1") });

/** What a restore did (or, for a dry run, would do). */
export const RestoreResult = z.object({
  dryRun: z.boolean(),
  /** true once the store holds the file's rows (always false for a dry run) */
  restored: z.boolean(),
  header: BackupHeader,
  versions: z.number().int().nonnegative(),
  liveVersion: z.object({ id: z.string(), number: z.number().int() }).nullable(),
  draftRevision: z.number().int().nonnegative(),
  /** whether this console can take the file: only an empty store can (a dry run says why not here instead of a 409) */
  restorable: z.boolean(),
  reason: z.string().nullable(),
  /** the store held only the auto-created starter version, which the restore replaces */
  replacesStarter: z.boolean(),
});
export type RestoreResult = z.infer<typeof RestoreResult>;

/** GET /api/versions/{id}/bootstrap: YAML by default. */
export const BootstrapExportQuery = z.object({ format: z.enum(["yaml", "json"]).optional().default("yaml") });
