"use client";
// The Nodes page's banner while a canary runs: "v8 canary on 1 of 3 nodes — Promote / Abort", each behind a
// confirm dialog (Escape or Cancel says no).
import { useState } from "react";
import { errorMessage } from "@/components/queries/api-client";
import { useEndCanaryMutation, useRolloutQuery } from "@/components/queries/use-rollout";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { RolloutView } from "@/lib/contract/rollout";
import { useReadOnly, useReadOnlyReason } from "@/components/queries/use-session";

/** How the canary picks its nodes, in words. */
export function describeTarget(t: RolloutView["target"]): string {
  if (t.nodes) return `nodes ${t.nodes.join(", ")}`;
  if (t.selector) return `labels ${Object.entries(t.selector).map(([k, v]) => `${k}=${v}`).join(",")}`;
  return `${t.percent}% of nodes`;
}

export function CanaryBanner() {
  const rollout = useRolloutQuery({ refetchInterval: 2000 }).data?.rollout ?? null;
  const end = useEndCanaryMutation();
  // a viewer watches the canary; ending it is an editor's
  const readOnly = useReadOnly();
  const lockedReason = useReadOnlyReason();
  const [asking, setAsking] = useState<"promote" | "abort" | null>(null);
  if (!rollout) return null;
  const v = rollout.versionNumber !== null ? `v${rollout.versionNumber}` : rollout.versionId.slice(0, 8);
  const live = rollout.liveVersionNumber !== null ? `v${rollout.liveVersionNumber}` : "the live version";
  const run = (action: "promote" | "abort") => end.mutate({ id: rollout.versionId, action }, { onSuccess: () => setAsking(null) });
  return (
    <div className="alert warn" role="status" data-testid="canary-banner" style={{ marginBottom: 12 }}>
      <span>
        <strong>
          {v} canary on {rollout.targeted.length} of {rollout.connected} node{rollout.connected === 1 ? "" : "s"}
        </strong>{" "}
        <span className="small muted">
          ({describeTarget(rollout.target)}; {rollout.applied} applied; the others run {live})
        </span>
      </span>
      <span className="row" style={{ marginLeft: "auto", gap: 6 }}>
        <button type="button" className="btn primary" onClick={() => setAsking("promote")} disabled={readOnly} title={lockedReason}>
          Promote
        </button>
        <button type="button" className="btn" onClick={() => setAsking("abort")} disabled={readOnly} title={lockedReason}>
          Abort
        </button>
      </span>
      {asking && (
        <ConfirmDialog
          title={asking === "promote" ? `Promote ${v}?` : `Abort the ${v} canary?`}
          confirmLabel={asking === "promote" ? `Promote ${v} to all nodes` : "Abort canary"}
          danger={asking === "abort"}
          pending={end.isPending}
          onClose={() => setAsking(null)}
          onConfirm={() => run(asking)}
        >
          <p style={{ margin: 0 }}>
            {asking === "promote"
              ? `${v} becomes the live version and every connected node is sent it.`
              : `The canary nodes go back to ${live}; ${v} stays in the history and is not live.`}
          </p>
          {end.isError && (
            <div className="alert" role="alert">
              {errorMessage(end.error)}
            </div>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}
