"use client";
// The header's environment: which environment's draft, versions and nodes every page shows and edits. Picking
// another switches the whole console to it (a cookie the API reads, then a reload); "New environment…" creates one.
import { useState } from "react";
import { errorMessage } from "@/components/queries/api-client";
import { switchEnvironment, useCreateEnvironment, useEnvironmentsQuery } from "@/components/queries/use-environments";
import { useReadOnly } from "@/components/queries/use-session";

const NEW = "\u0000new";

export function EnvironmentSwitcher() {
  const envs = useEnvironmentsQuery();
  const create = useCreateEnvironment();
  const [adding, setAdding] = useState(false);
  const [name, setName] = useState("");
  // a viewer switches environments but creates none
  const readOnly = useReadOnly();
  if (!envs.data) return null;
  const { environments, current } = envs.data;

  if (adding)
    return (
      <form
        className="row"
        style={{ gap: 6 }}
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(name.trim(), { onSuccess: () => switchEnvironment(name.trim()) });
        }}
      >
        <input
          aria-label="New environment name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          onKeyDown={(e) => e.key === "Escape" && setAdding(false)}
          placeholder="staging"
          autoFocus
          size={12}
        />
        <button type="submit" className="btn small" disabled={!name.trim() || create.isPending}>
          Create
        </button>
        {create.isError && (
          <span className="small" role="alert" style={{ color: "var(--red)" }}>
            {errorMessage(create.error)}
          </span>
        )}
      </form>
    );

  return (
    <label className="row small" style={{ gap: 6 }} data-testid="environment">
      <span className="muted">Environment</span>
      <select
        aria-label="Environment"
        value={current}
        onChange={(e) => (e.target.value === NEW ? setAdding(true) : switchEnvironment(e.target.value))}
      >
        {environments.map((e) => (
          <option key={e.name} value={e.name}>
            {e.name}
          </option>
        ))}
        {!readOnly && <option value={NEW}>New environment…</option>}
      </select>
    </label>
  );
}
