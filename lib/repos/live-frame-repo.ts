// LiveFrame: each console replica's per-second frames of the nodes it holds (lib/telemetry/frame-exchange.ts), read
// by the other replicas sharing the database and pruned after a minute. UNLOGGED on PostgreSQL.
import { db, type Tx } from "../db";

export interface LiveFrameRow {
  /** the replica that wrote it (lib/replicas/replica-id.ts) */
  replica: string;
  /** second start, epoch ms */
  t: number;
  /** lib/telemetry/frame-exchange.ts's LiveFrameData, JSON */
  data: string;
}

export async function insertLiveFrames(rows: LiveFrameRow[], tx: Tx = db()): Promise<void> {
  if (!rows.length) return;
  await tx.liveFrame.createMany({ data: rows.map((r) => ({ replica: r.replica, t: BigInt(r.t), data: r.data })) });
}

/** Other replicas' rows with `t > after`, oldest first (the `t` index: a second's worth of rows per replica). */
export async function liveFramesAfter(after: number, exceptReplica: string, tx: Tx = db()): Promise<LiveFrameRow[]> {
  const rows = await tx.liveFrame.findMany({
    where: { t: { gt: BigInt(after) }, replica: { not: exceptReplica } },
    orderBy: [{ t: "asc" }, { id: "asc" }],
    select: { replica: true, t: true, data: true },
  });
  return rows.map((r) => ({ replica: r.replica, t: Number(r.t), data: r.data }));
}

/** Deletes every row older than `t`; returns how many went (a minute of rows: one short statement). */
export async function deleteLiveFramesBefore(t: number, tx: Tx = db()): Promise<number> {
  return (await tx.liveFrame.deleteMany({ where: { t: { lt: BigInt(t) } } })).count;
}
