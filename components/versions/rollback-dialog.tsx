"use client";
// Roll back: show what changes (live → target) first, then publish the old snapshot as a new version. The
// draft is reset to it, so when the draft has unpublished changes the dialog lists them and the user must
// agree to discard them (the server refuses otherwise: 409 draft_dirty).
import { useState } from "react";
import { draftConflictOf, draftDirtyOf, errorMessage } from "@/components/queries/api-client";
import { ActionFooter } from "@/components/ui/action-footer";
import type { DraftChange, Version } from "@/components/queries/types";
import { useDraftStatusQuery } from "@/components/queries/use-draft-status-query";
import { useRollbackMutation } from "@/components/queries/use-rollback-mutation";
import { RolloutStatus } from "@/components/frame/rollout-status";
import { Panel } from "@/components/ui/panel";
import { VersionDiffPanel } from "./version-diff-panel";

function PendingChanges({ changes }: { changes: DraftChange[] }) {
  return (
    <ul className="small" style={{ margin: 0, paddingLeft: 18 }} data-testid="pending-changes">
      {changes.map((c, i) => (
        <li key={i}>
          {c.kind} <code>{c.name}</code> {c.change}
        </li>
      ))}
    </ul>
  );
}

export function RollbackDialog({ target, live, onClose }: { target: Version; live: Version | null; onClose: () => void }) {
  const rollback = useRollbackMutation();
  const status = useDraftStatusQuery();
  const [done, setDone] = useState<{ id: string; number: number | null } | null>(null);
  // the revision whose unpublished changes the user agreed to discard; nothing added after it is discarded
  const [discardAt, setDiscardAt] = useState<number | null>(null);
  const refused = draftDirtyOf(rollback.error);
  const pending = refused?.changes ?? status.data?.changes ?? [];
  const dirty = pending.length > 0;

  const confirm = () => {
    const ifMatch = dirty ? (discardAt ?? undefined) : status.data?.revision;
    rollback.mutate(
      { id: target.id, discardDraft: dirty && discardAt !== null, ifMatch },
      {
        onSuccess: (v) => setDone({ id: v.id, number: v.number }),
        // the draft changed after the user agreed: they agree again, to the list as it is now
        onError: (e) => (draftConflictOf(e) ? setDiscardAt(null) : undefined),
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
          <button type="button" className="btn danger solid" disabled={rollback.isPending || (dirty && discardAt === null)} onClick={confirm}>
            {rollback.isPending ? "Rolling back…" : dirty ? `Discard draft and roll back to v${target.number}` : `Roll back to v${target.number}`}
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
          {dirty && (
            <div className="alert warn" role="alert" aria-label="Unpublished draft changes" style={{ flexDirection: "column", alignItems: "stretch" }}>
              <strong>
                The draft has {pending.length} unpublished {pending.length === 1 ? "change" : "changes"}. Rolling back discards {pending.length === 1 ? "it" : "them"}:
              </strong>
              <PendingChanges changes={pending} />
              <label className="row small" style={{ gap: 6 }}>
                <input
                  type="checkbox"
                  checked={discardAt !== null}
                  onChange={(e) => setDiscardAt(e.target.checked ? (status.data?.revision ?? null) : null)}
                  disabled={!status.data}
                />
                Discard these draft changes
              </label>
            </div>
          )}
          <p style={{ margin: 0 }}>
            This publishes the configuration of <strong>v{target.number}</strong> ({target.message || "no message"}) as a new version and resets the
            draft to it. What changes{live ? ` from the live v${live.number}` : ""}:
          </p>
          {live ? (
            <VersionDiffPanel from={live.id} to={target.id} label={`Diff from v${live.number} to v${target.number}`} />
          ) : (
            <p className="muted">No live version to compare with.</p>
          )}
          {rollback.isError && !refused && (
            <div className="alert" role="alert">
              Rollback failed: {draftConflictOf(rollback.error) ? "the draft changed since you agreed to discard it; review its changes again." : errorMessage(rollback.error)}
            </div>
          )}
        </>
      )}
    </Panel>
  );
}
