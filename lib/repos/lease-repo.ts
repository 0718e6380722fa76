// Lease: named leases for jobs that run on one console replica at a time (lib/replicas/lease.ts says how they are
// taken, renewed and fenced). Every change of holder is one compare-and-swap statement, so two replicas racing for a
// lease on PostgreSQL (READ COMMITTED: the second UPDATE waits for the first and re-checks its WHERE against the row
// the first wrote) or on SQLite (one writer at a time) never both win. Rows are never deleted: `epoch` only grows, so
// a grant from before a release or a takeover can never match the row again.
import { db, type Tx } from "../db";

export interface LeaseRow {
  name: string;
  /** the replica holding it; "" once released */
  holder: string;
  epoch: number;
  expiresAt: Date;
}

export async function getLease(name: string, tx: Tx = db()): Promise<LeaseRow | null> {
  return tx.lease.findUnique({ where: { name } });
}

/** The first grant of a lease nobody ever held; false when another replica created the row first. */
export async function createLease(row: LeaseRow, tx: Tx = db()): Promise<boolean> {
  try {
    await tx.lease.create({ data: row });
    return true;
  } catch (e) {
    // P2002: unique constraint failed (Prisma docs, "Error message reference"), the primary key taken meanwhile
    if ((e as { code?: unknown }).code === "P2002") return false;
    throw e;
  }
}

/**
 * Takes the lease from the row read at `epoch`, if it still is at that epoch and either expired by `now` or held by
 * `to.holder` itself (a restart under the same SIGNALBOX_REPLICA_ID). False when another replica took or renewed it first.
 */
export async function takeLease(name: string, epoch: number, now: Date, to: LeaseRow, tx: Tx = db()): Promise<boolean> {
  const r = await tx.lease.updateMany({
    where: { name, epoch, OR: [{ expiresAt: { lte: now } }, { holder: to.holder }] },
    data: { holder: to.holder, epoch: to.epoch, expiresAt: to.expiresAt },
  });
  return r.count === 1;
}

/** Moves the expiry of a lease still held by `holder` at `epoch`; false once another replica took it over. */
export async function extendLease(name: string, holder: string, epoch: number, expiresAt: Date, tx: Tx = db()): Promise<boolean> {
  const r = await tx.lease.updateMany({ where: { name, holder, epoch }, data: { expiresAt } });
  return r.count === 1;
}

/** Gives the lease up (expired, no holder), so the next replica to try takes it at once; false when no longer held. */
export async function releaseLease(name: string, holder: string, epoch: number, tx: Tx = db()): Promise<boolean> {
  const r = await tx.lease.updateMany({ where: { name, holder, epoch }, data: { holder: "", expiresAt: new Date(0) } });
  return r.count === 1;
}

/**
 * Inside a write transaction: true when `holder` still holds the lease at `epoch`. It writes the row (with the values
 * it has), so the row stays locked until the transaction ends: on PostgreSQL a takeover waits for the commit instead
 * of slipping in between this check and the writes after it; on SQLite the transaction holds the one write lock.
 */
export async function holdLease(tx: Tx, name: string, holder: string, epoch: number): Promise<boolean> {
  const r = await tx.lease.updateMany({ where: { name, holder, epoch }, data: { holder, epoch } });
  return r.count === 1;
}
