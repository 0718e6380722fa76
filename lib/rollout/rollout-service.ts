// Ending a canary: promote (its version goes live for every node) or abort (its nodes go back to the live
// version); and the running canary as GET /api/rollout shows it. Both run under the config lock, like publishes.
import { ApiError, notFound } from "../errors";
import type { RolloutView } from "../contract/rollout";
import type { z } from "zod";
import { serialized } from "../config/draft-lock";
import { notifyLive } from "../config/notify";
import { addAudit } from "../repos/audit-repo";
import { getLiveVersionId, swapLiveVersionId } from "../repos/live-state-repo";
import { listNodes, nodeLabels } from "../repos/node-repo";
import { endRollout, getRunningRollout, type Rollout } from "../repos/rollout-repo";
import { transaction, type Tx } from "../repos/transaction";
import { getVersion, versionNumbers, type Version } from "../repos/version-repo";
import { notifyCanary } from "./canary";
import { recordCanaryEnded } from "./canary-events";
import { ruleOf, targets } from "./target";
import { currentEnvironment } from "../environment/scope";

/** The running canary, which must be of version `id` (404 unknown version, 409 no_canary otherwise). */
async function runningCanaryOf(id: string): Promise<{ rollout: Rollout; version: Version }> {
  const version = await getVersion(id);
  if (!version) throw notFound(`version ${id} not found`);
  const rollout = await getRunningRollout(version.environment);
  if (!rollout || rollout.versionId !== id)
    throw new ApiError(409, "no_canary", `v${version.number} is not running as a canary${rollout ? ` (version ${rollout.versionId} is)` : ": no canary is running"}`);
  return { rollout, version };
}

/** The canary version goes live for every node; the rollout ends (audited `version.promote`). */
export async function promoteCanary(id: string, actor: string): Promise<Version> {
  const { version: v, rollout } = await serialized(async () => {
    const { rollout, version } = await runningCanaryOf(id);
    const previous = await getLiveVersionId(version.environment);
    await transaction(async (tx) => {
      await swapLiveVersionId(tx, version.environment, previous, version.id);
      await endRollout(tx, version.environment, "promoted");
      await addAudit(tx, { actor, action: "version.promote", target: version.id, details: { number: version.number, previousLive: previous, rollout: rollout.id, target: rollout.target } });
    });
    return { version, rollout };
  });
  recordCanaryEnded("promoted", v, rollout, actor);
  // live first: the canary's nodes run it already, the others get it; then the canary ends with nothing to send
  notifyLive(v);
  notifyCanary(v.environment, null, null);
  return v;
}

/**
 * The canary's nodes go back to the live version; the rollout ends (audited `version.canary.abort`). `fence` is
 * called first inside the write transaction (the guard's lease: lib/replicas/lease.ts); throwing refuses the abort.
 */
export async function abortCanary(id: string, actor: string, reason?: string, outcome: "aborted" | "guard_aborted" = "aborted", fence?: (tx: Tx) => Promise<void>): Promise<Version> {
  const { version: v, rollout } = await serialized(async () => {
    const { rollout, version } = await runningCanaryOf(id);
    await transaction(async (tx) => {
      await fence?.(tx);
      await endRollout(tx, version.environment, outcome);
      await addAudit(tx, { actor, action: "version.canary.abort", target: version.id, details: { number: version.number, rollout: rollout.id, target: rollout.target, ...(reason ? { reason } : {}) } });
    });
    return { version, rollout };
  });
  // the guard's own line says it aborted the canary, and why (lib/guard/watcher.ts)
  if (outcome === "aborted") recordCanaryEnded("aborted", v, rollout, actor, reason);
  notifyCanary(v.environment, null, null);
  return v;
}

/** GET /api/rollout: the running canary with the connected nodes it targets and how many run it. */
export async function rolloutView(): Promise<{ rollout: z.input<typeof RolloutView> | null }> {
  const env = currentEnvironment();
  const [rollout, liveId, nodes] = await Promise.all([getRunningRollout(env), getLiveVersionId(env), listNodes()]);
  if (!rollout) return { rollout: null };
  const connected = nodes.filter((n) => n.connected && n.environment === env);
  const rule = ruleOf(rollout);
  const targeted = connected.filter((n) => targets(rule, n.id, nodeLabels(n)));
  const numbers = await versionNumbers([rollout.versionId, ...(liveId ? [liveId] : [])]);
  return {
    rollout: {
      id: rollout.id,
      versionId: rollout.versionId,
      versionNumber: numbers.get(rollout.versionId) ?? null,
      liveVersionId: liveId,
      liveVersionNumber: liveId ? (numbers.get(liveId) ?? null) : null,
      target: rollout.target,
      targeted: targeted.map((n) => n.id),
      applied: targeted.filter((n) => n.appliedVersionId === rollout.versionId).length,
      connected: connected.length,
      actor: rollout.actor,
      startedAt: rollout.startedAt,
    },
  };
}

/** For server.ts: environment `env`'s running canary, as the hub loads it (null when none). */
export async function loadCanary(env: string) {
  const rollout = await getRunningRollout(env);
  if (!rollout) return null;
  const v = await getVersion(rollout.versionId);
  if (!v) return null;
  return { version: { id: v.id, number: v.number, snapshot: v.snapshot }, rule: ruleOf(rollout) };
}
