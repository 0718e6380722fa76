// The header's draft state: the live version, the draft's revision and hash, its changes against the live
// version, and how the connected nodes are doing with the version each should run (the live one, or a running
// canary's for the nodes it targets: lib/rollout/fleet-counts.ts).
import { listNodes } from "../repos/node-repo";
import { getRunningRollout } from "../repos/rollout-repo";
import { getVersion, getVersionSummary, versionNumbers } from "../repos/version-repo";
import { getLiveVersionId } from "../repos/live-state-repo";
import { ruleOf } from "../rollout/target";
import { fleetCounts } from "../rollout/fleet-counts";
import { composeResources, type DraftRows } from "./draft-mapper";
import { readDraft } from "./draft-read";
import { pendingChanges, type Pending } from "./pending";
import { warmDraftDiff } from "./diff/config-diff";
import { canonicalJson } from "./canonical";
import { getDraftSuite, getVersionSuite } from "../repos/route-test-repo";
import { currentEnvironment } from "../environment/scope";

/**
 * The pending changes of one set of draft rows against one live version. Every page asks for the status, and at
 * 10,000 routes composing the draft and reading the live snapshot to compare them is ~0.4 s: the rows object
 * stands for one revision (draft-read.ts keeps it while the draft is at it), so the answer is kept with it.
 */
const pendingByRows = new WeakMap<DraftRows, { liveId: string | null; pending: Pending }>();

async function pendingOf(rows: DraftRows, liveId: string | null): Promise<Pending> {
  const kept = pendingByRows.get(rows);
  if (kept && kept.liveId === liveId) return kept.pending;
  const live = liveId ? await getVersion(liveId) : null;
  const pending = pendingChanges(composeResources(rows), live);
  pendingByRows.set(rows, { liveId, pending });
  return pending;
}

export async function draftStatus() {
  const env = currentEnvironment();
  const [{ rows, revision }, liveId, allNodes, suite, rollout] = await Promise.all([readDraft(), getLiveVersionId(env), listNodes(), getDraftSuite(env), getRunningRollout(env)]);
  // the header counts the nodes of the environment being edited
  const nodes = allNodes.filter((n) => n.environment === env);
  const [live, pending, liveSuite, numbers] = await Promise.all([
    liveId ? getVersionSummary(liveId) : null,
    pendingOf(rows, liveId),
    liveId ? getVersionSuite(liveId) : null,
    rollout ? versionNumbers([rollout.versionId]) : null,
  ]);
  // whoever sees pending changes may open Review next: its diff is computed now, not when they click
  if (pending.dirty) setTimeout(() => void warmDraftDiff().catch(() => {}), 0).unref();
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
