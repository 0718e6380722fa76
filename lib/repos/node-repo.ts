// Node: proxy workers known to the console and what they run.
import { db, type Tx } from "../db";

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

export async function listNodes(tx: Tx = db()): Promise<NodeInfo[]> {
  return tx.node.findMany({ orderBy: { id: "asc" } });
}

export async function markAllDisconnected(tx: Tx = db()): Promise<void> {
  await tx.node.updateMany({ where: { connected: true }, data: { connected: false } });
}

/** `labels`: the hello's; a hello without them clears the row's (the worker was restarted without the flag). */
export async function nodeConnected(id: string, environment: string, address: string | null, appliedVersionId: string | null, labels: Record<string, string> | null = null, tx: Tx = db()): Promise<void> {
  const now = new Date();
  const data = { connected: true, environment, address, connectedAt: now, lastSeen: now, appliedVersionId, labels: labels && Object.keys(labels).length ? JSON.stringify(labels) : null };
  await tx.node.upsert({ where: { id }, create: { id, ...data }, update: data });
}

export async function nodeDisconnected(id: string, tx: Tx = db()): Promise<void> {
  await tx.node.updateMany({ where: { id }, data: { connected: false, lastSeen: new Date() } });
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
