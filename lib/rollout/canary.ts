// The canary side of publishing (lib/config/publish.ts): refusing a publish while a canary runs, starting one
// inside the publish's transaction, and telling the control plane which nodes get which version.
import { ApiError } from "../errors";
import type { CanaryTarget } from "../contract/rollout";
import { getControlPlane } from "../control-plane/registry";
import { listNodes } from "../repos/node-repo";
import { createRollout, getRunningRollout, type Rollout } from "../repos/rollout-repo";
import type { Tx } from "../repos/transaction";
import type { Version } from "../repos/version-repo";
import { pickPercent, ruleOf } from "./target";
import { recordCanaryStarted } from "./canary-events";
import { currentEnvironment } from "../environment/scope";

/** 409 canary_in_progress while a canary runs: it has to be promoted or aborted before anything else is published. */
export async function refuseDuringCanary(tx?: Tx): Promise<void> {
  const r = await getRunningRollout(currentEnvironment(), tx);
  if (r)
    throw new ApiError(409, "canary_in_progress", `a canary of version ${r.versionId} is running: promote it (POST /api/versions/${r.versionId}/promote) or abort it (POST /api/versions/${r.versionId}/abort) first`, { versionId: r.versionId });
}

/** The ids of environment `env`'s connected nodes, from the Node table: every console replica's, not only this one's. */
async function connectedNodeIds(env: string): Promise<string[]> {
  return (await listNodes()).filter((n) => n.connected && n.environment === env).map((n) => n.id);
}

/** Resolves a percent over the nodes connected now, before the publish's transaction opens. */
export async function resolveTarget(target: CanaryTarget, seed: string): Promise<string[] | null> {
  if (target.percent === undefined) return null;
  return pickPercent(await connectedNodeIds(currentEnvironment()), target.percent, seed);
}

export async function startRollout(tx: Tx, version: Version, target: CanaryTarget, nodes: string[] | null, actor: string): Promise<Rollout> {
  return createRollout(tx, version.environment, { versionId: version.id, target, nodes, actor });
}

/** Tells the control plane environment `env`'s canary started (its nodes are sent `v`) or, with null, ended. */
export function notifyCanary(env: string, v: Version | null, rollout: Rollout | null): void {
  try {
    const cp = getControlPlane();
    if (!v || !rollout) return cp?.setCanary?.(env, null);
    cp?.setCanary?.(env, { version: { id: v.id, number: v.number, snapshot: v.snapshot, author: v.author, message: v.message }, rule: ruleOf(rollout) });
  } catch (e) {
    console.error("[rollout] pushing the canary failed:", e);
  }
  if (v && rollout) void recordCanaryStarted(v, rollout);
}
