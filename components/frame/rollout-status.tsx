"use client";
// Follows a publish node by node: pending → applied ✓, or rejected ✗ with the worker's reason.
import { useNodesQuery } from "@/components/queries/use-nodes-query";
import type { NodeRow } from "@/components/queries/types";
import { StatusChip } from "@/components/ui/status-chip";

function stateFor(node: NodeRow, versionId: string, since: number): "applied" | "pending" | "rejected" {
  if (node.appliedVersionId === versionId) return "applied";
  const errAt = node.lastErrorAt ? Date.parse(node.lastErrorAt) : NaN;
  if (node.lastError && (Number.isNaN(errAt) || errAt >= since - 2000)) return "rejected";
  return "pending";
}

export function RolloutStatus({ versionId, number, since }: { versionId: string; number: number | null; since: number }) {
  const nodes = useNodesQuery(versionId, { refetchInterval: 1000 });
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
            const s = stateFor(n, versionId, since);
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
