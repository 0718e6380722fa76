// DraftChange: which resources each draft revision changed and who changed them, for the `changes` of a 409
// answered to a stale If-Match. Only the latest KEEP_REVISIONS revisions are kept.
import { db, type Tx } from "../db";

export const KEEP_REVISIONS = 300;

export type DraftChangeKind = "listener" | "virtual_host" | "route" | "cluster" | "route_tests";
export type DraftChangeType = "added" | "removed" | "changed" | "moved";
export interface DraftEdit { kind: DraftChangeKind; name: string; change: DraftChangeType }
export interface DraftChangeEntry extends DraftEdit { revision: number; actor: string; at: Date }

/**
 * Records what revision `revision` changed and forgets revisions older than the last KEEP_REVISIONS.
 * `actorTeams`: the teams of an actor that may change only what those teams own (lib/teams/); null: anything.
 */
export async function recordDraftChanges(tx: Tx, env: string, revision: number, actor: string, at: Date, edits: DraftEdit[], actorTeams: string[] | null = null): Promise<void> {
  const teams = actorTeams === null ? null : JSON.stringify(actorTeams);
  if (edits.length) await tx.draftChange.createMany({ data: edits.map((e) => ({ environment: env, revision, actor, at, kind: e.kind, name: e.name, change: e.change, actorTeams: teams })) });
  await tx.draftChange.deleteMany({ where: { environment: env, revision: { lte: revision - KEEP_REVISIONS } } });
}

/** Changes made after revision `since` up to `current`, oldest first; `complete` is false when some were forgotten. */
export async function draftChangesSince(env: string, since: number, current: number, tx: Tx = db()): Promise<{ changes: DraftChangeEntry[]; complete: boolean }> {
  const rows = await tx.draftChange.findMany({ where: { environment: env, revision: { gt: since } }, orderBy: [{ revision: "asc" }, { id: "asc" }] });
  return {
    changes: rows.map((r) => ({ revision: r.revision, actor: r.actor, at: r.at, kind: r.kind as DraftChangeKind, name: r.name, change: r.change as DraftChangeType })),
    complete: since >= current - KEEP_REVISIONS,
  };
}

/** A change made after `after` by an actor limited to what their teams own (lib/teams/publish-check.ts). */
export interface TeamLimitedChange extends DraftChangeEntry { actorTeams: string[] }

/** Changes made after time `after` (null: ever) by actors limited to their teams, oldest first. */
export async function teamLimitedChangesAfter(env: string, after: Date | null, tx: Tx = db()): Promise<TeamLimitedChange[]> {
  const rows = await tx.draftChange.findMany({
    where: { environment: env, actorTeams: { not: null }, ...(after ? { at: { gt: after } } : {}) },
    orderBy: [{ revision: "asc" }, { id: "asc" }],
  });
  return rows.map((r) => {
    let teams: unknown = [];
    try {
      teams = JSON.parse(r.actorTeams ?? "[]");
    } catch {
      teams = [];
    }
    return {
      revision: r.revision, actor: r.actor, at: r.at, kind: r.kind as DraftChangeKind, name: r.name, change: r.change as DraftChangeType,
      actorTeams: Array.isArray(teams) ? teams.map(String) : [],
    };
  });
}
