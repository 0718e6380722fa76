// GET /api/backup: every backed-up table (tables.ts) read in one transaction, so the file is one consistent
// moment of the store, with the header that lets a restore check it.
import pkg from "../../package.json";
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, type BackupFile, type BackupTables } from "../contract/backup";
import { readRows, storeTransaction } from "../repos/backup-repo";
import { bodyHash, encodeRow } from "./file-checks";
import { tableShapes } from "./tables";

export const CONSOLE_VERSION: string = pkg.version;

export async function createBackup(now = new Date()): Promise<BackupFile> {
  return storeTransaction(async (tx) => {
    const { tables: shapes, excluded } = await tableShapes(tx);
    const tables: BackupTables = {};
    for (const { spec, columns } of shapes) tables[spec.name] = (await readRows(spec.name, columns, tx)).map(encodeRow);
    return {
      header: {
        format: BACKUP_FORMAT,
        formatVersion: BACKUP_FORMAT_VERSION,
        createdAt: now.toISOString(),
        consoleVersion: CONSOLE_VERSION,
        counts: Object.fromEntries(Object.entries(tables).map(([name, rows]) => [name, rows.length])),
        excluded,
        sha256: bodyHash(tables),
      },
      tables,
    };
  });
}

/** `signalbox-backup-20260131T120000Z.json` */
export function backupFileName(createdAt: string): string {
  return `signalbox-backup-${createdAt.replace(/\.\d+Z$/, "Z").replace(/[-:]/g, "")}.json`;
}
