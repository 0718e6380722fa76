// AuditEvent: append-only trail of config changes.
import { db, type Tx } from "../db";

export interface AuditEntry { at: Date; actor: string; action: string; target: string; details: unknown }

export async function addAudit(tx: Tx, e: { actor: string; action: string; target: string; details?: unknown }): Promise<void> {
  await tx.auditEvent.create({ data: { actor: e.actor, action: e.action, target: e.target, details: JSON.stringify(e.details ?? {}), at: new Date() } });
}

/** addAudit as a write of its own, for a service that has no transaction open (the publish guard's entries). */
export async function recordAudit(e: Parameters<typeof addAudit>[1]): Promise<void> {
  await addAudit(db(), e);
}

export async function listAudit(opts: { limit?: number; before?: Date } = {}, tx: Tx = db()): Promise<AuditEntry[]> {
  const rows = await tx.auditEvent.findMany({
    where: opts.before ? { at: { lt: opts.before } } : undefined,
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: opts.limit ?? 100,
  });
  return rows.map((r) => ({ at: r.at, actor: r.actor, action: r.action, target: r.target, details: safeParse(r.details) }));
}

function safeParse(s: string): unknown {
  try { return JSON.parse(s); } catch { return s; }
}
