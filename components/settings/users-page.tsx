"use client";
// Settings → Users (admin): the accounts with their roles and the environments an editor may change; add one,
// change a role or the environments, remove one (their sessions end at once), and see or revoke a user's sessions.
import { useMemo, useState } from "react";
import { errorMessage } from "@/components/queries/api-client";
import { useChangeRole, useRemoveUser, useRevokeUserSessions, useUserSessionsQuery, useUsersQuery } from "@/components/queries/use-accounts";
import { useSessionQuery } from "@/components/queries/use-session";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { SettingsListPage } from "./settings-list-page";
import { DataTable, type Column } from "@/components/ui/data-table";
import { dateTime, timeAgo } from "@/components/ui/format";
import type { User } from "@/lib/contract/accounts";
import { Role } from "@/lib/contract/session";
import { CreateUserDialog } from "./create-user-dialog";
import { SessionsTable } from "./sessions-table";
import { UserEnvironmentsDialog, environmentsText } from "./user-environments-dialog";

const idOf = (u: User) => u.id;

export function UsersPage() {
  const me = useSessionQuery();
  const isAdmin = me.data?.role === "admin";
  const users = useUsersQuery(isAdmin);
  const changeRole = useChangeRole();
  const remove = useRemoveUser();
  const [creating, setCreating] = useState(false);
  const [removing, setRemoving] = useState<User | null>(null);
  const [sessionsOf, setSessionsOf] = useState<User | null>(null);
  const [environmentsOf, setEnvironmentsOf] = useState<User | null>(null);
  const [error, setError] = useState<string | null>(null);

  const columns = useMemo<Column<User>[]>(
    () => [
      { key: "email", header: "Email", value: (u) => u.email, sortable: true, cell: (u) => <strong>{u.email}</strong> },
      { key: "name", header: "Name", value: (u) => u.name, sortable: true, cell: (u) => u.name },
      {
        key: "role",
        header: "Role",
        value: (u) => u.role,
        sortable: true,
        cell: (u) => (
          <select
            aria-label={`Role of ${u.email}`}
            value={u.role}
            disabled={changeRole.isPending}
            onChange={(e) => {
              setError(null);
              changeRole.mutate({ id: u.id, role: Role.parse(e.target.value) }, { onError: (err) => setError(errorMessage(err)) });
            }}
          >
            <option value="viewer">viewer</option>
            <option value="editor">editor</option>
            <option value="admin">admin</option>
          </select>
        ),
      },
      { key: "environments", header: "Environments", value: environmentsText, sortable: true, cell: (u) => <span data-testid="user-environments">{environmentsText(u)}</span> },
      { key: "created", header: "Created", value: (u) => Date.parse(u.createdAt), sortable: true, cell: (u) => <span title={dateTime(u.createdAt)}>{timeAgo(u.createdAt)}</span> },
    ],
    [changeRole],
  );

  const confirmRemove = () => {
    if (!removing) return;
    setError(null);
    remove.mutate(removing.id, { onSuccess: () => setRemoving(null), onError: (e) => setError(errorMessage(e)) });
  };

  return (
    <SettingsListPage
      title="Users"
      adminOnly="users"
      error={error}
      intro={<>Who can sign in to the console, with which role, and which environments an editor may change. A change applies to their next request.</>}
      action={
        <button type="button" className="btn primary" onClick={() => setCreating(true)}>
          Add user
        </button>
      }
    >
      <DataTable
        label="Users"
        what="users"
        columns={columns}
        rows={users.data}
        rowKey={idOf}
        rowTestId="user-row"
        query={users}
        filter={{ label: "Filter users", placeholder: "Filter by email, name, role…" }}
        rowActions={(u) => (
          <>
            <button type="button" className="btn small" onClick={() => setEnvironmentsOf(u)} aria-label={`Environments of ${u.email}`}>
              Environments
            </button>{" "}
            <button type="button" className="btn small" onClick={() => setSessionsOf(u)} aria-label={`Sessions of ${u.email}`}>
              Sessions
            </button>{" "}
            <button type="button" className="btn small danger" onClick={() => setRemoving(u)} aria-label={`Remove ${u.email}`}>
              Remove
            </button>
          </>
        )}
      />
      {sessionsOf && <UserSessions user={sessionsOf} onClose={() => setSessionsOf(null)} />}
      {creating && <CreateUserDialog onClose={() => setCreating(false)} />}
      {environmentsOf && <UserEnvironmentsDialog user={environmentsOf} onClose={() => setEnvironmentsOf(null)} />}
      {removing && (
        <ConfirmDialog title={`Remove ${removing.email}?`} confirmLabel="Remove user" danger pending={remove.isPending} onConfirm={confirmRemove} onClose={() => setRemoving(null)}>
          <p style={{ marginTop: 0 }}>They are signed out everywhere at once and can no longer sign in. The audit keeps what they did.</p>
        </ConfirmDialog>
      )}
    </SettingsListPage>
  );
}

function UserSessions({ user, onClose }: { user: User; onClose: () => void }) {
  const sessions = useUserSessionsQuery(user.id);
  const revoke = useRevokeUserSessions();
  return (
    <section className="card stack" aria-label={`Sessions of ${user.email}`}>
      <div className="page-head">
        <h2 style={{ margin: 0 }}>Sessions of {user.email}</h2>
        <div>
          <button type="button" className="btn small danger" disabled={revoke.isPending} onClick={() => revoke.mutate({ userId: user.id })}>
            Revoke all
          </button>{" "}
          <button type="button" className="btn small" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
      <SessionsTable label={`Sessions of ${user.email}`} rows={sessions.data} query={sessions} pending={revoke.isPending} onRevoke={(s) => revoke.mutate({ userId: user.id, sessionId: s.id })} />
    </section>
  );
}
