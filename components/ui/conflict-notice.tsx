"use client";
// Shown when a draft edit was refused because someone changed the draft after the editor opened (409 on a
// stale If-Match): who changed what, and the two ways on. Not a dialog: the form stays as the user left it.
import type { DraftConflict } from "@/lib/contract/draft";

const KIND: Record<string, string> = { listener: "listener", virtual_host: "virtual host", route: "route", cluster: "cluster", route_tests: "route tests" };

function when(at: string): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? "" : d.toLocaleTimeString();
}

export function ConflictNotice({
  conflict,
  pending = false,
  onReapply,
  onDiscard,
}: {
  conflict: DraftConflict;
  pending?: boolean;
  onReapply: () => void;
  onDiscard: () => void;
}) {
  return (
    <div className="alert warn" role="alert" aria-label="The draft changed" style={{ flexDirection: "column", alignItems: "stretch" }}>
      <strong>The draft changed since you opened this; your change was not saved.</strong>
      {conflict.changes.length > 0 ? (
        <ul className="small" style={{ margin: 0, paddingLeft: 18 }} data-testid="conflict-changes">
          {conflict.changes.map((c, i) => (
            <li key={i}>
              <strong>{c.actor}</strong> {c.change} {KIND[c.kind] ?? c.kind} <code>{c.name}</code> <span className="muted">{when(c.at)}</span>
            </li>
          ))}
        </ul>
      ) : (
        <span className="small muted">What changed is no longer on record.</span>
      )}
      {!conflict.complete && conflict.changes.length > 0 && <span className="small muted">Older changes are no longer on record.</span>}
      <div className="row" style={{ gap: 8 }}>
        <button type="button" className="btn primary" disabled={pending} onClick={onReapply}>
          {pending ? "Reapplying…" : "Reload and reapply my change"}
        </button>
        <button type="button" className="btn" disabled={pending} onClick={onDiscard}>
          Discard my change
        </button>
      </div>
    </div>
  );
}
