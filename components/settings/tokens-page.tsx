"use client";
// Settings → API tokens: the named tokens (API clients' Bearer with a role, and workers' enrollment tokens), never
// their secrets; creating one shows its secret once; revoking one asks first (a worker using it is disconnected).
import Link from "next/link";
import { useMemo, useState } from "react";
import { errorMessage } from "@/components/queries/api-client";
import { useSessionQuery } from "@/components/queries/use-session";
import { useRevokeToken, useTokensQuery } from "@/components/queries/use-tokens";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable, type Column } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { dateTime, timeAgo } from "@/components/ui/format";
import { StatusChip } from "@/components/ui/status-chip";
import type { ApiTokenInfo } from "@/lib/contract/tokens";
import { CreateTokenDialog } from "./create-token-dialog";
import { AdminOnlyCard } from "./settings-list-page";

const idOf = (t: ApiTokenInfo) => t.id;

export function TokensPage() {
  const tokens = useTokensQuery();
  const revoke = useRevokeToken();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiTokenInfo | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);

  const columns = useMemo<Column<ApiTokenInfo>[]>(
    () => [
      { key: "name", header: "Name", value: (t) => t.name, sortable: true, cell: (t) => <strong>{t.name}</strong> },
      { key: "kind", header: "Kind", value: (t) => t.kind, cell: (t) => t.kind },
      { key: "role", header: "Role", value: (t) => t.role ?? "", cell: (t) => t.role ?? <span className="muted">—</span> },
      { key: "team", header: "Team", value: (t) => t.team ?? "", cell: (t) => t.team ?? <span className="muted">—</span> },
      { key: "environment", header: "Environment", value: (t) => t.environment ?? "", cell: (t) => t.environment ?? <span className="muted">{t.kind === "worker" ? "any" : "—"}</span> },
      { key: "prefix", header: "Prefix", value: (t) => t.prefix, cell: (t) => <code>{t.prefix}…</code> },
      { key: "createdBy", header: "Created by", value: (t) => t.createdBy, cell: (t) => <span title={dateTime(t.createdAt)}>{t.createdBy}</span> },
      { key: "lastUsed", header: "Last used", value: (t) => (t.lastUsedAt ? Date.parse(t.lastUsedAt) : 0), sortable: true, cell: (t) => (t.lastUsedAt ? <span title={dateTime(t.lastUsedAt)}>{timeAgo(t.lastUsedAt)}</span> : <span className="muted">never</span>) },
      {
        key: "expires",
        header: "Expires",
        value: (t) => t.expiresAt ?? "",
        cell: (t) =>
          t.expired ? <StatusChip tone="red">expired</StatusChip> : t.expiresAt ? <span title={dateTime(t.expiresAt)}>{dateTime(t.expiresAt)}</span> : <span className="muted">never</span>,
      },
    ],
    [],
  );

  const role = useSessionQuery().data?.role;
  if (role !== undefined && role !== "admin") return <AdminOnlyCard title="API tokens" what="API tokens" />;

  const confirm = () => {
    if (!revoking) return;
    setRevokeError(null);
    revoke.mutate(revoking.id, { onSuccess: () => setRevoking(null), onError: (e) => setRevokeError(errorMessage(e)) });
  };

  return (
    <>
      <div className="page-head">
        <div>
          <h1>API tokens</h1>
          <p>
            <Link href="/settings">Settings</Link> · Named credentials: API tokens act with a role, worker tokens let one proxy worker connect (add one
            from <Link href="/nodes">Nodes</Link>). The console keeps only a hash of each secret.
          </p>
        </div>
        <button type="button" className="btn primary" onClick={() => setCreating(true)}>
          Create token
        </button>
      </div>
      <DataTable
        label="API tokens"
        what="tokens"
        columns={columns}
        rows={tokens.data}
        rowKey={idOf}
        rowTestId="token-row"
        query={tokens}
        filter={{ label: "Filter tokens", placeholder: "Filter by name, kind, role…" }}
        empty={
          <EmptyState title="No tokens yet" action={<button type="button" className="btn primary" onClick={() => setCreating(true)}>Create token</button>}>
            A token lets a script call the console API with a role (viewer, editor or admin), or one worker connect to it. Its secret is shown once, when it is made.
          </EmptyState>
        }
        rowActions={(t) => (
          <button type="button" className="btn small danger" onClick={() => setRevoking(t)} aria-label={`Revoke ${t.name}`}>
            Revoke
          </button>
        )}
      />
      {creating && <CreateTokenDialog onClose={() => setCreating(false)} />}
      {revoking && (
        <ConfirmDialog title={`Revoke ${revoking.name}?`} confirmLabel="Revoke token" danger pending={revoke.isPending} onConfirm={confirm} onClose={() => { setRevoking(null); setRevokeError(null); }}>
          <p style={{ marginTop: 0 }}>
            {revoking.kind === "worker"
              ? "A worker connected with this token is disconnected at once and cannot connect again with it."
              : "Every request made with this token is refused from now on."}{" "}
            This cannot be undone.
          </p>
          {revokeError && (
            <div className="alert" role="alert">
              {revokeError}
            </div>
          )}
        </ConfirmDialog>
      )}
    </>
  );
}
