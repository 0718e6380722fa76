// Route tests stored with the config: the draft's suite (RouteTestSuite, one row, id "draft") and the suite a
// version was published with (ConfigVersion.routeTests). Both hold Envoy's router_check_tool test file as the JSON
// it was imported as, so an export gives back what was imported.
import { db, type Tx } from "../db";

const DRAFT = "draft";

/** The draft's suite as stored (parsed JSON), or null when it has none. */
export async function getDraftSuite(tx: Tx = db()): Promise<unknown | null> {
  const r = await tx.routeTestSuite.findUnique({ where: { id: DRAFT } });
  return r ? JSON.parse(r.json) : null;
}

/** Stores the draft's suite; null removes it. */
export async function setDraftSuite(tx: Tx, suite: unknown | null, actor: string, at: Date): Promise<void> {
  if (suite === null) {
    await tx.routeTestSuite.deleteMany({ where: { id: DRAFT } });
    return;
  }
  const json = JSON.stringify(suite);
  await tx.routeTestSuite.upsert({ where: { id: DRAFT }, create: { id: DRAFT, json, updatedAt: at, updatedBy: actor }, update: { json, updatedAt: at, updatedBy: actor } });
}

/** Records the suite version `versionId` was published with (null: none). */
export async function setVersionSuite(tx: Tx, versionId: string, suite: unknown | null): Promise<void> {
  await tx.configVersion.update({ where: { id: versionId }, data: { routeTests: suite === null ? null : JSON.stringify(suite) } });
}

/** The suite version `versionId` was published with, or null (none, or an unknown version). */
export async function getVersionSuite(versionId: string, tx: Tx = db()): Promise<unknown | null> {
  const r = await tx.configVersion.findUnique({ where: { id: versionId }, select: { routeTests: true } });
  return r?.routeTests ? JSON.parse(r.routeTests) : null;
}
