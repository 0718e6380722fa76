// The /api/nodes view of the Node table.
import { listNodes } from "../repos/node-repo";
import { versionNumbers } from "../repos/version-repo";

export interface NodeView {
  id: string;
  connected: boolean;
  /** version id the node runs (ACKed), or null */
  appliedVersion: string | null;
  appliedVersionNumber: number | null;
  lastError: string | null;
  lastSeen: Date;
  /** the worker's admin address, as it reported it */
  address: string | null;
}

export async function listNodeViews(): Promise<NodeView[]> {
  const nodes = await listNodes();
  const numbers = await versionNumbers(nodes.map((n) => n.appliedVersionId).filter((x): x is string => !!x));
  return nodes.map((n) => ({
    id: n.id,
    connected: n.connected,
    appliedVersion: n.appliedVersionId,
    appliedVersionNumber: n.appliedVersionId ? (numbers.get(n.appliedVersionId) ?? null) : null,
    lastError: n.lastError,
    lastSeen: n.lastSeen,
    address: n.address,
  }));
}
