// LiveState: one row per environment (id = its name) naming the version its workers must run.
import { db, type Tx } from "../db";

export async function getLiveVersionId(env: string, tx: Tx = db()): Promise<string | null> {
  const r = await tx.liveState.findUnique({ where: { id: env } });
  return r?.versionId ?? null;
}

export async function setLiveVersionId(tx: Tx, env: string, versionId: string): Promise<void> {
  await tx.liveState.upsert({ where: { id: env }, create: { id: env, versionId }, update: { versionId } });
}

/** Every environment's live version id, by environment. */
export async function liveVersionIds(tx: Tx = db()): Promise<Map<string, string>> {
  const rows = await tx.liveState.findMany();
  return new Map(rows.map((r) => [r.id, r.versionId]));
}
