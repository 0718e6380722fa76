// ConfigVersion: immutable snapshots, numbered per environment. Ids are global: a version read by id needs no
// environment, a list or a new number does.
import { db, type Tx } from "../db";
import { liveChanged } from "./live-state-repo";
import type { z } from "zod";
import type { Resources } from "../config/draft-mapper";
import type { SnapshotResources } from "../contract/versions";

export interface VersionSummary {
  id: string;
  environment: string;
  number: number;
  hash: string;
  author: string;
  message: string;
  createdAt: Date;
  parentId: string | null;
  rollbackOfId: string | null;
  /** a promotion: the version of another environment it copies */
  promotedFromId: string | null;
}
/** the snapshot passed the proxy's schema when it was published */
export interface Version extends VersionSummary { snapshot: z.infer<typeof SnapshotResources> }

type Row = { id: string; environment: string; promotedFromId: string | null; number: number; hash: string; author: string; message: string; createdAt: Date; parentId: string | null; rollbackOfId: string | null; snapshot?: string };

const summary = (r: Row): VersionSummary => ({
  id: r.id, environment: r.environment, number: r.number, hash: r.hash, author: r.author, message: r.message, createdAt: r.createdAt,
  parentId: r.parentId, rollbackOfId: r.rollbackOfId, promotedFromId: r.promotedFromId,
});
const full = (r: Row & { snapshot: string }): Version => ({ ...summary(r), snapshot: JSON.parse(r.snapshot) });

const summarySelect = { id: true, environment: true, promotedFromId: true, number: true, hash: true, author: true, message: true, createdAt: true, parentId: true, rollbackOfId: true } as const;

/** Environment `env`'s versions, newest first: at most `limit`, and only those numbered below `before` when given. */
export async function listVersions(env: string, tx: Tx = db(), limit = 1000, before?: number): Promise<VersionSummary[]> {
  const where = before === undefined ? { environment: env } : { environment: env, number: { lt: before } };
  const rows = await tx.configVersion.findMany({ where, select: summarySelect, orderBy: { number: "desc" }, take: limit });
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

/** Versions of environment `env` (of every environment when undefined). */
export async function countVersions(env?: string, tx: Tx = db()): Promise<number> {
  return tx.configVersion.count({ where: env === undefined ? undefined : { environment: env } });
}

/** Version n+1 of environment `env`. */
export async function createVersion(
  tx: Tx,
  env: string,
  v: { hash: string; author: string; message: string; snapshot: Resources; parentId: string | null; rollbackOfId: string | null; promotedFromId?: string | null },
): Promise<Version> {
  const last = await tx.configVersion.findFirst({ where: { environment: env }, select: { number: true }, orderBy: { number: "desc" } });
  const r = await tx.configVersion
    .create({
      data: {
        environment: env, number: (last?.number ?? 0) + 1, hash: v.hash, author: v.author, message: v.message,
        snapshot: JSON.stringify(v.snapshot), parentId: v.parentId, rollbackOfId: v.rollbackOfId, promotedFromId: v.promotedFromId ?? null, createdAt: new Date(),
      },
      select: summarySelect,
    })
    .catch((e: unknown) => {
      // the number was taken meanwhile: another console replica made a version of this environment in between,
      // the same race the live pointer's compare-and-swap answers
      if (e && typeof e === "object" && "code" in e && e.code === "P2002") throw liveChanged(env);
      throw e;
    });
  // the snapshot it was given, not the stored text parsed back (a MiB at 10,000 routes)
  return { ...summary(r), snapshot: v.snapshot as Version["snapshot"] };
}

/** Version numbers of the given ids (unknown ids are absent). */
export async function versionNumbers(ids: string[], tx: Tx = db()): Promise<Map<string, number>> {
  if (!ids.length) return new Map();
  const rows = await tx.configVersion.findMany({ where: { id: { in: ids } }, select: { id: true, number: true } });
  return new Map(rows.map((r) => [r.id, r.number]));
}

/** Environment `env`'s versions created in [from, to), oldest first (the publish and rollback markers of time charts). */
export async function versionsCreatedBetween(env: string, from: Date, to: Date, tx: Tx = db()): Promise<VersionSummary[]> {
  const rows = await tx.configVersion.findMany({ where: { environment: env, createdAt: { gte: from, lt: to } }, select: summarySelect, orderBy: { number: "asc" } });
  return rows.map(summary);
}
