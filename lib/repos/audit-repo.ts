// AuditEvent: append-only trail of config changes.
import { db, type Tx } from "../db";
import type { Actor } from "../actor";
import { currentActor } from "../actor-scope";

export interface AuditEntry { id: string; at: Date; actor: string; action: string; target: string; details: unknown; source: string | null; actorKind: string }

/** Which entries a read keeps: exactly `actor`; `action` itself or any action under it (`draft` → `draft.*`). */
export interface AuditFilter { actor?: string; action?: string }

/**
 * `actor` is an Actor, or the name a service was handed (the author of a draft change or a version): then how it
 * authenticated and its address come from the request being handled (lib/actor-scope.ts), and outside any request
 * (guard and canary timers, start-up) it is the console itself. `actorKind` overrides the kind ("anonymous" for a
 * failed sign-in).
 */
export async function addAudit(tx: Tx, e: { actor: Actor | string; action: string; target: string; details?: unknown; source?: string | null; actorKind?: string }): Promise<void> {
  const who = typeof e.actor === "string" ? currentActor() : e.actor;
  const name = typeof e.actor === "string" ? e.actor : e.actor.name;
  await tx.auditEvent.create({
    data: {
      actor: name,
      action: e.action,
      target: e.target,
      details: JSON.stringify(e.details ?? {}),
      at: new Date(),
      source: e.source !== undefined ? e.source : (who?.source ?? null),
      actorKind: e.actorKind ?? who?.kind ?? "system",
    },
  });
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
  return rows.map((r) => ({ id: r.id, at: r.at, actor: r.actor, action: r.action, target: r.target, details: safeParse(r.details), source: r.source, actorKind: r.actorKind }));
}

function safeParse(s: string): unknown {
  try { return JSON.parse(s); } catch { return s; }
}
