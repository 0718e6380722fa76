"use client";
// What the Audit table shows of each entry: its columns and the detail under an opened row. The words come from
// the server (lib/audit/describe.ts); this only lays them out.
import type { AuditEntry } from "@/components/queries/use-audit-query";
import type { Column } from "@/components/ui/data-table";
import { dateTime, timeAgo } from "@/components/ui/format";
import { AuditEntryDetail, auditActionLabel } from "./audit-entry";

export function auditColumns(open: string | null, toggle: (id: string) => void): Column<AuditEntry>[] {
  return [
    { key: "when", header: "When", className: "small", cell: (e) => <span title={dateTime(e.at)}>{timeAgo(e.at)}</span> },
    { key: "actor", header: "Actor", cell: (e) => <code>{e.actor}</code> },
    { key: "env", header: "Environment", className: "small", cell: (e) => e.environment ?? <span className="muted">all</span> },
    { key: "action", header: "Action", className: "small", cell: (e) => <span title={e.action}>{auditActionLabel(e.action)}</span> },
    {
      key: "what",
      header: "What",
      cell: (e) => (
        <span data-testid="audit-summary" title={e.targetLabel}>
          {e.summary}
        </span>
      ),
    },
    {
      key: "changes",
      header: <span className="sr-only">Changes</span>,
      className: "actions",
      cell: (e) => {
        const expanded = open === e.id;
        const count = e.changes.length + (e.moreChanges ?? 0);
        return (
          <button type="button" className="btn link small" aria-expanded={expanded} aria-label={`${expanded ? "Hide" : "Show"} the changes of: ${e.summary}`} onClick={() => toggle(e.id)}>
            {expanded ? "Hide" : count ? `${count} ${count === 1 ? "change" : "changes"}` : "Details"}
          </button>
        );
      },
    },
  ];
}

/** The opened entry: what it changed, its version's diff, the details as recorded. */
export function auditDetail(open: string | null, currentEnvironment: string | null) {
  return {
    isOpen: (e: AuditEntry) => e.id === open,
    render: (e: AuditEntry) => <AuditEntryDetail entry={e} currentEnvironment={currentEnvironment} />,
  };
}
