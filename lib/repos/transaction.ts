// One database transaction for a unit of work spanning several repos (services never touch Prisma directly).
import { db, type Tx } from "../db";
import { transactionScope } from "../sqlite-gate";

export type { Tx };

/**
 * Prisma closes an interactive transaction after 5 s by default ("Transactions", Prisma docs); replacing a draft of
 * 10,000 routes on PostgreSQL writes for longer than that, so the limit is a minute, and a change waits up to 10 s
 * for another to finish before it is refused.
 */
const TIMEOUT_MS = 60_000;
const MAX_WAIT_MS = 10_000;

export function transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db().$transaction((tx) => transactionScope.run(true, () => fn(tx)), { timeout: TIMEOUT_MS, maxWait: MAX_WAIT_MS });
}
