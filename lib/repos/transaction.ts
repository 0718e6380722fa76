// One database transaction for a unit of work spanning several repos (services never touch Prisma directly).
import { db, type Tx } from "../db";
import { transactionScope } from "./sqlite-gate";

export type { Tx };

export function transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db().$transaction((tx) => transactionScope.run(true, () => fn(tx)));
}
