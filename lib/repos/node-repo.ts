// Node: proxy workers known to the console and what they run. Each row names the console replica holding the
// node's session (several replicas may share the database); reads count a node as disconnected once that
// replica stops beating (its Replica row goes stale), so a replica killed with its sessions does not leave its
// nodes "connected". A replica with no row at all (a clean stop removes it after releasing its nodes) is trusted.
import { db, type Tx } from "../db";
import { replicaAlive } from "./replica-repo";

export interface NodeInfo {
  id: string;
  /** the worker's --environment */
  environment: string;
  connected: boolean;
  address: string | null;
  connectedAt: Date | null;
  lastSeen: Date;
  appliedVersionId: string | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  /** the version `lastError` refused (null on rows written before the console recorded it) */
  lastErrorVersionId: string | null;
  /** the worker's --node-label pairs, JSON (nodeLabels() reads it) */
  labels: string | null;
  /** the console replica holding its session (null: none recorded) */
  replica: string | null;
}

/** A row's labels as an object ({} when none or unreadable). */
export function nodeLabels(n: Pick<NodeInfo, "labels">): Record<string, string> {
  if (!n.labels) return {};
  try {
    const v: unknown = JSON.parse(n.labels);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** Every node; `connected` is false for a node whose replica stopped beating. */
export async function listNodes(tx: Tx = db()): Promise<NodeInfo[]> {
  const [nodes, replicas] = await Promise.all([tx.node.findMany({ orderBy: { id: "asc" } }), tx.replica.findMany({ select: { id: true, lastSeen: true } })]);
  const now = Date.now();
  const dead = new Set(replicas.filter((r) => !replicaAlive(r, now)).map((r) => r.id));
  return nodes.map((n) => (n.connected && n.replica !== null && dead.has(n.replica) ? { ...n, connected: false } : n));
}

/** Marks disconnected the nodes held by `replica` (its sessions are gone), or every node when `replica` is null. */
export async function releaseNodes(replica: string | null, tx: Tx = db()): Promise<void> {
  await tx.node.updateMany({ where: replica === null ? { connected: true } : { connected: true, replica }, data: { connected: false } });
}

/** Marks disconnected the nodes held by the `dead` replicas (they stopped beating without releasing them). */
export async function releaseOrphanNodes(dead: string[], tx: Tx = db()): Promise<number> {
  if (!dead.length) return 0;
  return (await tx.node.updateMany({ where: { connected: true, replica: { in: dead } }, data: { connected: false } })).count;
}

/** `labels`: the hello's; a hello without them clears the row's (the worker was restarted without the flag). */
export async function nodeConnected(id: string, replica: string, environment: string, address: string | null, appliedVersionId: string | null, labels: Record<string, string> | null = null, tx: Tx = db()): Promise<void> {
  const now = new Date();
  const data = { connected: true, replica, environment, address, connectedAt: now, lastSeen: now, appliedVersionId, labels: labels && Object.keys(labels).length ? JSON.stringify(labels) : null };
  await tx.node.upsert({ where: { id }, create: { id, ...data }, update: data });
}

/** Node `id`'s session on `replica` closed; a session it opened on another replica since is left alone. */
export async function nodeDisconnected(id: string, replica: string, tx: Tx = db()): Promise<void> {
  await tx.node.updateMany({ where: { id, replica }, data: { connected: false, lastSeen: new Date() } });
}

export async function nodeApplied(id: string, versionId: string, tx: Tx = db()): Promise<void> {
  await tx.node.updateMany({ where: { id }, data: { appliedVersionId: versionId, lastError: null, lastErrorAt: null, lastErrorVersionId: null, lastSeen: new Date() } });
}

/** A NACK: `rejectedVersionId` is the version it refuses, `appliedVersionId` the one it keeps serving. */
export async function nodeRejected(id: string, error: string, appliedVersionId: string | null, rejectedVersionId: string, tx: Tx = db()): Promise<void> {
  const now = new Date();
  await tx.node.updateMany({ where: { id }, data: { lastError: error, lastErrorAt: now, lastErrorVersionId: rejectedVersionId, appliedVersionId, lastSeen: now } });
}

export async function nodeSeen(id: string, tx: Tx = db()): Promise<void> {
  await tx.node.updateMany({ where: { id }, data: { lastSeen: new Date() } });
}
