// GuardRun: publish guards (lib/guard/), one row per guarded version, kept so a restart resumes or expires them.
import type { GuardParams, GuardState } from "../contract/guard";
import { db, type Tx } from "../db";

export interface GuardRun {
  id: string;
  versionId: string;
  previousVersionId: string;
  params: GuardParams;
  startedAt: Date;
  state: GuardState;
  reason: string | null;
  endedAt: Date | null;
  rollbackVersionId: string | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
}

type Row = Omit<GuardRun, "params" | "state"> & { params: string; state: string };

const toRun = (r: Row): GuardRun => ({ ...r, params: JSON.parse(r.params) as GuardParams, state: r.state as GuardState });

export async function createGuardRun(g: { versionId: string; previousVersionId: string; params: GuardParams; startedAt: Date }, tx: Tx = db()): Promise<GuardRun> {
  return toRun(await tx.guardRun.create({ data: { ...g, params: JSON.stringify(g.params), state: "running" } }));
}

export async function runningGuardRuns(tx: Tx = db()): Promise<GuardRun[]> {
  return (await tx.guardRun.findMany({ where: { state: "running" }, orderBy: { startedAt: "asc" } })).map(toRun);
}

/** Ends a running guard; false when it was no longer running (another path ended it first). */
export async function endGuardRun(id: string, state: Exclude<GuardState, "running">, reason: string | null, rollbackVersionId: string | null = null, tx: Tx = db()): Promise<boolean> {
  const r = await tx.guardRun.updateMany({ where: { id, state: "running" }, data: { state, reason, endedAt: new Date(), rollbackVersionId } });
  return r.count === 1;
}

export async function listGuardRuns(opts: { unacknowledged?: boolean; limit?: number } = {}, tx: Tx = db()): Promise<GuardRun[]> {
  const rows = await tx.guardRun.findMany({
    where: opts.unacknowledged ? { state: "rolled_back", acknowledgedAt: null } : undefined,
    orderBy: { startedAt: "desc" },
    take: opts.limit ?? 50,
  });
  return rows.map(toRun);
}

export async function getGuardRun(id: string, tx: Tx = db()): Promise<GuardRun | null> {
  const r = await tx.guardRun.findUnique({ where: { id } });
  return r ? toRun(r) : null;
}

export async function acknowledgeGuardRun(id: string, actor: string, tx: Tx = db()): Promise<void> {
  await tx.guardRun.updateMany({ where: { id, acknowledgedAt: null }, data: { acknowledgedAt: new Date(), acknowledgedBy: actor } });
}
