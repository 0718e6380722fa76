// Replica: one row per console process sharing the database, with its heartbeat (lib/replicas/heartbeat.ts).
import { db, type Tx } from "../db";

export interface ReplicaInfo {
  id: string;
  address: string;
  pid: number;
  startedAt: Date;
  lastSeen: Date;
}

/** A replica that has not beaten for this long is gone: the nodes it held count as disconnected. */
export const REPLICA_TTL_MS = 10_000;

export function replicaAlive(r: Pick<ReplicaInfo, "lastSeen">, now = Date.now()): boolean {
  return now - r.lastSeen.getTime() < REPLICA_TTL_MS;
}

export async function beat(r: Omit<ReplicaInfo, "lastSeen">, at = new Date(), tx: Tx = db()): Promise<void> {
  await tx.replica.upsert({ where: { id: r.id }, create: { ...r, lastSeen: at }, update: { lastSeen: at, address: r.address, pid: r.pid } });
}

export async function listReplicas(tx: Tx = db()): Promise<ReplicaInfo[]> {
  return tx.replica.findMany({ orderBy: { startedAt: "asc" } });
}

/** A clean shutdown: the row goes, so nobody waits out its TTL. */
export async function removeReplica(id: string, tx: Tx = db()): Promise<void> {
  await tx.replica.deleteMany({ where: { id } });
}

/** Rows of replicas silent since `before` (a replica id is new on every start unless SIGNALBOX_REPLICA_ID names it). */
export async function pruneReplicas(before: Date, tx: Tx = db()): Promise<number> {
  return (await tx.replica.deleteMany({ where: { lastSeen: { lt: before } } })).count;
}
