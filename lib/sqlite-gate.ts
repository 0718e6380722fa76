// SQLite runs on one better-sqlite3 connection per process. Prisma's adapter (@prisma/adapter-better-sqlite3)
// serialises interactive transactions with a mutex, but a query outside a transaction does not wait for it: it
// runs on the same connection, between the open transaction's BEGIN and its COMMIT, so it becomes part of that
// transaction, answers success, and is undone if the transaction rolls back. A rollup batch, an event batch or a
// node's ACK written while a publish refused inside its transaction would be lost without a trace.
// This gate holds queries outside a transaction while one is open. A query issued from inside a transaction's own
// callback without its client (transactionScope marks those) is let through, as before, instead of waiting for
// the transaction it is part of.
import { AsyncLocalStorage } from "node:async_hooks";
import type { SqlDriverAdapter } from "@prisma/driver-adapter-utils";

const KEY = Symbol.for("signalbox.transactionScope");
const g = globalThis as unknown as Record<symbol, AsyncLocalStorage<true> | undefined>;

/** Marks the work of an interactive transaction's callback (lib/repos/transaction.ts runs it inside). */
export const transactionScope: AsyncLocalStorage<true> = (g[KEY] ??= new AsyncLocalStorage<true>());

export function gateOutsideTransactions(a: SqlDriverAdapter): SqlDriverAdapter {
  let active = 0;
  let idle: Promise<void> = Promise.resolve();
  let wake = () => {};
  const enter = () => {
    if (active++ === 0) idle = new Promise<void>((r) => (wake = r));
  };
  const leave = () => {
    if (--active === 0) wake();
  };
  const outside = async () => {
    while (active > 0 && !transactionScope.getStore()) await idle;
  };
  const queryRaw = a.queryRaw.bind(a);
  const executeRaw = a.executeRaw.bind(a);
  const executeScript = a.executeScript.bind(a);
  const startTransaction = a.startTransaction.bind(a);
  a.queryRaw = async (q) => {
    await outside();
    return queryRaw(q);
  };
  a.executeRaw = async (q) => {
    await outside();
    return executeRaw(q);
  };
  a.executeScript = async (s) => {
    await outside();
    return executeScript(s);
  };
  a.startTransaction = async (isolationLevel) => {
    // counted from the request on: a transaction waiting for the adapter's mutex is about to open
    enter();
    let tx;
    try {
      tx = await startTransaction(isolationLevel);
    } catch (e) {
      leave();
      throw e;
    }
    let ended = false;
    const end = () => {
      if (!ended) leave();
      ended = true;
    };
    const commit = tx.commit.bind(tx);
    const rollback = tx.rollback.bind(tx);
    tx.commit = async () => {
      try {
        return await commit();
      } finally {
        end();
      }
    };
    tx.rollback = async () => {
      try {
        return await rollback();
      } finally {
        end();
      }
    };
    return tx;
  };
  return a;
}
