"use client";
// Roll back: show what changes (live → target) first, then publish the old snapshot as a new version.
import { useState } from "react";
import { errorMessage } from "@/components/queries/api-client";
import { ActionFooter } from "@/components/ui/action-footer";
import type { Version } from "@/components/queries/types";
import { useRollbackMutation } from "@/components/queries/use-rollback-mutation";
import { RolloutStatus } from "@/components/frame/rollout-status";
import { Panel } from "@/components/ui/panel";
import { VersionDiffPanel } from "./version-diff-panel";

export function RollbackDialog({ target, live, onClose }: { target: Version; live: Version | null; onClose: () => void }) {
  const rollback = useRollbackMutation();
  const [done, setDone] = useState<{ id: string; number: number | null } | null>(null);

  const confirm = () => {
    rollback.mutate(
      { id: target.id },
      {
        onSuccess: (v) => setDone({ id: v.id, number: v.number }),
      },
    );
  };

  return (
    <Panel
      variant="dialog"
      title={done ? "Rolled back" : `Roll back to v${target.number}?`}
      onClose={onClose}
      footer={
        <ActionFooter done={done !== null} onClose={onClose}>
          <button type="button" className="btn danger solid" disabled={rollback.isPending} onClick={confirm}>
            {rollback.isPending ? "Rolling back…" : `Roll back to v${target.number}`}
          </button>
        </ActionFooter>
      }
    >
      {done ? (
        <>
          <div className="alert info" role="status">
            {done.number !== null ? `v${done.number}` : "A new version"} now runs the configuration of v{target.number}. The draft was reset to it.
          </div>
          <RolloutStatus versionId={done.id} number={done.number} />
        </>
      ) : (
        <>
          <p style={{ margin: 0 }}>
            This publishes the configuration of <strong>v{target.number}</strong> ({target.message || "no message"}) as a new version and resets the
            draft to it. Unpublished draft changes are discarded. What changes{live ? ` from the live v${live.number}` : ""}:
          </p>
          {live ? (
            <VersionDiffPanel from={live.id} to={target.id} label={`Diff from v${live.number} to v${target.number}`} />
          ) : (
            <p className="muted">No live version to compare with.</p>
          )}
          {rollback.isError && (
            <div className="alert" role="alert">
              Rollback failed: {errorMessage(rollback.error)}
            </div>
          )}
        </>
      )}
    </Panel>
  );
}
