// Backups written by an older console, brought to the current format before they are checked against this
// database's tables. Format 1 predates environments: everything in it is the "default" environment's.
import { DEFAULT_ENVIRONMENT } from "../contract/environments";
import type { BackupFile, BackupRow, BackupTables } from "../contract/backup";

/** Tables whose rows gained an `environment` column with format 2. */
const SCOPED = ["DraftListener", "DraftCluster", "DraftChange", "ConfigVersion", "Rollout"];
/** One-row-per-environment tables, and the id their single row had in format 1. */
const SINGLETON_IDS: Record<string, string> = { DraftState: "draft", RouteTestSuite: "draft", LiveState: "live" };

/** The file's tables in the current format (a format 2 file's as they are). Run after the sha256 check. */
export function upgradeTables(file: BackupFile): BackupTables {
  if (file.header.formatVersion >= 2) return file.tables;
  const tables: BackupTables = {};
  for (const [name, rows] of Object.entries(file.tables)) {
    tables[name] = rows.map((row): BackupRow => {
      if (SCOPED.includes(name)) return { environment: DEFAULT_ENVIRONMENT, ...row };
      if (SINGLETON_IDS[name] !== undefined && row.id === SINGLETON_IDS[name]) return { ...row, id: DEFAULT_ENVIRONMENT };
      return row;
    });
  }
  tables.Environment = [{ name: DEFAULT_ENVIRONMENT, createdAt: file.header.createdAt, createdBy: "system" }];
  return tables;
}
