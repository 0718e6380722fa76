// IdBlock: number ranges handed out to console replicas sharing the database (name "event": Event ids), so a
// replica numbers what it records at once, in memory, and no two replicas ever hand out the same number.
import { db, type Tx } from "../db";

type NextRow = { next: number | bigint };

/**
 * Reserves `count` numbers of sequence `name` for this process: answers the first, the range is
 * [first, first + count). One statement moves `next` (UPDATE … RETURNING on both stores: PostgreSQL locks the row,
 * so concurrent reservations queue behind each other; SQLite has one writer at a time), so two replicas never get
 * overlapping ranges. The first reservation ever creates the row from `floor()` (the first number not used yet,
 * e.g. max(Event.id) + 1); two replicas creating it at once meet in ON CONFLICT, the second one's insert becoming
 * an increment of the first one's row.
 */
export async function reserveIds(name: string, count: number, floor: () => Promise<number>, tx: Tx = db()): Promise<number> {
  if (!Number.isInteger(count) || count < 1) throw new Error(`reserveIds: count must be a positive integer, not ${count}`);
  const bumped = await tx.$queryRaw<NextRow[]>`UPDATE "IdBlock" SET "next" = "next" + ${count} WHERE "name" = ${name} RETURNING "next"`;
  if (bumped.length) return Number(bumped[0].next) - count;
  const first = Math.max(1, await floor());
  const created = await tx.$queryRaw<NextRow[]>`
    INSERT INTO "IdBlock" ("name", "next") VALUES (${name}, ${first + count})
    ON CONFLICT ("name") DO UPDATE SET "next" = "IdBlock"."next" + ${count}
    RETURNING "next"`;
  return Number(created[0].next) - count;
}

/** The first number of `name` no replica holds yet (null: none handed out). */
export async function nextId(name: string, tx: Tx = db()): Promise<number | null> {
  const r = await tx.idBlock.findUnique({ where: { name } });
  return r?.next ?? null;
}
