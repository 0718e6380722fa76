// LiveState: the singleton row (id "live") naming the version workers must run.
import { db, type Tx } from "../db";

const LIVE = "live";

export async function getLiveVersionId(tx: Tx = db()): Promise<string | null> {
  const r = await tx.liveState.findUnique({ where: { id: LIVE } });
  return r?.versionId ?? null;
}

export async function setLiveVersionId(tx: Tx, versionId: string): Promise<void> {
  await tx.liveState.upsert({ where: { id: LIVE }, create: { id: LIVE, versionId }, update: { versionId } });
}
