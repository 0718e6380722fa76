// Rollout: canary publishes (lib/rollout/). At most one runs per environment (endedAt null); ended ones stay as history.
import { db, type Tx } from "../db";
import type { CanaryTarget } from "../contract/rollout";

export interface Rollout {
  id: string;
  environment: string;
  versionId: string;
  target: CanaryTarget;
  /** the node ids a percent picked when it started; null for nodes/selector targets */
  nodes: string[] | null;
  actor: string;
  startedAt: Date;
}

type Row = { id: string; environment: string; versionId: string; target: string; nodes: string | null; actor: string; startedAt: Date };

function toRollout(r: Row): Rollout {
  return { id: r.id, environment: r.environment, versionId: r.versionId, target: JSON.parse(r.target) as CanaryTarget, nodes: r.nodes ? (JSON.parse(r.nodes) as string[]) : null, actor: r.actor, startedAt: r.startedAt };
}

/** Environment `env`'s running canary, if any. */
export async function getRunningRollout(env: string, tx: Tx = db()): Promise<Rollout | null> {
  const r = await tx.rollout.findFirst({ where: { environment: env, endedAt: null }, orderBy: { startedAt: "desc" } });
  return r ? toRollout(r) : null;
}

/** Every environment's running canary (what the control plane loads when it starts). */
export async function listRunningRollouts(tx: Tx = db()): Promise<Rollout[]> {
  const rows = await tx.rollout.findMany({ where: { endedAt: null }, orderBy: { startedAt: "desc" } });
  return rows.map(toRollout);
}

export async function createRollout(tx: Tx, env: string, r: { versionId: string; target: CanaryTarget; nodes: string[] | null; actor: string }): Promise<Rollout> {
  const row = await tx.rollout.create({ data: { environment: env, versionId: r.versionId, target: JSON.stringify(r.target), nodes: r.nodes ? JSON.stringify(r.nodes) : null, actor: r.actor } });
  return toRollout(row);
}

/** Ends environment `env`'s running rollout, if any; answers it. */
export async function endRollout(tx: Tx, env: string, outcome: "promoted" | "aborted" | "rolled_back" | "guard_aborted"): Promise<Rollout | null> {
  const running = await getRunningRollout(env, tx);
  if (!running) return null;
  await tx.rollout.update({ where: { id: running.id }, data: { endedAt: new Date(), outcome } });
  return running;
}
