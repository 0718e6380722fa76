// ConfigVersion: immutable, numbered snapshots.
import { db, type Tx } from "../db";
import type { Resources } from "../config/draft-mapper";

export interface VersionSummary {
  id: string;
  number: number;
  hash: string;
  author: string;
  message: string;
  createdAt: Date;
  parentId: string | null;
  rollbackOfId: string | null;
}
export interface Version extends VersionSummary { snapshot: Resources }

type Row = { id: string; number: number; hash: string; author: string; message: string; createdAt: Date; parentId: string | null; rollbackOfId: string | null; snapshot?: string };

const summary = (r: Row): VersionSummary => ({
  id: r.id, number: r.number, hash: r.hash, author: r.author, message: r.message, createdAt: r.createdAt, parentId: r.parentId, rollbackOfId: r.rollbackOfId,
});
const full = (r: Row & { snapshot: string }): Version => ({ ...summary(r), snapshot: JSON.parse(r.snapshot) });

const summarySelect = { id: true, number: true, hash: true, author: true, message: true, createdAt: true, parentId: true, rollbackOfId: true } as const;

export async function listVersions(tx: Tx = db(), limit = 1000): Promise<VersionSummary[]> {
  const rows = await tx.configVersion.findMany({ select: summarySelect, orderBy: { number: "desc" }, take: limit });
  return rows.map(summary);
}

export async function getVersion(id: string, tx: Tx = db()): Promise<Version | null> {
  const r = await tx.configVersion.findUnique({ where: { id } });
  return r ? full(r) : null;
}

/** A version without its snapshot: what a publish compares against (the snapshot is MiBs at 10,000 routes). */
export async function getVersionSummary(id: string, tx: Tx = db()): Promise<VersionSummary | null> {
  const r = await tx.configVersion.findUnique({ where: { id }, select: summarySelect });
  return r ? summary(r) : null;
}

export async function countVersions(tx: Tx = db()): Promise<number> {
  return tx.configVersion.count();
}

export async function createVersion(
  tx: Tx,
  v: { hash: string; author: string; message: string; snapshot: Resources; parentId: string | null; rollbackOfId: string | null },
): Promise<Version> {
  const last = await tx.configVersion.findFirst({ select: { number: true }, orderBy: { number: "desc" } });
  const r = await tx.configVersion.create({
    data: {
      number: (last?.number ?? 0) + 1, hash: v.hash, author: v.author, message: v.message,
      snapshot: JSON.stringify(v.snapshot), parentId: v.parentId, rollbackOfId: v.rollbackOfId, createdAt: new Date(),
    },
  });
  return full(r);
}

/** Version numbers of the given ids (unknown ids are absent). */
export async function versionNumbers(ids: string[], tx: Tx = db()): Promise<Map<string, number>> {
  if (!ids.length) return new Map();
  const rows = await tx.configVersion.findMany({ where: { id: { in: ids } }, select: { id: true, number: true } });
  return new Map(rows.map((r) => [r.id, r.number]));
}

/** Versions created in [from, to), oldest first (the publish and rollback markers of time charts). */
export async function versionsCreatedBetween(from: Date, to: Date, tx: Tx = db()): Promise<VersionSummary[]> {
  const rows = await tx.configVersion.findMany({ where: { createdAt: { gte: from, lt: to } }, select: summarySelect, orderBy: { number: "asc" } });
  return rows.map(summary);
}
