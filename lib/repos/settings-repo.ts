// ConsoleSettings: one row (id "settings"), absent until the settings are first changed.
import { db, type Tx } from "../db";

const ID = "settings";

export interface SettingsRecord {
  retentionHours: number;
  zipkinCollectorUrl: string | null;
}

export async function loadSettings(tx: Tx = db()): Promise<SettingsRecord | null> {
  const r = await tx.consoleSettings.findUnique({ where: { id: ID } });
  return r ? { retentionHours: r.retentionHours, zipkinCollectorUrl: r.zipkinCollectorUrl } : null;
}

export async function saveSettings(tx: Tx, s: SettingsRecord): Promise<void> {
  await tx.consoleSettings.upsert({ where: { id: ID }, create: { id: ID, ...s }, update: s });
}
