"use client";
// Settings → Users → Environments (admin): the environments an editor may change. "All environments" (the default)
// lifts the limit; picking some limits every write of theirs (draft edits, publishes, rollbacks, promotions into an
// environment) to those, while they still read every environment. Admins are never limited.
import { useEffect, useState, type FormEvent } from "react";
import { errorMessage } from "@/components/queries/api-client";
import { useSetUserEnvironments } from "@/components/queries/use-accounts";
import { useEnvironmentsQuery } from "@/components/queries/use-environments";
import { ActionFooter } from "@/components/ui/action-footer";
import { Panel } from "@/components/ui/panel";
import type { User } from "@/lib/contract/accounts";

/** What the Users table shows for a user's limit. */
export function environmentsText(u: User): string {
  if (u.role === "admin") return "All environments (admin)";
  return u.environments?.length ? u.environments.join(", ") : "All environments";
}

export function UserEnvironmentsDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const environments = useEnvironmentsQuery();
  // the list as it is now: an environment created since the page loaded (by anyone) is offered too
  const { refetch } = environments;
  useEffect(() => void refetch(), [refetch]);
  const save = useSetUserEnvironments();
  // empty: every environment
  const [chosen, setChosen] = useState(() => new Set(user.environments ?? []));
  const [error, setError] = useState<string | null>(null);
  const toggle = (name: string) =>
    setChosen((prev) => {
      const next = new Set(prev);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });
  const names = (environments.data?.environments ?? []).map((e) => e.name);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    // in the environments' order, whatever order they were ticked in
    const picked = names.filter((n) => chosen.has(n));
    save.mutate({ id: user.id, environments: picked.length ? picked : null }, { onSuccess: onClose, onError: (err) => setError(errorMessage(err)) });
  };
  return (
    <Panel
      variant="dialog"
      title={`Environments of ${user.email}`}
      onClose={onClose}
      footer={
        <ActionFooter onClose={onClose}>
          <button type="submit" form="user-environments-form" className="btn primary" disabled={save.isPending || environments.isPending}>
            Save environments
          </button>
        </ActionFooter>
      }
    >
      <form id="user-environments-form" onSubmit={submit} className="stack">
        {error && (
          <div className="alert" role="alert">
            {error}
          </div>
        )}
        <p className="muted small" style={{ margin: 0 }}>
          As an editor, {user.email} changes only these environments (drafts, publishes, rollbacks, promotions into them) and reads every one.
          {user.role === "admin" ? " Admins are never limited: this applies if they become an editor." : ""}
        </p>
        <fieldset className="stack">
          <legend>Environments {user.email} may change</legend>
          <label>
            <input type="checkbox" checked={chosen.size === 0} onChange={() => setChosen(new Set())} /> All environments
          </label>
          {environments.isPending ? <p role="status">Loading environments…</p> : null}
          {environments.isError ? <p role="alert">Could not load the environments: {errorMessage(environments.error)}</p> : null}
          {names.map((n) => (
            <label key={n}>
              <input type="checkbox" checked={chosen.has(n)} onChange={() => toggle(n)} /> {n}
            </label>
          ))}
        </fieldset>
      </form>
    </Panel>
  );
}
