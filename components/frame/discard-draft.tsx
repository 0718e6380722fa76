"use client";
// "Discard draft" next to Review & publish: lists what discarding would throw away (the draft against the
// live version, from GET /api/draft/discard-preview), asks, then resets the draft to the live version, made
// on the previewed revision so nothing changed after the preview is thrown away unseen.
import { useState } from "react";
import { draftConflictOf, errorMessage } from "@/components/queries/api-client";
import type { DraftStatus } from "@/components/queries/types";
import { useDiscardDraftMutation, useDiscardPreviewQuery } from "@/components/queries/use-discard-draft";
import { ActionFooter } from "@/components/ui/action-footer";
import { Panel } from "@/components/ui/panel";
import { Skeleton } from "@/components/ui/skeleton";

function DiscardDraftDialog({ onClose }: { onClose: () => void }) {
  const preview = useDiscardPreviewQuery(true);
  const discard = useDiscardDraftMutation();
  const [done, setDone] = useState<number | null>(null);
  const changes = preview.data?.changes ?? [];
  const live = preview.data?.live;
  const stale = draftConflictOf(discard.error);

  return (
    <Panel
      variant="dialog"
      title={done !== null ? "Draft discarded" : "Discard the draft?"}
      onClose={onClose}
      footer={
        <ActionFooter done={done !== null} onClose={onClose}>
          <button
            type="button"
            className="btn danger solid"
            disabled={!preview.data || preview.isFetching || changes.length === 0 || discard.isPending}
            onClick={() => preview.data && discard.mutate(preview.data.revision, { onSuccess: (r) => setDone(r.live?.number ?? null) })}
          >
            {discard.isPending ? "Discarding…" : "Discard draft"}
          </button>
        </ActionFooter>
      }
    >
      {done !== null ? (
        <div className="alert info" role="status">
          The draft is back to v{done}, the live version.
        </div>
      ) : preview.isPending ? (
        <div className="stack" role="status" aria-label="Loading what would be discarded">
          <Skeleton width="60%" />
          <Skeleton />
        </div>
      ) : preview.isError ? (
        <div className="alert" role="alert">
          Cannot tell what would be discarded: {errorMessage(preview.error)}
        </div>
      ) : changes.length === 0 ? (
        <p style={{ margin: 0 }}>The draft is the same as {live ? `the live v${live.number}` : "the live version"}: there is nothing to discard.</p>
      ) : (
        <>
          <p style={{ margin: 0 }}>
            The draft goes back to {live ? `v${live.number}` : "the live version"}. These unpublished changes are lost:
          </p>
          <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0, gap: 4 }} data-testid="discard-changes">
            {changes.map((c, i) => (
              <li key={i} className="row">
                <span className="badge">{c.kind}</span>
                <code>{c.name}</code>
                <span className="muted small">{c.change}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {discard.isError && (
        <div className="alert" role="alert">
          {stale ? "The draft changed while you were looking: the list above is up to date now, check it again." : `Discard failed: ${errorMessage(discard.error)}`}
        </div>
      )}
    </Panel>
  );
}

/** The header's "Discard draft" button; shown while the draft has changes. */
export function DiscardDraftButton({ status }: { status: DraftStatus }) {
  const [open, setOpen] = useState(false);
  if (status.changes.length === 0 && !open) return null;
  return (
    <>
      <button type="button" className="btn" onClick={() => setOpen(true)}>
        Discard draft
      </button>
      {open && <DiscardDraftDialog onClose={() => setOpen(false)} />}
    </>
  );
}
