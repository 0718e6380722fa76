// DraftState: one row per environment (id = its name) holding its draft's revision. No row yet: revision 0.
import { db, type Tx } from "../db";

export interface DraftState { revision: number; updatedAt: Date | null; updatedBy: string | null }

export async function getDraftState(env: string, tx: Tx = db()): Promise<DraftState> {
  const r = await tx.draftState.findUnique({ where: { id: env } });
  return r ? { revision: r.revision, updatedAt: r.updatedAt, updatedBy: r.updatedBy } : { revision: 0, updatedAt: null, updatedBy: null };
}

/**
 * Moves the draft from revision `from` to `from + 1` inside the write's transaction and returns the new
 * revision, or null when the draft is no longer at `from` (a write that did not hold the config lock).
 */
export async function bumpDraftRevision(tx: Tx, env: string, from: number, actor: string, at: Date): Promise<number | null> {
  const revision = from + 1;
  const updated = await tx.draftState.updateMany({ where: { id: env, revision: from }, data: { revision, updatedAt: at, updatedBy: actor } });
  if (updated.count === 1) return revision;
  if (from !== 0 || (await tx.draftState.count({ where: { id: env } })) > 0) return null;
  await tx.draftState.create({ data: { id: env, revision, updatedAt: at, updatedBy: actor } });
  return revision;
}
