"use client";
// Promote: a version of this environment becomes the next version of another one, live there at once. The
// target's draft is reset to it, so when that draft has unpublished changes the server refuses (409
// draft_dirty) and the dialog lists them for the user to agree to discard.
import { useState } from "react";
import { draftDirtyOf, errorMessage } from "@/components/queries/api-client";
import type { Version } from "@/components/queries/types";
import { useEnvironmentsQuery, usePromoteToEnvironment } from "@/components/queries/use-environments";
import { ActionFooter } from "@/components/ui/action-footer";
import { Panel } from "@/components/ui/panel";

export function PromoteDialog({ version, onClose }: { version: Version; onClose: () => void }) {
  const envs = useEnvironmentsQuery();
  const promote = usePromoteToEnvironment();
  const others = (envs.data?.environments ?? []).filter((e) => e.name !== version.environment);
  const [target, setTarget] = useState("");
  const [message, setMessage] = useState("");
  const [discard, setDiscard] = useState(false);
  const chosen = target || others[0]?.name || "";
  const dirty = draftDirtyOf(promote.error);
  const done = promote.data;

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (chosen) promote.mutate({ environment: chosen, versionId: version.id, message: message.trim() || undefined, discardDraft: discard });
  };

  return (
    <Panel
      variant="dialog"
      title={done ? "Promoted" : `Promote ${version.environment} v${version.number}`}
      onClose={onClose}
      footer={
        <ActionFooter done={done !== undefined} onClose={onClose}>
          <button type="submit" form="promote-form" className="btn primary" disabled={!chosen || promote.isPending || (dirty !== null && !discard)}>
            {promote.isPending ? "Promoting…" : chosen ? `Promote to ${chosen}` : "Promote"}
          </button>
        </ActionFooter>
      }
    >
      {done ? (
        <div className="alert info" role="status">
          {chosen} v{done.number} now runs the configuration of {version.environment} v{version.number}, and its draft was reset to it.
        </div>
      ) : others.length === 0 && envs.data ? (
        <p className="muted">There is no other environment to promote to. Create one with the environment menu in the header, or start a node with --environment NAME.</p>
      ) : (
        <form id="promote-form" className="stack" onSubmit={submit}>
          <p style={{ margin: 0 }}>
            The configuration of <strong>v{version.number}</strong> ({version.message || "no message"}) becomes the next version of the chosen environment, live on its nodes at
            once, with its route tests. Its origin is recorded.
          </p>
          <label className="field">
            <span>Target environment</span>
            <select value={chosen} onChange={(e) => setTarget(e.target.value)}>
              {others.map((e) => (
                <option key={e.name} value={e.name}>
                  {e.name} ({e.liveNumber === null ? "nothing live" : `v${e.liveNumber} live`}, {e.connected}/{e.nodes} nodes)
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Message</span>
            <input value={message} onChange={(e) => setMessage(e.target.value)} placeholder={`Promote ${version.environment} v${version.number}: ${version.message}`} />
          </label>
          {dirty && (
            <div className="alert warn" role="alert" aria-label="Unpublished changes in the target" style={{ flexDirection: "column", alignItems: "stretch" }}>
              <strong>
                {chosen}&apos;s draft has {dirty.changes.length} unpublished {dirty.changes.length === 1 ? "change" : "changes"} that the promotion would replace:
              </strong>
              <ul className="small" style={{ margin: 0, paddingLeft: 18 }}>
                {dirty.changes.map((c, i) => (
                  <li key={i}>
                    {c.kind} <code>{c.name}</code> {c.change}
                  </li>
                ))}
              </ul>
              <label className="row small" style={{ gap: 6 }}>
                <input type="checkbox" checked={discard} onChange={(e) => setDiscard(e.target.checked)} />
                Discard them
              </label>
            </div>
          )}
          {promote.isError && !dirty && (
            <div className="alert" role="alert">
              Promotion failed: {errorMessage(promote.error)}
            </div>
          )}
        </form>
      )}
    </Panel>
  );
}
