// Event: the event feed (worker events and the console's publishes, rollbacks, NACKs, connects, disconnects).
import { db, type Tx } from "../db";

export interface EventRecord {
  id: number;
  /** epoch ms */
  ts: number;
  node: string;
  kind: string;
  cluster: string | null;
  details: Record<string, unknown>;
}

export interface EventFilter {
  since?: number;
  until?: number;
  kind?: string;
  cluster?: string;
  node?: string;
  limit: number;
}

type Row = { id: number; ts: bigint; node: string; kind: string; cluster: string | null; details: string };

const record = (r: Row): EventRecord => ({ id: r.id, ts: Number(r.ts), node: r.node, kind: r.kind, cluster: r.cluster, details: parseDetails(r.details) });

function parseDetails(s: string): Record<string, unknown> {
  try {
    const v = JSON.parse(s);
    return v && typeof v === "object" && !Array.isArray(v) ? v : { value: v };
  } catch {
    return {};
  }
}

export async function insertEvents(events: EventRecord[], tx: Tx = db()): Promise<void> {
  if (!events.length) return;
  await tx.event.createMany({
    data: events.map((e) => ({ id: e.id, ts: BigInt(e.ts), node: e.node, kind: e.kind, cluster: e.cluster, details: JSON.stringify(e.details) })),
  });
}

export async function maxEventId(tx: Tx = db()): Promise<number> {
  const r = await tx.event.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
  return r?.id ?? 0;
}

/** Newest first. */
export async function listEvents(f: EventFilter, tx: Tx = db()): Promise<EventRecord[]> {
  const ts = f.since !== undefined || f.until !== undefined ? { ...(f.since !== undefined ? { gte: BigInt(f.since) } : {}), ...(f.until !== undefined ? { lte: BigInt(f.until) } : {}) } : undefined;
  const rows = await tx.event.findMany({
    where: { ...(ts ? { ts } : {}), ...(f.kind ? { kind: f.kind } : {}), ...(f.cluster ? { cluster: f.cluster } : {}), ...(f.node ? { node: f.node } : {}) },
    orderBy: [{ ts: "desc" }, { id: "desc" }],
    take: f.limit,
  });
  return rows.map(record);
}

/** Events of one kind with `ts` in [since, until], oldest first. */
export async function eventsOfKind(kind: string, since: number, until: number, tx: Tx = db()): Promise<EventRecord[]> {
  const rows = await tx.event.findMany({ where: { kind, ts: { gte: BigInt(since), lte: BigInt(until) } }, orderBy: [{ ts: "asc" }, { id: "asc" }] });
  return rows.map(record);
}

/** Deletes at most `limit` events older than `ts`; returns how many went. */
export async function deleteEventsBefore(ts: number, limit: number, tx: Tx = db()): Promise<number> {
  return tx.$executeRaw`DELETE FROM "Event" WHERE "id" IN (SELECT "id" FROM "Event" WHERE "ts" < ${BigInt(ts)} LIMIT ${limit})`;
}
