// The /api/nodes view of the Node table: each node with where it stands relative to the live version.
import type { NodeState, NodeView } from "../contract/nodes";
import type { z } from "zod";
import { getLiveVersionId } from "../repos/live-state-repo";
import { listNodes, type NodeInfo } from "../repos/node-repo";
import { versionNumbers } from "../repos/version-repo";

/** The console clears `lastError` on every ACK, so an error present means the last snapshot was refused. */
export function nodeState(n: Pick<NodeInfo, "connected" | "appliedVersionId" | "lastError">, liveId: string | null): NodeState {
  if (n.lastError) return "rejected";
  if (liveId !== null && n.appliedVersionId === liveId) return "applied";
  return n.connected ? "pending" : "unknown";
}

export async function listNodeViews(): Promise<z.input<typeof NodeView>[]> {
  const [nodes, liveId] = await Promise.all([listNodes(), getLiveVersionId()]);
  const numbers = await versionNumbers(nodes.map((n) => n.appliedVersionId).filter((x): x is string => !!x));
  return nodes.map((n) => ({
    id: n.id,
    connected: n.connected,
    appliedVersion: n.appliedVersionId,
    appliedVersionNumber: n.appliedVersionId ? (numbers.get(n.appliedVersionId) ?? null) : null,
    lastError: n.lastError,
    lastErrorAt: n.lastErrorAt,
    connectedAt: n.connectedAt,
    lastSeen: n.lastSeen,
    address: n.address,
    state: nodeState(n, liveId),
  }));
}
