// Leases: a job that must run on one console replica at a time (the publish guard, retention pruning, the
// certificate expiry watch) runs while this replica holds its named lease. A lease is held until `expiresAt` and
// renewed well before it (singleton.ts: a 10 s TTL renewed every 3 s), so a replica that dies without releasing it
// (SIGKILL, a lost machine) is replaced within the TTL, and a clean shutdown releases it for the next one at once.
// Every change of holder bumps `epoch`: the grant a job got carries it, and `fence(tx, grant)` inside the job's
// write transaction refuses the write unless the lease still has that holder and epoch, so a replica that was
// paused past its TTL (a long GC, SIGSTOP, a network partition) and lost the lease meanwhile cannot write after the
// new holder took over. Expiry compares the replicas' clocks: skew between them moves when a takeover happens,
// never whether two holders can both write (the fence decides that in the database).
import { ApiError } from "../errors";
import { createLease, extendLease, getLease, holdLease, releaseLease as releaseRow, takeLease, type LeaseRow } from "../repos/lease-repo";
import type { Tx } from "../repos/transaction";
import { replicaId } from "./replica-id";

export const LEASE_TTL_MS = 10_000;

/** What a replica holds: the lease `name` as `holder` at `epoch`, until `expiresAt` unless renewed. */
export interface LeaseGrant {
  name: string;
  holder: string;
  epoch: number;
  expiresAt: Date;
}

export interface LeaseOpts {
  /** who asks; this process's replicaId() */
  holder?: string;
  ttlMs?: number;
  /** this replica's clock, epoch ms */
  now?: () => number;
}

/** The outcome of a try: the grant, or who holds the lease now (null when another replica won a race just now). */
export type LeaseAttempt = { grant: LeaseGrant; current?: undefined } | { grant: null; current: LeaseRow | null };

/**
 * Takes the lease when nobody holds it (never held, released, or expired), bumping its epoch; also when the row
 * names this very holder, which is a previous process under the same SIGNALBOX_REPLICA_ID: the new epoch fences it.
 */
export async function acquireLease(name: string, o: LeaseOpts = {}): Promise<LeaseAttempt> {
  const holder = o.holder ?? replicaId();
  const now = o.now?.() ?? Date.now();
  const expiresAt = new Date(now + (o.ttlMs ?? LEASE_TTL_MS));
  const row = await getLease(name);
  if (!row) {
    const grant = { name, holder, epoch: 1, expiresAt };
    return (await createLease(grant)) ? { grant } : { grant: null, current: await getLease(name) };
  }
  if (row.holder !== holder && row.expiresAt.getTime() > now) return { grant: null, current: row };
  const grant = { name, holder, epoch: row.epoch + 1, expiresAt };
  return (await takeLease(name, row.epoch, new Date(now), grant)) ? { grant } : { grant: null, current: await getLease(name) };
}

/** Extends a lease still held under `grant` (a new grant, same epoch); null once another replica took it over. */
export async function renewLease(grant: LeaseGrant, o: Omit<LeaseOpts, "holder"> = {}): Promise<LeaseGrant | null> {
  const expiresAt = new Date((o.now?.() ?? Date.now()) + (o.ttlMs ?? LEASE_TTL_MS));
  return (await extendLease(grant.name, grant.holder, grant.epoch, expiresAt)) ? { ...grant, expiresAt } : null;
}

/** Gives the lease up so another replica takes it at its next try; false when it was no longer held under `grant`. */
export function releaseLease(grant: LeaseGrant): Promise<boolean> {
  return releaseRow(grant.name, grant.holder, grant.epoch);
}

/** Who holds the lease `name` (expired or released rows too), for logs and tests. */
export function currentLease(name: string): Promise<LeaseRow | null> {
  return getLease(name);
}

/**
 * Call first inside a job's write transaction: throws 409 `lease_lost` (rolling the transaction back) unless the lease
 * still has the grant's holder and epoch, and keeps the lease row locked until the transaction ends, so no takeover
 * lands between this check and the job's writes.
 */
export async function fence(tx: Tx, grant: LeaseGrant): Promise<void> {
  if (await holdLease(tx, grant.name, grant.holder, grant.epoch)) return;
  throw new ApiError(409, "lease_lost", `this console replica (${grant.holder}) no longer holds the "${grant.name}" lease it was granted at epoch ${grant.epoch}: another replica took it over, so this write was not made`);
}
