"use client";
// Settings → Teams (admin): teams own virtual hosts, routes and clusters (set on the Routes, Clusters and Listeners
// pages); an editor changes only what is unowned or owned by one of their teams. Create a team, pick its members,
// delete it (what it owned becomes unowned).
import { useMemo, useState, type FormEvent } from "react";
import { errorMessage } from "@/components/queries/api-client";
import { useUsersQuery } from "@/components/queries/use-accounts";
import { useSessionQuery } from "@/components/queries/use-session";
import { useCreateTeam, useDeleteTeam, useSetTeamMembers, useTeamsQuery } from "@/components/queries/use-teams";
import { ActionFooter } from "@/components/ui/action-footer";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { SettingsListPage } from "./settings-list-page";
import { DataTable, type Column } from "@/components/ui/data-table";
import { Field } from "@/components/ui/field";
import { Panel } from "@/components/ui/panel";
import { TeamName, type TeamInfo } from "@/lib/contract/teams";

const nameOf = (t: TeamInfo) => t.name;

export function TeamsPage() {
  const me = useSessionQuery();
  const isAdmin = me.data?.role === "admin";
  const teams = useTeamsQuery(isAdmin);
  const remove = useDeleteTeam();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<TeamInfo | null>(null);
  const [removing, setRemoving] = useState<TeamInfo | null>(null);
  const [error, setError] = useState<string | null>(null);

  const columns = useMemo<Column<TeamInfo>[]>(
    () => [
      { key: "name", header: "Team", value: (t) => t.name, sortable: true, cell: (t) => <strong>{t.name}</strong> },
      {
        key: "members",
        header: "Members",
        value: (t) => t.members.map((m) => m.email).join(" "),
        cell: (t) => (t.members.length ? t.members.map((m) => m.email).join(", ") : <span className="muted">no members</span>),
      },
    ],
    [],
  );

  const confirmRemove = () => {
    if (!removing) return;
    setError(null);
    remove.mutate(removing.name, { onSuccess: () => setRemoving(null), onError: (e) => setError(errorMessage(e)) });
  };

  return (
    <SettingsListPage
      title="Teams"
      adminOnly="teams"
      error={error}
      intro={<>A team owns virtual hosts, routes and clusters; its editors change those, and see what
            other teams own read-only. Admins change everything and set owners on the Routes, Clusters and Listeners pages.</>}
      action={
        <button type="button" className="btn primary" onClick={() => setCreating(true)}>
          Add team
        </button>
      }
    >
      <DataTable
        label="Teams"
        what="teams"
        columns={columns}
        rows={teams.data}
        rowKey={nameOf}
        rowTestId="team-row"
        query={teams}
        filter={{ label: "Filter teams", placeholder: "Filter by team or member…" }}
        rowActions={(t) => (
          <>
            <button type="button" className="btn small" onClick={() => setEditing(t)} aria-label={`Members of ${t.name}`}>
              Members
            </button>{" "}
            <button type="button" className="btn small danger" onClick={() => setRemoving(t)} aria-label={`Delete team ${t.name}`}>
              Delete
            </button>
          </>
        )}
      />
      {creating && <CreateTeamDialog onClose={() => setCreating(false)} />}
      {editing && <MembersDialog team={editing} onClose={() => setEditing(null)} />}
      {removing && (
        <ConfirmDialog title={`Delete team ${removing.name}?`} confirmLabel="Delete team" danger pending={remove.isPending} onConfirm={confirmRemove} onClose={() => setRemoving(null)}>
          <p style={{ marginTop: 0 }}>What it owns becomes unowned: every editor may change it. Its members keep their accounts.</p>
        </ConfirmDialog>
      )}
    </SettingsListPage>
  );
}

function CreateTeamDialog({ onClose }: { onClose: () => void }) {
  const create = useCreateTeam();
  const [name, setName] = useState("");
  const [error, setError] = useState<string | undefined>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = TeamName.safeParse(name);
    if (!r.success) return setError(r.error.issues[0]?.message);
    create.mutate(r.data, { onSuccess: onClose, onError: (err) => setError(errorMessage(err)) });
  };
  return (
    <Panel
      variant="dialog"
      title="Add team"
      onClose={onClose}
      footer={
        <ActionFooter onClose={onClose}>
          <button type="submit" form="create-team-form" className="btn primary" disabled={create.isPending}>
            Add team
          </button>
        </ActionFooter>
      }
    >
      <form id="create-team-form" onSubmit={submit} className="stack" noValidate>
        <Field label="Team name" hint="Lowercase letters, digits and dashes; at most 63." error={error}>
          <input value={name} autoFocus autoComplete="off" placeholder="payments" onChange={(e) => (setName(e.target.value), setError(undefined))} />
        </Field>
      </form>
    </Panel>
  );
}

function MembersDialog({ team, onClose }: { team: TeamInfo; onClose: () => void }) {
  const users = useUsersQuery(true);
  const save = useSetTeamMembers();
  const [chosen, setChosen] = useState(() => new Set(team.members.map((m) => m.id)));
  const [error, setError] = useState<string | null>(null);
  const toggle = (id: string) =>
    setChosen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ name: team.name, userIds: [...chosen] }, { onSuccess: onClose, onError: (err) => setError(errorMessage(err)) });
  };
  return (
    <Panel
      variant="dialog"
      title={`Members of ${team.name}`}
      onClose={onClose}
      footer={
        <ActionFooter onClose={onClose}>
          <button type="submit" form="team-members-form" className="btn primary" disabled={save.isPending}>
            Save members
          </button>
        </ActionFooter>
      }
    >
      <form id="team-members-form" onSubmit={submit} className="stack">
        {error && (
          <div className="alert" role="alert">
            {error}
          </div>
        )}
        <fieldset className="stack">
          <legend>Users in team {team.name}</legend>
          {users.isPending ? <p role="status">Loading users…</p> : null}
          {(users.data ?? []).map((u) => (
            <label key={u.id}>
              <input type="checkbox" checked={chosen.has(u.id)} onChange={() => toggle(u.id)} /> {u.email} <span className="muted">({u.role})</span>
            </label>
          ))}
        </fieldset>
      </form>
    </Panel>
  );
}
