// Rollback: a new version whose snapshot equals an older one's; it goes live and the draft is reset to it.
// Resetting the draft would throw away unpublished edits, so a dirty draft is refused (409 draft_dirty, with
// the pending changes) unless the caller says `discardDraft`.
import { ApiError, notFound } from "../errors";
import { transaction, type Tx } from "../repos/transaction";
import { loadDraftRows } from "../repos/draft-repo";
import { swapLiveVersionId } from "../repos/live-state-repo";
import { createVersion, getVersion, type Version } from "../repos/version-repo";
import { getVersionSuite, setDraftSuite, setVersionSuite } from "../repos/route-test-repo";
import { serialized } from "./draft-lock";
import { composeResources, decompose } from "./draft-mapper";
import { getLiveVersion } from "./draft-read";
import { checkRevision, writeDraft, type WriteOpts, type Written } from "./draft-revision";
import { notifyLive } from "./notify";
import { describePending, pendingChanges } from "./pending";
import { endRollout } from "../repos/rollout-repo";
import { notifyCanary } from "../rollout/canary";
import { currentEnvironment } from "../environment/scope";

export interface RollbackOpts extends WriteOpts {
  message?: string;
  /** reset a draft with unpublished changes too (they are lost) */
  discardDraft?: boolean;
  /** roll back only while this version is live (the guard: a publish that landed meanwhile is not undone) */
  onlyIfLive?: string;
  /** called first inside the write transaction; throwing refuses the rollback (the guard: lib/replicas/lease.ts fence) */
  fence?: (tx: Tx) => Promise<void>;
}

/**
 * New version whose snapshot equals version `id`'s; it becomes live and the draft is reset to it. Answers the
 * version and the draft's revision after the reset.
 */
export async function rollback(id: string, actor: string, opts: RollbackOpts = {}): Promise<Written<Version>> {
  const env = currentEnvironment();
  const w = await serialized(async () => {
    const target = await getVersion(id);
    if (!target) throw notFound(`version ${id} not found`);
    if (target.environment !== env)
      throw new ApiError(409, "wrong_environment", `version ${id} belongs to environment ${target.environment}, not ${env}: roll back there, or promote it to ${env}`);
    const from = await checkRevision(opts);
    const [before, live] = await Promise.all([loadDraftRows(env), getLiveVersion()]);
    if (opts.onlyIfLive !== undefined && live?.id !== opts.onlyIfLive)
      throw new ApiError(409, "live_changed", `version ${opts.onlyIfLive} is no longer live${live ? ` (v${live.number} is)` : ""}: nothing rolled back`);
    const pending = pendingChanges(composeResources(before), live);
    if (pending.dirty && !opts.discardDraft) {
      const n = pending.changes.length;
      throw new ApiError(
        409, "draft_dirty",
        `the draft has ${n} unpublished change${n === 1 ? "" : "s"} (${describePending(pending.changes)}) that rolling back would discard: publish or discard ${n === 1 ? "it" : "them"} first, or roll back with {"discardDraft": true}`,
        { changes: pending.changes },
      );
    }
    const next = decompose({ static_resources: target.snapshot });
    return transaction(async (tx) => {
      await opts.fence?.(tx);
      const version = await createVersion(tx, env, {
        hash: target.hash, author: actor, message: opts.message?.trim() || `Rollback to v${target.number}`,
        snapshot: target.snapshot, parentId: live?.id ?? null, rollbackOfId: target.id,
      });
      await swapLiveVersionId(tx, env, live?.id ?? null, version.id);
      // a rollback ends a running canary: every node goes to the version rolled back to
      const canary = await endRollout(tx, env, "rolled_back");
      // the route tests travel with the config: the new version and the draft take the target's suite
      const suite = await getVersionSuite(target.id, tx);
      await setVersionSuite(tx, version.id, suite);
      await setDraftSuite(tx, env, suite, actor, new Date());
      const { revision } = await writeDraft(tx, {
        before, after: next, from, actor, opts,
        audit: {
          action: "version.rollback", target: version.id,
          details: {
            number: version.number, hash: version.hash, rollbackOf: target.id, rollbackOfNumber: target.number,
            ...(pending.dirty ? { discardedDraft: pending.changes } : {}),
            ...(canary ? { endedCanary: canary.versionId } : {}),
          },
        },
      });
      return { value: version, revision, endedCanary: canary !== null };
    });
  });
  // live first, then the canary's end: canary nodes go straight to the new live version, never back to the old one
  notifyLive(w.value);
  if (w.endedCanary) notifyCanary(env, null, null);
  return { value: w.value, revision: w.revision };
}
