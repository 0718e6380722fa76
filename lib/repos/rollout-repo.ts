// Rollout: canary publishes (lib/rollout/). At most one runs (endedAt null); ended ones stay as history.
import { db, type Tx } from "../db";
import type { CanaryTarget } from "../contract/rollout";

export interface Rollout {
  id: string;
  versionId: string;
  target: CanaryTarget;
  /** the node ids a percent picked when it started; null for nodes/selector targets */
  nodes: string[] | null;
  actor: string;
  startedAt: Date;
}

type Row = { id: string; versionId: string; target: string; nodes: string | null; actor: string; startedAt: Date };

function toRollout(r: Row): Rollout {
  return { id: r.id, versionId: r.versionId, target: JSON.parse(r.target) as CanaryTarget, nodes: r.nodes ? (JSON.parse(r.nodes) as string[]) : null, actor: r.actor, startedAt: r.startedAt };
}

export async function getRunningRollout(tx: Tx = db()): Promise<Rollout | null> {
  const r = await tx.rollout.findFirst({ where: { endedAt: null }, orderBy: { startedAt: "desc" } });
  return r ? toRollout(r) : null;
}

export async function createRollout(tx: Tx, r: { versionId: string; target: CanaryTarget; nodes: string[] | null; actor: string }): Promise<Rollout> {
  const row = await tx.rollout.create({ data: { versionId: r.versionId, target: JSON.stringify(r.target), nodes: r.nodes ? JSON.stringify(r.nodes) : null, actor: r.actor } });
  return toRollout(row);
}

/** Ends the running rollout, if any; answers it. */
export async function endRollout(tx: Tx, outcome: "promoted" | "aborted" | "rolled_back" | "guard_aborted"): Promise<Rollout | null> {
  const running = await getRunningRollout(tx);
  if (!running) return null;
  await tx.rollout.update({ where: { id: running.id }, data: { endedAt: new Date(), outcome } });
  return running;
}
