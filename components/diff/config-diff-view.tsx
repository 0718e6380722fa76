"use client";
// The one diff view (Review drawer, Versions page, rollback dialog): the changes grouped by listener and
// cluster, in words, each expandable to its JSON or YAML side by side; "Text diff" shows the unified diff of
// the canonical YAML instead. Past COLLAPSE_ABOVE changes the groups start collapsed and render their rows
// only when opened, a page at a time, so 10,000 changed routes do not become 10,000 DOM rows at once. The diff
// comes without the changes' sides (`?sides=0`); a change's are fetched from `source` when it is opened.
import { useMemo, useState } from "react";
import type { ConfigDiffSummary } from "@/lib/contract/diff";
import type { DiffSource } from "@/components/queries/use-diff-change-query";
import { DiffView } from "@/components/ui/diff-view";
import { Segmented } from "@/components/ui/segmented";
import type { Format } from "./align";
import { ChangeRow } from "./change-row";
import type { DiffOf } from "./change-sides";
import { COLLAPSE_ABOVE, ROWS_PER_PAGE, countText, groupChanges, type ChangeGroup } from "./group";

type View = "changes" | "text";
const VIEWS = [
  { value: "changes", label: "Changes" },
  { value: "text", label: "Text diff" },
] as const;
const FORMATS = [
  { value: "yaml", label: "YAML" },
  { value: "json", label: "JSON" },
] as const;

export function ConfigDiffView({ diff, source, label }: { diff: ConfigDiffSummary; source: DiffSource; label: string }) {
  const [view, setView] = useState<View>("changes");
  const [format, setFormat] = useState<Format>("yaml");
  const groups = useMemo(() => groupChanges(diff.changes), [diff.changes]);
  const collapsed = diff.changes.length > COLLAPSE_ABOVE;
  const of = useMemo<DiffOf>(() => ({ source, from: diff.from, to: diff.to }), [source, diff.from, diff.to]);

  if (diff.identical || diff.changes.length === 0)
    return (
      <p className="muted" role="status">
        No differences: {diff.to.label} is the same as {diff.from.label}.
      </p>
    );
  return (
    <div className="stack rd" role="region" aria-label={label}>
      <div className="row wrap">
        <span className="small">
          <strong>
            {diff.changes.length} {diff.changes.length === 1 ? "change" : "changes"}
          </strong>{" "}
          <span className="muted">
            ({countText(diff.changes)}) · {diff.from.label} → {diff.to.label}
          </span>
        </span>
        <span className="spacer" />
        {view === "changes" && <Segmented label="Before/after format" options={FORMATS} value={format} onChange={setFormat} />}
        <Segmented label="Diff view" options={VIEWS} value={view} onChange={setView} />
      </div>
      {view === "text" ? (
        <DiffView text={diff.unified} label={`${label} as text`} />
      ) : (
        groups.map((g) => <Group key={g.group} group={g} startOpen={!collapsed} format={format} of={of} />)
      )}
    </div>
  );
}

function Group({ group: g, startOpen, format, of }: { group: ChangeGroup; startOpen: boolean; format: Format; of: DiffOf }) {
  const [open, setOpen] = useState(startOpen);
  const [shown, setShown] = useState(ROWS_PER_PAGE);
  const rest = g.changes.length - shown;
  return (
    <section className="rd-group" aria-label={g.group}>
      <button type="button" className="rd-group-head" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span aria-hidden="true">{open ? "▾" : "▸"}</span> <strong>{g.group}</strong>{" "}
        <span className="muted small">
          {g.changes.length} {g.changes.length === 1 ? "change" : "changes"}
        </span>
      </button>
      {open && (
        <ul className="rd-list">
          {g.changes.slice(0, shown).map((c) => (
            <ChangeRow key={c.id} change={c} format={format} of={of} />
          ))}
          {rest > 0 && (
            <li>
              <button type="button" className="btn small" onClick={() => setShown(shown + ROWS_PER_PAGE)}>
                Show {Math.min(rest, ROWS_PER_PAGE)} more of {rest}
              </button>
            </li>
          )}
        </ul>
      )}
    </section>
  );
}
