// SharedKey: keys the console replicas sharing a database agree on. The first replica to need one stores its
// candidate; every later one (and every racing one) reads what was stored.
import { db, type Tx } from "../db";

/** The stored value of key `name`, storing `candidate` first when there is none. */
export async function sharedKey(name: string, candidate: string, tx: Tx = db()): Promise<string> {
  await tx.sharedKey.upsert({ where: { name }, create: { name, value: candidate }, update: {} }).catch((e: unknown) => {
    // two replicas inserting at once: the other one's row is there now
    if (!(e && typeof e === "object" && "code" in e && e.code === "P2002")) throw e;
  });
  const row = await tx.sharedKey.findUniqueOrThrow({ where: { name } });
  return row.value;
}
