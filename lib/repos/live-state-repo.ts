// LiveState: one row per environment (id = its name) naming the version its workers must run. Several console
// replicas may share the database, so a change of the live version is a compare-and-swap on this row inside the
// change's transaction: of two publishes racing from two replicas, one moves the pointer and the other's
// transaction fails with 409 live_changed and leaves nothing behind. On PostgreSQL the swap also sends
// NOTIFY signalbox_live "<environment> <version id>", delivered to every replica's LISTEN when the transaction
// commits (PostgreSQL docs, NOTIFY: "notifications are delivered only when the transaction commits").
import { db, dbProvider, type Tx } from "../db";
import { ApiError } from "../errors";

/** The NOTIFY channel that names a new live version (lib/replicas/live-watcher.ts listens on it). */
export const LIVE_CHANNEL = "signalbox_live";

export async function getLiveVersionId(env: string, tx: Tx = db()): Promise<string | null> {
  const r = await tx.liveState.findUnique({ where: { id: env } });
  return r?.versionId ?? null;
}

/** The 409 of a change that lost the race for the live pointer. */
export function liveChanged(env: string): ApiError {
  return new ApiError(409, "live_changed", `environment ${env}'s live version changed while this change was being made (another publish, rollback or promotion landed first, perhaps on another console replica): reload and try again`);
}

/**
 * Moves environment `env`'s live pointer from `expected` (null: nothing live yet) to `versionId`, or throws
 * liveChanged when it no longer points at `expected`.
 */
export async function swapLiveVersionId(tx: Tx, env: string, expected: string | null, versionId: string): Promise<void> {
  if (expected === null) {
    // no row yet: a concurrent first publish makes this insert fail on the primary key (or find the row there)
    if (await tx.liveState.findUnique({ where: { id: env }, select: { id: true } })) throw liveChanged(env);
    await tx.liveState.create({ data: { id: env, versionId } });
  } else {
    const r = await tx.liveState.updateMany({ where: { id: env, versionId: expected }, data: { versionId } });
    if (r.count !== 1) throw liveChanged(env);
  }
  await announceLive(tx, env, versionId);
}

async function announceLive(tx: Tx, env: string, versionId: string): Promise<void> {
  if (dbProvider() !== "postgres") return;
  await tx.$executeRaw`SELECT pg_notify(${LIVE_CHANNEL}, ${`${env} ${versionId}`})`;
}

/** Every environment's live version id, by environment. */
export async function liveVersionIds(tx: Tx = db()): Promise<Map<string, string>> {
  const rows = await tx.liveState.findMany();
  return new Map(rows.map((r) => [r.id, r.versionId]));
}
