// Discard: the draft is reset to the live version, throwing away every unpublished edit. The preview lists
// what would go, with the revision to send as If-Match so exactly what was previewed is discarded.
import { getVersionSuite, setDraftSuite } from "../repos/route-test-repo";
import { conflict } from "../errors";
import { transaction } from "../repos/transaction";
import { loadDraftRows } from "../repos/draft-repo";
import type { ResourceChange } from "./diff";
import { serialized } from "./draft-lock";
import { composeResources, decompose } from "./draft-mapper";
import { getLiveVersion, readDraft } from "./draft-read";
import { checkRevision, writeDraft, type WriteOpts, type Written } from "./draft-revision";
import { pendingChanges } from "./pending";
import { currentEnvironment } from "../environment/scope";

export interface DiscardPreview {
  revision: number;
  live: { id: string; number: number; hash: string } | null;
  draftHash: string;
  /** what discarding would undo: the draft against the live version, resource by resource */
  changes: ResourceChange[];
}

export async function discardPreview(): Promise<DiscardPreview> {
  const [{ rows, revision }, live] = await Promise.all([readDraft(), getLiveVersion()]);
  const p = pendingChanges(composeResources(rows), live);
  return { revision, live: live ? { id: live.id, number: live.number, hash: live.hash } : null, draftHash: p.draftHash, changes: p.changes };
}

/** Resets the draft to the live version (409 when nothing is live, or on a stale If-Match); audited as draft.discard. */
export async function discardDraft(actor: string, opts: WriteOpts = {}): Promise<Written<DiscardPreview>> {
  return serialized(async () => {
    const from = await checkRevision(opts);
    const env = currentEnvironment();
    const [before, live] = await Promise.all([loadDraftRows(env), getLiveVersion()]);
    if (!live) throw conflict("nothing is published yet: there is no live version to reset the draft to");
    const p = pendingChanges(composeResources(before), live);
    const next = decompose({ static_resources: live.snapshot });
    const { revision } = await transaction(async (tx) => {
      // the route tests are part of the draft: they go back to the live version's too
      await setDraftSuite(tx, env, await getVersionSuite(live.id, tx), actor, new Date());
      return writeDraft(tx, { before, after: next, from, actor, opts, audit: { action: "draft.discard", target: "draft", details: { live: live.number, discarded: p.changes } } });
    });
    return { value: { revision, live: { id: live.id, number: live.number, hash: live.hash }, draftHash: live.hash, changes: p.changes }, revision };
  });
}
