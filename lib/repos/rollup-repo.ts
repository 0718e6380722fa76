// TelemetryRollup: one step (10 s or 60 s) of one node's charted series per row (lib/telemetry/frame.ts), as
// JSON; node "*" is the fleet added up.
import { db, type Tx } from "../db";

export interface RollupRow {
  /** bucket length, ms */
  step: number;
  node: string;
  /** bucket start, epoch ms */
  t: number;
  /** the frame, JSON */
  data: string;
}

export async function insertRollups(rows: RollupRow[], tx: Tx = db()): Promise<void> {
  if (!rows.length) return;
  await tx.telemetryRollup.createMany({ data: rows.map((r) => ({ step: r.step, node: r.node, t: BigInt(r.t), data: r.data })) });
}

/** Rows of one resolution and node (or "*") with `from <= t < to`, oldest first. */
export async function listRollups(step: number, node: string, from: number, to: number, tx: Tx = db()): Promise<RollupRow[]> {
  const rows = await tx.telemetryRollup.findMany({
    where: { step, node, t: { gte: BigInt(from), lt: BigInt(to) } },
    orderBy: { t: "asc" },
    select: { t: true, data: true },
  });
  return rows.map((r) => ({ step, node, t: Number(r.t), data: r.data }));
}

/** Deletes at most `limit` rows older than `t`; returns how many went (batches keep each statement short). */
export async function deleteRollupsBefore(t: number, limit: number, tx: Tx = db()): Promise<number> {
  return tx.$executeRaw`DELETE FROM "TelemetryRollup" WHERE "id" IN (SELECT "id" FROM "TelemetryRollup" WHERE "t" < ${BigInt(t)} LIMIT ${limit})`;
}
