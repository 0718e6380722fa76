// The /api/nodes view of the Node table: the nodes of the current environment, each with where it stands
// relative to the version it should run (the environment's live version, or its canary's).
import type { NodeState, NodeView } from "../contract/nodes";
import type { z } from "zod";
import { getLiveVersionId } from "../repos/live-state-repo";
import { listNodes, nodeLabels, type NodeInfo } from "../repos/node-repo";
import { versionNumbers } from "../repos/version-repo";
import { getRunningRollout } from "../repos/rollout-repo";
import { ruleOf } from "../rollout/target";
import { targets } from "../rollout/target";
import { currentEnvironment } from "../environment/scope";

type StateInput = Pick<NodeInfo, "connected" | "appliedVersionId" | "lastError" | "lastErrorVersionId">;

/**
 * Whether the node refused version `versionId`. A NACK names the version it refuses and the next ACK clears
 * it, so an error recorded for another version says nothing about this one. Rows from before the console
 * recorded the version (null) count as refusing whatever is live, as they always did.
 */
export function rejected(n: StateInput, versionId: string | null): boolean {
  if (!n.lastError) return false;
  return n.lastErrorVersionId === null || n.lastErrorVersionId === versionId;
}

export function nodeState(n: StateInput, liveId: string | null): NodeState {
  if (liveId !== null && n.appliedVersionId === liveId) return "applied";
  if (rejected(n, liveId)) return "rejected";
  return n.connected ? "pending" : "unknown";
}

/** The live version's rollout over the connected nodes, as the header counts it. */
export function rolloutCounts(nodes: StateInput[], liveId: string | null) {
  const connected = nodes.filter((n) => n.connected);
  return {
    total: nodes.length,
    connected: connected.length,
    applied: liveId ? connected.filter((n) => n.appliedVersionId === liveId).length : 0,
    rejected: connected.filter((n) => nodeState(n, liveId) === "rejected").length,
  };
}

/** Whether node `id` is connected to a live console replica (whichever holds it: the Node table, not this hub). */
export async function isNodeConnected(id: string): Promise<boolean> {
  return (await listNodes()).some((n) => n.id === id && n.connected);
}

export async function listNodeViews(): Promise<z.input<typeof NodeView>[]> {
  const env = currentEnvironment();
  const [all, liveId, rollout] = await Promise.all([listNodes(), getLiveVersionId(env), getRunningRollout(env)]);
  const nodes = all.filter((n) => n.environment === env);
  // a running canary's version is the target of the nodes its rule picks (lib/rollout/target.ts), as the hub sends it
  const isCanary = (n: NodeInfo) => rollout !== null && targets(ruleOf(rollout), n.id, nodeLabels(n));
  const targetOf = (n: NodeInfo) => (rollout && isCanary(n) ? rollout.versionId : liveId);
  const ids = [...nodes.flatMap((n) => [n.appliedVersionId, n.lastErrorVersionId]), liveId, rollout?.versionId].filter((x): x is string => !!x);
  const numbers = await versionNumbers([...new Set(ids)]);
  const numberOf = (id: string | null) => (id ? (numbers.get(id) ?? null) : null);
  return nodes.map((n) => ({
    id: n.id,
    environment: n.environment,
    connected: n.connected,
    appliedVersion: n.appliedVersionId,
    appliedVersionNumber: numberOf(n.appliedVersionId),
    lastError: n.lastError,
    lastErrorAt: n.lastErrorAt,
    rejectedVersionId: n.lastError ? n.lastErrorVersionId : null,
    rejectedVersionNumber: n.lastError ? numberOf(n.lastErrorVersionId) : null,
    connectedAt: n.connectedAt,
    lastSeen: n.lastSeen,
    address: n.address,
    replica: n.replica,
    labels: nodeLabels(n),
    targetVersion: targetOf(n),
    targetVersionNumber: numberOf(targetOf(n)),
    canary: isCanary(n),
    state: nodeState(n, targetOf(n)),
  }));
}
