"use client";
import { Fragment, useMemo, useState } from "react";
import { useAuditQuery, type AuditEntry } from "@/components/queries/use-audit-query";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { TableSkeleton } from "@/components/ui/skeleton";
import { dateTime, timeAgo } from "@/components/ui/format";
import { DetailRow } from "@/components/ui/detail-row";

/** "version.publish" → "Publish", "draft.route.update" → "Route update" (the raw action stays in the title). */
function actionLabel(action: string): string {
  const parts = action.split(".").filter((p) => p !== "draft" && p !== "version");
  const text = (parts.length ? parts : [action]).join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Versions are shown by number ("v4, rollback of v2"); other targets as recorded. */
function targetLabel(e: AuditEntry): string {
  const d = (e.details ?? {}) as { number?: unknown; rollbackOfNumber?: unknown };
  if (typeof d.number !== "number") return e.target;
  return typeof d.rollbackOfNumber === "number" ? `v${d.number} (rollback of v${d.rollbackOfNumber})` : `v${d.number}`;
}

function matches(e: AuditEntry, q: string): boolean {
  if (!q) return true;
  const hay = `${e.actor} ${e.action} ${e.target} ${JSON.stringify(e.details)}`.toLowerCase();
  return q
    .toLowerCase()
    .split(/\s+/)
    .every((w) => hay.includes(w));
}

export function AuditPage() {
  const audit = useAuditQuery();
  const [filter, setFilter] = useState("");
  const [open, setOpen] = useState<number | null>(null);
  const rows = useMemo(() => (audit.data ?? []).filter((e) => matches(e, filter.trim())), [audit.data, filter]);

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Audit</h1>
          <p>Every change to the configuration, who made it and when, newest first. Entries are never edited or removed.</p>
        </div>
      </div>
      <div className="row" style={{ marginBottom: 12, maxWidth: 360 }}>
        <input
          type="search"
          aria-label="Filter audit entries"
          placeholder="Filter by actor, action, target…"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      </div>
      {audit.isPending ? (
        <TableSkeleton label="Loading the audit trail" />
      ) : audit.isError ? (
        <ErrorState what="the audit trail" error={audit.error} onRetry={() => audit.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title={filter ? "Nothing matches the filter" : "No changes yet"}>
          {filter ? "Try fewer words." : "Draft saves, publishes and rollbacks appear here with their author."}
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th>Actor</th>
                <th>Action</th>
                <th>Target</th>
                <th>Details</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e, i) => {
                const expanded = open === i;
                return (
                  <Fragment key={`${e.at}-${i}`}>
                    <tr data-testid="audit-row">
                      <td className="small" title={dateTime(e.at)}>
                        {timeAgo(e.at)}
                      </td>
                      <td>
                        <code>{e.actor}</code>
                      </td>
                      <td title={e.action}>{actionLabel(e.action)}</td>
                      <td className="mono small" title={e.target}>
                        {targetLabel(e)}
                      </td>
                      <td>
                        <button type="button" className="btn link small" aria-expanded={expanded} onClick={() => setOpen(expanded ? null : i)}>
                          {expanded ? "Hide" : "Show"}
                        </button>
                      </td>
                    </tr>
                    {expanded && <DetailRow colSpan={5}>{JSON.stringify(e.details, null, 2)}</DetailRow>}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
