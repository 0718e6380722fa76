"use client";
// Review & publish: the draft's changes, a required message, Publish, then the rollout live.
import { useState, type FormEvent } from "react";
import { errorMessage } from "@/components/queries/api-client";
import { ActionFooter } from "@/components/ui/action-footer";
import type { DraftStatus } from "@/components/queries/types";
import { usePublishMutation } from "@/components/queries/use-publish-mutation";
import { Field } from "@/components/ui/field";
import { Panel } from "@/components/ui/panel";
import { DraftDiff } from "./draft-diff";
import { RolloutStatus } from "./rollout-status";

const CHANGE_TONE: Record<string, string> = { added: "green", created: "green", removed: "red", deleted: "red" };

export function PublishDrawer({ status, onClose }: { status: DraftStatus; onClose: () => void }) {
  const publish = usePublishMutation();
  const [message, setMessage] = useState("");
  const [messageError, setMessageError] = useState<string>();
  const [published, setPublished] = useState<{ id: string; number: number | null } | null>(null);
  const changes = status.changes;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!message.trim()) {
      setMessageError("A message is required: say why you are publishing.");
      return;
    }
    setMessageError(undefined);
    publish.mutate(message.trim(), {
      onSuccess: (v) => setPublished({ id: v.id, number: v.number }),
    });
  };

  return (
    <Panel
      variant="drawer-wide"
      title={published ? "Published" : "Review & publish"}
      onClose={onClose}
      footer={
        <ActionFooter done={published !== null} onClose={onClose}>
          <button type="submit" form="publish-form" className="btn primary" disabled={publish.isPending || changes.length === 0}>
            {publish.isPending ? "Publishing…" : "Publish"}
          </button>
        </ActionFooter>
      }
    >
      {published ? (
        <>
          <div className="alert info" role="status">
            Version {published.number !== null ? `v${published.number}` : ""} is live. Nodes apply it now.
          </div>
          <RolloutStatus versionId={published.id} number={published.number} />
        </>
      ) : (
        <>
          <section aria-label="Draft changes">
            <h3>
              Changes against {status.live ? `v${status.live.number}` : "nothing published"} ({changes.length})
            </h3>
            {changes.length === 0 ? (
              <p className="muted">The draft is the same as the live version. Edit routes or clusters first.</p>
            ) : (
              <ul style={{ margin: 0, paddingLeft: 0, listStyle: "none" }} className="stack">
                {changes.map((c, i) => (
                  <li key={i} className="row">
                    <span className={`chip plain ${CHANGE_TONE[c.change] ?? "amber"}`}>{c.change}</span>
                    <span className="badge">{c.kind}</span>
                    <code>{c.name}</code>
                  </li>
                ))}
              </ul>
            )}
          </section>
          {changes.length > 0 && (
            <section aria-label="Diff">
              <h3>Diff</h3>
              <DraftDiff status={status} />
            </section>
          )}
          <form id="publish-form" onSubmit={submit} className="stack" noValidate>
            <Field label="Message" hint="Shown in the version history. Say what changes and why." error={messageError}>
              <input
                type="text"
                name="message"
                value={message}
                onChange={(e) => {
                  setMessage(e.target.value);
                  if (e.target.value.trim()) setMessageError(undefined);
                }}
                placeholder="e.g. Send /api to the new backend"
                required
                autoComplete="off"
              />
            </Field>
            {publish.isError && (
              <div className="alert" role="alert">
                Publish failed: {errorMessage(publish.error)}
              </div>
            )}
          </form>
        </>
      )}
    </Panel>
  );
}
