"use client";
import { useCallback, useMemo, useState } from "react";
import { useAuditQuery } from "@/components/queries/use-audit-query";
import { useEnvironmentsQuery } from "@/components/queries/use-environments";
import { useDebounced } from "@/components/ui/use-debounced";
import { EmptyState } from "@/components/ui/empty-state";
import { DataTable } from "@/components/ui/data-table";
import { auditColumns, auditDetail } from "./audit-columns";
import { AUDIT_ACTIONS } from "./audit-entry";

/** Entries per request: "Load older entries" (or scrolling to the end) reads the next page. */
const AUDIT_PAGE = 100;
const idOf = (e: { id: string }) => e.id;

export function AuditPage() {
  const [filter, setFilter] = useState("");
  const [actor, setActor] = useState("");
  const [action, setAction] = useState("");
  // the server filters (GET /api/audit ?q=&actor=&action=): typing waits for a pause before asking
  const audit = useAuditQuery(AUDIT_PAGE, { q: useDebounced(filter), actor: useDebounced(actor), action });
  const current = useEnvironmentsQuery().data?.current ?? null;
  const [open, setOpen] = useState<string | null>(null);
  const filtered = !!(filter.trim() || actor.trim() || action);
  const toggle = useCallback((id: string) => setOpen((o) => (o === id ? null : id)), []);
  const columns = useMemo(() => auditColumns(open, toggle), [open, toggle]);
  const detail = useMemo(() => auditDetail(open, current), [open, current]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = audit;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Audit</h1>
          <p>Every change to the configuration, who made it and when, newest first. Entries are never edited or removed.</p>
        </div>
      </div>
      <div className="row" style={{ marginBottom: 12, maxWidth: 720, gap: 8 }}>
        <input
          type="search"
          aria-label="Filter audit entries"
          placeholder="Words: publish, /api, backend…"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <input aria-label="Actor" placeholder="Actor" value={actor} onChange={(e) => setActor(e.target.value)} style={{ maxWidth: 160 }} />
        <select aria-label="Action" value={action} onChange={(e) => setAction(e.target.value)} style={{ maxWidth: 240 }}>
          <option value="">Every action</option>
          {AUDIT_ACTIONS.map((a) => (
            <option key={a.value} value={a.value}>
              {a.label}
            </option>
          ))}
        </select>
      </div>
      <DataTable
        label="Audit trail, newest first"
        what="the audit trail"
        columns={columns}
        rows={audit.data}
        rowKey={idOf}
        rowTestId="audit-row"
        query={audit}
        empty={
          <EmptyState title={filtered ? "Nothing matches the filter" : "No changes yet"}>
            {filtered ? "Try fewer words, or another actor or action." : "Draft saves, publishes and rollbacks appear here with their author."}
          </EmptyState>
        }
        detail={detail}
        onRowActivate={(e) => toggle(e.id)}
        more={{ hasMore: hasNextPage, loading: isFetchingNextPage, onLoadMore: loadMore, label: "Load older entries" }}
      />
    </>
  );
}
