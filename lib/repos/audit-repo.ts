// AuditEvent: append-only trail of config changes.
import { db, type Tx } from "../db";

export interface AuditEntry { id: string; at: Date; actor: string; action: string; target: string; details: unknown }

/** Which entries a read keeps: exactly `actor`; `action` itself or any action under it (`draft` → `draft.*`). */
export interface AuditFilter { actor?: string; action?: string }

export async function addAudit(tx: Tx, e: { actor: string; action: string; target: string; details?: unknown }): Promise<void> {
  await tx.auditEvent.create({ data: { actor: e.actor, action: e.action, target: e.target, details: JSON.stringify(e.details ?? {}), at: new Date() } });
}

/** addAudit as a write of its own, for a service that has no transaction open (the publish guard's entries). */
export async function recordAudit(e: Parameters<typeof addAudit>[1]): Promise<void> {
  await addAudit(db(), e);
}

/**
 * Newest first, older than `before` when given. `after` continues a read where its last row left off (the order is
 * `at` then `id`, so rows written in the same millisecond are neither skipped nor repeated).
 */
export async function listAudit(
  opts: { limit?: number; before?: Date; after?: { at: Date; id: string } } & AuditFilter = {},
  tx: Tx = db(),
): Promise<AuditEntry[]> {
  const rows = await tx.auditEvent.findMany({
    where: {
      AND: [
        opts.before ? { at: { lt: opts.before } } : {},
        opts.after ? { OR: [{ at: { lt: opts.after.at } }, { at: opts.after.at, id: { lt: opts.after.id } }] } : {},
        opts.actor !== undefined ? { actor: opts.actor } : {},
        opts.action !== undefined ? { OR: [{ action: opts.action }, { action: { startsWith: `${opts.action}.` } }] } : {},
      ],
    },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: opts.limit ?? 100,
  });
  return rows.map((r) => ({ id: r.id, at: r.at, actor: r.actor, action: r.action, target: r.target, details: safeParse(r.details) }));
}

function safeParse(s: string): unknown {
  try { return JSON.parse(s); } catch { return s; }
}
