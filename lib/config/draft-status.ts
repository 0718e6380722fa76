// The header's draft state: the live version, the draft's revision and hash, its changes against the live
// version, and how the connected nodes are doing with the live version.
import { listNodes } from "../repos/node-repo";
import { rolloutCounts } from "../control-plane/nodes";
import { composeResources } from "./draft-mapper";
import { getLiveVersion, readDraft } from "./draft-read";
import { pendingChanges } from "./pending";
import { canonicalJson } from "./canonical";
import { getDraftSuite, getVersionSuite } from "../repos/route-test-repo";

export async function draftStatus() {
  const [{ rows, revision }, live, nodes, suite] = await Promise.all([readDraft(), getLiveVersion(), listNodes(), getDraftSuite()]);
  const liveSuite = live ? await getVersionSuite(live.id) : null;
  const pending = pendingChanges(composeResources(rows), live);
  return {
    live: live ? { id: live.id, number: live.number, hash: live.hash } : null,
    revision,
    draftHash: pending.draftHash,
    changes: pending.changes,
    routeTestsChanged: canonicalJson(suite) !== canonicalJson(liveSuite),
    // a node counts as rejecting the live version only when its last NACK named that version
    nodes: rolloutCounts(nodes, live?.id ?? null),
  };
}
