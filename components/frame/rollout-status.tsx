"use client";
// Follows one version's rollout node by node: pending → applied ✓, or rejected ✗ with the worker's reason.
// Only this version's outcome counts: a node's last error belongs to the version its NACK named
// (`rejectedVersionId`), so a rejection of an earlier version never shows here, not even for the second
// before the node answers this one.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { queryKeys } from "@/components/queries/keys";
import { useNodesQuery } from "@/components/queries/use-nodes-query";
import { StatusChip } from "@/components/ui/status-chip";
import { rolloutState } from "./rollout-state";

export function RolloutStatus({ versionId, number }: { versionId: string; number: number | null }) {
  const nodes = useNodesQuery({ refetchInterval: 1000 });
  const rows = (nodes.data ?? []).filter((n) => n.connected);
  const states = rows.map((n) => rolloutState(n, versionId, number));
  const applied = states.filter((s) => s === "applied").length;
  const rejected = states.filter((s) => s === "rejected").length;
  // a canary's rollout covers the nodes it targets; the others stay on the live version
  const inScope = states.filter((s) => s !== "outside").length;
  // the header counts the same nodes: let it move with this list rather than on its own polling clock
  const qc = useQueryClient();
  useEffect(() => {
    void qc.invalidateQueries({ queryKey: queryKeys.draftStatus(), exact: true });
    void qc.invalidateQueries({ queryKey: queryKeys.versions(), exact: true });
  }, [applied, rejected, qc]);
  return (
    <section aria-label="Rollout">
      <h3>
        Rollout{number !== null ? ` of v${number}` : ""}
        {rows.length > 0 && ` · ${applied}/${inScope} applied`}
      </h3>
      {nodes.isPending ? (
        <p className="muted">Waiting for nodes…</p>
      ) : rows.length === 0 ? (
        <p className="muted">No node is connected; the version will be applied when one connects.</p>
      ) : (
        <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0, gap: 6 }}>
          {rows.map((n, i) => {
            const s = states[i];
            return (
              <li key={n.id} className="row wrap" data-testid={`rollout-${n.id}`} data-state={s}>
                <code>{n.id}</code>
                {s === "applied" ? (
                  <StatusChip tone="green">applied ✓</StatusChip>
                ) : s === "rejected" ? (
                  <StatusChip tone="red">rejected ✗</StatusChip>
                ) : s === "superseded" ? (
                  <StatusChip tone="grey">superseded by v{n.appliedVersionNumber}</StatusChip>
                ) : s === "outside" ? (
                  <StatusChip tone="grey">not in the canary: stays on v{n.targetVersionNumber}</StatusChip>
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
