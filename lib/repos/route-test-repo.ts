// Route tests stored with the config: a draft's suite (RouteTestSuite, one row per environment, id = its name) and the suite a
// version was published with (ConfigVersion.routeTests). Both hold Envoy's router_check_tool test file as the JSON
// it was imported as, so an export gives back what was imported.
import { db, type Tx } from "../db";

/** The draft's suite as stored (parsed JSON), or null when it has none. */
export async function getDraftSuite(env: string, tx: Tx = db()): Promise<unknown | null> {
  const r = await tx.routeTestSuite.findUnique({ where: { id: env } });
  return r ? JSON.parse(r.json) : null;
}

/** Stores the draft's suite; null removes it. */
export async function setDraftSuite(tx: Tx, env: string, suite: unknown | null, actor: string, at: Date): Promise<void> {
  if (suite === null) {
    await tx.routeTestSuite.deleteMany({ where: { id: env } });
    return;
  }
  const json = JSON.stringify(suite);
  await tx.routeTestSuite.upsert({ where: { id: env }, create: { id: env, json, updatedAt: at, updatedBy: actor }, update: { json, updatedAt: at, updatedBy: actor } });
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
