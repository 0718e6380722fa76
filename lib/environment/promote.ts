// Promotion: a version of one environment becomes the next version of another (staging v12 → production v31),
// with its origin recorded, live there at once and pushed to that environment's nodes, its route tests with it.
// Like a rollback it resets the target's draft to what goes live, so a target draft with unpublished changes
// is refused (409 draft_dirty, listing them) unless the caller says `discardDraft`.
import { ApiError, notFound } from "../errors";
import { addAudit } from "../repos/audit-repo";
import { loadDraftRows } from "../repos/draft-repo";
import { getEnvironment } from "../repos/environment-repo";
import { getLiveVersionId, swapLiveVersionId } from "../repos/live-state-repo";
import { getVersionSuite, setDraftSuite, setVersionSuite } from "../repos/route-test-repo";
import { transaction } from "../repos/transaction";
import { createVersion, getVersion, getVersionSummary, type Version } from "../repos/version-repo";
import { canonicalJson } from "../config/canonical";
import { serialized } from "../config/draft-lock";
import { composeResources, decompose } from "../config/draft-mapper";
import { getLiveVersion } from "../config/draft-read";
import { checkRevision, writeDraft, type WriteOpts } from "../config/draft-revision";
import { notifyLive } from "../config/notify";
import { describePending, pendingChanges } from "../config/pending";
import { refuseDuringCanary } from "../rollout/canary";
import { inEnvironment } from "./scope";

export interface PromoteOpts extends WriteOpts {
  message?: string;
  discardDraft?: boolean;
}

/** Version `versionId` (of another environment) becomes environment `target`'s next live version. */
export async function promoteToEnvironment(target: string, versionId: string, actor: string, opts: PromoteOpts = {}): Promise<Version> {
  if (!(await getEnvironment(target))) throw notFound(`environment ${target} does not exist`);
  const v = await inEnvironment(target, () =>
    serialized(async () => {
      const source = await getVersion(versionId);
      if (!source) throw notFound(`version ${versionId} not found`);
      if (source.environment === target)
        throw new ApiError(400, "bad_request", `versionId: v${source.number} is already environment ${target}'s: roll back to it instead`, { errors: [{ path: "versionId", message: `already environment ${target}'s` }] });
      const from = await checkRevision(opts);
      await refuseDuringCanary();
      const [before, live, suite] = await Promise.all([loadDraftRows(target), getLiveVersion(), getVersionSuite(source.id)]);
      if (live && live.hash === source.hash && canonicalJson(await getVersionSuite(live.id)) === canonicalJson(suite))
        throw new ApiError(409, "no_changes", `environment ${target} runs this config already (v${live.number}): nothing to promote`);
      const pending = pendingChanges(composeResources(before), live);
      if (pending.dirty && !opts.discardDraft) {
        const n = pending.changes.length;
        throw new ApiError(
          409, "draft_dirty",
          `environment ${target}'s draft has ${n} unpublished change${n === 1 ? "" : "s"} (${describePending(pending.changes)}) that the promotion would replace: publish or discard ${n === 1 ? "it" : "them"} there first, or promote with {"discardDraft": true}`,
          { changes: pending.changes },
        );
      }
      const message = opts.message?.trim() || `Promote ${source.environment} v${source.number}: ${source.message}`;
      return transaction(async (tx) => {
        const version = await createVersion(tx, target, {
          hash: source.hash, author: actor, message, snapshot: source.snapshot, parentId: live?.id ?? null, rollbackOfId: null, promotedFromId: source.id,
        });
        await setVersionSuite(tx, version.id, suite);
        await swapLiveVersionId(tx, target, live?.id ?? null, version.id);
        // a canary started on another console replica meanwhile (it went through the same pointer row)
        await refuseDuringCanary(tx);
        await setDraftSuite(tx, target, suite, actor, new Date());
        await writeDraft(tx, {
          before, after: decompose({ static_resources: source.snapshot }), from, actor, opts,
          audit: {
            action: "environment.promote", target: version.id,
            details: {
              number: version.number, hash: version.hash, from: { environment: source.environment, versionId: source.id, number: source.number },
              ...(pending.dirty ? { discardedDraft: pending.changes } : {}),
            },
          },
        });
        await addAudit(tx, { actor, action: "version.publish", target: version.id, details: { environment: target, number: version.number, hash: version.hash, message, promotedFrom: source.id } });
        return version;
      });
    }),
  );
  notifyLive(v);
  return v;
}

/** The live version's number of each environment (null where nothing is published). */
export async function liveNumber(env: string): Promise<number | null> {
  const id = await getLiveVersionId(env);
  return id ? ((await getVersionSummary(id))?.number ?? null) : null;
}
