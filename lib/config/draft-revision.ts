// Optimistic concurrency on the draft: every write names the revision it was made on (If-Match), and a write
// made on an older revision is refused with 409 and what changed since, so no one's edit is silently lost.
// And the one place draft rows are written: only changed rows (draft-repo.ts), a new revision and its
// DraftChange log when anything changed, and the audit entry, all in the caller's transaction.
import { ApiError } from "../errors";
import type { Tx } from "../repos/transaction";
import { addAudit } from "../repos/audit-repo";
import { draftChangesSince, recordDraftChanges, type DraftChangeEntry } from "../repos/draft-change-repo";
import { bumpDraftRevision, getDraftState } from "../repos/draft-state-repo";
import { planIsEmpty, writeDraftRows } from "../repos/draft-repo";
import { draftEdits, type DraftEdit } from "./draft-edits";
import type { DraftRows } from "./draft-mapper";
import { adoptIds } from "./row-identity";
import { currentEnvironment } from "../environment/scope";
import { currentActor } from "../actor-scope";
import { checkOwnership } from "../teams/ownership-guard";

/** How a write was asked for: who, and the revision its If-Match named (null/absent: none was sent). */
export interface WriteOpts { ifMatch?: number | null }
/** What a draft write answers: its result and the draft's revision after it (the response's ETag). */
export interface Written<T> { value: T; revision: number }

const plural = (n: number, one: string, many = one + "s") => `${n} ${n === 1 ? one : many}`;
const KIND_LABEL: Record<string, string> = { listener: "listener", virtual_host: "virtual host", route: "route", cluster: "cluster", route_tests: "route tests" };

/** "alice changed route api_v1, added cluster b; bob removed route x" (at most `max` items). */
export function describeChanges(changes: Pick<DraftChangeEntry, "actor" | "kind" | "name" | "change">[], max = 6): string {
  const byActor = new Map<string, string[]>();
  for (const c of changes.slice(0, max)) {
    const list = byActor.get(c.actor) ?? [];
    list.push(`${c.change} ${KIND_LABEL[c.kind] ?? c.kind} ${c.name}`);
    byActor.set(c.actor, list);
  }
  const text = [...byActor].map(([actor, items]) => `${actor} ${items.join(", ")}`).join("; ");
  return changes.length > max ? `${text} and ${plural(changes.length - max, "more change")}` : text;
}

/** The 409 for a write made on revision `ifMatch` while the draft is at `current`. */
export async function staleRevision(ifMatch: number, current: number, tx?: Tx): Promise<ApiError> {
  if (ifMatch > current)
    return new ApiError(409, "conflict", `If-Match names revision ${ifMatch}, but the draft is at revision ${current}: reload it and reapply your change`, { current, changes: [], complete: false });
  const { changes, complete } = await draftChangesSince(currentEnvironment(), ifMatch, current, tx);
  const what = changes.length ? describeChanges(changes) : "changes no longer on record";
  return new ApiError(409, "conflict", `the draft changed since revision ${ifMatch} (now ${current}): ${what}. Reload it and reapply your change`, {
    current,
    changes: changes.map((c) => ({ ...c, at: c.at.toISOString() })),
    complete,
  });
}

/** Throws the 409 when `ifMatch` is set and is not the current revision; returns the current revision. */
export async function checkRevision(opts: WriteOpts, tx?: Tx): Promise<number> {
  const { revision } = await getDraftState(currentEnvironment(), tx);
  if (opts.ifMatch !== undefined && opts.ifMatch !== null && opts.ifMatch !== revision) throw await staleRevision(opts.ifMatch, revision, tx);
  return revision;
}

export interface AuditSpec { action: string; target: string; details?: Record<string, unknown> }
const MAX_AUDITED_EDITS = 50;

/**
 * Writes `after` over `before` (the rows read under the config lock, at revision `from`) inside `tx`: rows
 * keep the ids of what they replace, only changed rows are written, and when anything changed the revision
 * moves to `from + 1` with its DraftChange log. The audit entry records the revision, the edits and whether
 * the client sent If-Match. A write that changes nothing keeps the revision.
 */
export async function writeDraft(
  tx: Tx,
  w: { before: DraftRows; after: DraftRows; from: number; actor: string; opts: WriteOpts; audit: AuditSpec },
): Promise<{ revision: number; edits: DraftEdit[] }> {
  const env = currentEnvironment();
  adoptIds(w.before, w.after);
  // teams: owners stay with their rows, and an editor may change only what their teams own (403 otherwise)
  const { actorTeams } = checkOwnership(currentActor(), w.before, w.after);
  const plan = await writeDraftRows(tx, env, w.before, w.after);
  const edits = planIsEmpty(plan) ? [] : draftEdits(w.before, w.after);
  let revision = w.from;
  if (!planIsEmpty(plan)) {
    const at = new Date();
    const bumped = await bumpDraftRevision(tx, env, w.from, w.actor, at);
    if (bumped === null) throw await staleRevision(w.from, (await getDraftState(env, tx)).revision, tx);
    revision = bumped;
    await recordDraftChanges(tx, env, revision, w.actor, at, edits, actorTeams);
  }
  await addAudit(tx, {
    actor: w.actor, action: w.audit.action, target: w.audit.target,
    details: {
      ...w.audit.details,
      environment: env,
      revision,
      ifMatch: w.opts.ifMatch !== undefined && w.opts.ifMatch !== null,
      changes: edits.slice(0, MAX_AUDITED_EDITS),
      ...(edits.length > MAX_AUDITED_EDITS ? { moreChanges: edits.length - MAX_AUDITED_EDITS } : {}),
    },
  });
  return { revision, edits };
}
