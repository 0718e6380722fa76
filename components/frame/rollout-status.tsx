"use client";
// Follows a publish node by node: pending → applied ✓, or rejected ✗ with the worker's reason.
import { useNodesQuery } from "@/components/queries/use-nodes-query";
import type { NodeRow } from "@/components/queries/types";
import { StatusChip } from "@/components/ui/status-chip";

function stateFor(node: NodeRow, versionId: string): "applied" | "pending" | "rejected" {
  if (node.appliedVersion === versionId) return "applied";
  // lastError is cleared on every ACK: present means the node refused the newest snapshot it got
  if (node.lastError) return "rejected";
  return "pending";
}

export function RolloutStatus({ versionId, number }: { versionId: string; number: number | null }) {
  const nodes = useNodesQuery({ refetchInterval: 1000 });
  const rows = (nodes.data ?? []).filter((n) => n.connected);
  return (
    <section aria-label="Rollout">
      <h3>Rollout{number !== null ? ` of v${number}` : ""}</h3>
      {nodes.isPending ? (
        <p className="muted">Waiting for nodes…</p>
      ) : rows.length === 0 ? (
        <p className="muted">No node is connected; the version will be applied when one connects.</p>
      ) : (
        <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0, gap: 6 }}>
          {rows.map((n) => {
            const s = stateFor(n, versionId);
            return (
              <li key={n.id} className="row wrap" data-testid={`rollout-${n.id}`}>
                <code>{n.id}</code>
                {s === "applied" ? (
                  <StatusChip tone="green">applied ✓</StatusChip>
                ) : s === "rejected" ? (
                  <StatusChip tone="red">rejected ✗</StatusChip>
                ) : (
                  <StatusChip tone="amber">pending…</StatusChip>
                )}
                {s === "rejected" && <span className="field-error">{n.lastError}</span>}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
