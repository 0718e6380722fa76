// The header's draft state: the live version, the draft's revision and hash, its changes against the live
// version, and how the connected nodes are doing with the version each should run (the live one, or a running
// canary's for the nodes it targets: lib/rollout/fleet-counts.ts).
import { listNodes } from "../repos/node-repo";
import { getRunningRollout } from "../repos/rollout-repo";
import { versionNumbers } from "../repos/version-repo";
import { ruleOf } from "../rollout/target";
import { fleetCounts } from "../rollout/fleet-counts";
import { composeResources } from "./draft-mapper";
import { getLiveVersion, readDraft } from "./draft-read";
import { pendingChanges } from "./pending";
import { canonicalJson } from "./canonical";
import { getDraftSuite, getVersionSuite } from "../repos/route-test-repo";
import { currentEnvironment } from "../environment/scope";

export async function draftStatus() {
  const env = currentEnvironment();
  const [{ rows, revision }, live, allNodes, suite, rollout] = await Promise.all([readDraft(), getLiveVersion(), listNodes(), getDraftSuite(env), getRunningRollout(env)]);
  // the header counts the nodes of the environment being edited
  const nodes = allNodes.filter((n) => n.environment === env);
  const [liveSuite, numbers] = await Promise.all([live ? getVersionSuite(live.id) : null, rollout ? versionNumbers([rollout.versionId]) : null]);
  const pending = pendingChanges(composeResources(rows), live);
  const counts = fleetCounts(nodes, live?.id ?? null, rollout ? { versionId: rollout.versionId, rule: ruleOf(rollout) } : null);
  return {
    live: live ? { id: live.id, number: live.number, hash: live.hash } : null,
    revision,
    draftHash: pending.draftHash,
    changes: pending.changes,
    routeTestsChanged: canonicalJson(suite) !== canonicalJson(liveSuite),
    // a node counts as rejecting its version only when its last NACK named that version
    nodes: counts.nodes,
    canary: rollout && counts.canary ? { versionId: rollout.versionId, number: numbers?.get(rollout.versionId) ?? null, ...counts.canary } : null,
  };
}
