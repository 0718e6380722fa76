// The header's node counts (GET /api/draft/status `nodes` and `canary`). Each connected node is counted against
// the version it should run, as the hub sends it (lib/control-plane/hub.ts targetOf): a running canary's version
// when the canary targets it, the live version otherwise. So a canary node that runs the canary is up to date,
// not pending the live version, and a node is "rejected" only when its NACK named its own version. Pure.
import { nodeState } from "../control-plane/nodes";
import { nodeLabels, type NodeInfo } from "../repos/node-repo";
import { targets, type CanaryRule } from "./target";

export type CountedNode = Pick<NodeInfo, "id" | "connected" | "appliedVersionId" | "lastError" | "lastErrorVersionId" | "labels">;

export interface FleetCounts {
  /** every connected node against its own version */
  nodes: { total: number; connected: number; applied: number; rejected: number };
  /** the connected nodes the canary targets, against the canary version; null without a canary */
  canary: { targeted: number; applied: number; rejected: number } | null;
}

export function fleetCounts(nodes: CountedNode[], liveId: string | null, canary: { versionId: string; rule: CanaryRule } | null): FleetCounts {
  const connected = nodes.filter((n) => n.connected);
  const inCanary = (n: CountedNode) => canary !== null && targets(canary.rule, n.id, nodeLabels(n));
  const expected = (n: CountedNode) => (canary !== null && inCanary(n) ? canary.versionId : liveId);
  const count = (list: CountedNode[], state: "applied" | "rejected") => list.filter((n) => nodeState(n, expected(n)) === state).length;
  const targeted = connected.filter(inCanary);
  return {
    nodes: { total: nodes.length, connected: connected.length, applied: count(connected, "applied"), rejected: count(connected, "rejected") },
    canary: canary ? { targeted: targeted.length, applied: count(targeted, "applied"), rejected: count(targeted, "rejected") } : null,
  };
}
