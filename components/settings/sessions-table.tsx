"use client";
// A sessions list (mine, or one user's for an admin): where and when each signed in, last used, and Revoke.
import { useMemo } from "react";
import { DataTable, type Column, type QueryState } from "@/components/ui/data-table";
import { dateTime, timeAgo } from "@/components/ui/format";
import { StatusChip } from "@/components/ui/status-chip";
import type { SessionInfo } from "@/lib/contract/accounts";

const idOf = (s: SessionInfo) => s.id;

export function SessionsTable({ label, rows, query, onRevoke, pending }: { label: string; rows: SessionInfo[] | undefined; query: QueryState; onRevoke: (s: SessionInfo) => void; pending: boolean }) {
  const columns = useMemo<Column<SessionInfo>[]>(
    () => [
      { key: "created", header: "Signed in", value: (s) => Date.parse(s.createdAt), sortable: true, cell: (s) => <span title={dateTime(s.createdAt)}>{timeAgo(s.createdAt)}</span> },
      { key: "lastUsed", header: "Last used", value: (s) => Date.parse(s.lastUsedAt), sortable: true, cell: (s) => <span title={dateTime(s.lastUsedAt)}>{timeAgo(s.lastUsedAt)}</span> },
      { key: "address", header: "Address", value: (s) => s.address ?? "", cell: (s) => s.address ?? <span className="muted">unknown</span> },
      { key: "agent", header: "Browser", value: (s) => s.userAgent ?? "", cell: (s) => <span className="small">{s.userAgent ?? "—"}</span> },
      { key: "expires", header: "Expires", value: (s) => Date.parse(s.expiresAt), cell: (s) => <span title={dateTime(s.expiresAt)}>{dateTime(s.expiresAt)}</span> },
      { key: "current", header: "", value: (s) => (s.current ? 1 : 0), cell: (s) => (s.current ? <StatusChip tone="green">this browser</StatusChip> : null) },
    ],
    [],
  );
  return (
    <DataTable
      label={label}
      what="sessions"
      columns={columns}
      rows={rows}
      rowKey={idOf}
      rowTestId="session-row"
      query={query}
      empty={<p className="muted">No active sessions.</p>}
      rowActions={(s) => (
        <button type="button" className="btn small danger" disabled={pending} onClick={() => onRevoke(s)} aria-label={`Revoke session from ${s.address ?? "unknown address"}`}>
          Revoke
        </button>
      )}
    />
  );
}
