"use client";
// The Versions table: newest first, a page at a time (GET /api/versions?before=), each with its compare checkbox,
// marks (live, rollback of, promoted from), how many nodes run it, and its export, promote and rollback actions.
import { useCallback, useMemo, type ReactNode } from "react";
import type { Version } from "@/components/queries/types";
import { DataTable, type Column, type DataTableProps, type QueryState } from "@/components/ui/data-table";
import { StatusChip } from "@/components/ui/status-chip";
import { dateTime, timeAgo } from "@/components/ui/format";
import { useReadOnly } from "@/components/queries/use-session";

interface Props {
  /** undefined while `query` loads */
  versions: Version[] | undefined;
  query: QueryState;
  empty: ReactNode;
  more: DataTableProps<Version>["more"];
  selected: string[];
  onToggle: (id: string) => void;
  onRollback: (v: Version) => void;
  /** copy the version into another environment */
  onPromote: (v: Version) => void;
}

const idOf = (v: Version) => v.id;
/** what the filter finds a version by besides its message and author: "v12", "live", "rollback", "promoted staging" */
const versionText = (v: Version) => [`v${v.number}`, v.live ? "live" : "", v.rollbackOfId ? "rollback" : "", v.promotedFrom ? `promoted ${v.promotedFrom.environment}` : ""].join(" ");

export function VersionTimeline({ versions, query, empty, more, selected, onToggle, onRollback, onPromote }: Props) {
  const byId = useMemo(() => new Map((versions ?? []).map((v) => [v.id, v])), [versions]);
  const columns = useMemo<Column<Version>[]>(
    () => [
      {
        key: "compare",
        header: <span className="sr-only">Compare</span>,
        width: 40,
        cell: (v) => <input type="checkbox" aria-label={`Select v${v.number} to compare`} checked={selected.includes(v.id)} onChange={() => onToggle(v.id)} />,
      },
      {
        key: "version",
        header: "Version",
        value: (v) => v.number,
        sortable: true,
        cell: (v) => {
          const rollbackOf = v.rollbackOfId ? byId.get(v.rollbackOfId) : undefined;
          return (
            <div className="row">
              <strong>v{v.number}</strong>
              {v.live && <StatusChip tone="green">live</StatusChip>}
              {v.rollbackOfId && <span className="badge">rollback of {rollbackOf ? `v${rollbackOf.number}` : "older version"}</span>}
              {v.promotedFrom && (
                <span className="badge">
                  promoted from {v.promotedFrom.environment} v{v.promotedFrom.number}
                </span>
              )}
            </div>
          );
        },
      },
      { key: "message", header: "Message", value: (v) => v.message, cell: (v) => v.message || <span className="muted">—</span> },
      { key: "author", header: "Author", value: (v) => v.author, sortable: true, className: "small", cell: (v) => v.author },
      {
        key: "published",
        header: "Published",
        className: "small",
        value: (v) => Date.parse(v.createdAt),
        sortable: true,
        cell: (v) => <span title={dateTime(v.createdAt)}>{timeAgo(v.createdAt)}</span>,
      },
      { key: "nodes", header: "Nodes", num: true, value: (v) => v.nodes, sortable: true, cell: (v) => v.nodes || <span className="muted">0</span> },
    ],
    [byId, selected, onToggle],
  );

  // a viewer exports versions; promoting and rolling back are an editor's
  const readOnly = useReadOnly();
  const rowActions = useCallback(
    (v: Version) => (
      <div className="row" style={{ justifyContent: "flex-end" }}>
        <a
          className="btn small"
          href={`/api/versions/${encodeURIComponent(v.id)}/bootstrap?format=yaml`}
          download={`signalbox-v${v.number}.yaml`}
          aria-label={`Export v${v.number} as Envoy YAML`}
        >
          Export as Envoy YAML
        </a>
        {!readOnly && (
          <button type="button" className="btn small" onClick={() => onPromote(v)} aria-label={`Promote v${v.number} to another environment`}>
            Promote…
          </button>
        )}
        {!v.live && !readOnly && (
          <button type="button" className="btn small" onClick={() => onRollback(v)} aria-label={`Roll back to v${v.number}`}>
            Roll back to this version
          </button>
        )}
      </div>
    ),
    [onPromote, onRollback, readOnly],
  );

  return (
    <DataTable
      label="Versions, newest first"
      what="versions"
      columns={columns}
      rows={versions}
      rowKey={idOf}
      rowTestId="version-row"
      query={query}
      empty={empty}
      filter={{ label: "Filter versions", placeholder: "Filter by number, message, author…" }}
      searchText={versionText}
      rowActions={rowActions}
      onRowActivate={(v) => onToggle(v.id)}
      more={more}
    />
  );
}
