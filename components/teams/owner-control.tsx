"use client";
// The Owner cell of the Routes, Clusters and Listeners tables: the owning team as text, or for an admin a select
// that sets or clears it (PUT /api/draft/ownership). Ownership is console metadata: it needs no publish.
import { errorMessage } from "@/components/queries/api-client";
import { useSessionQuery } from "@/components/queries/use-session";
import { useSetOwnership, useTeamsQuery } from "@/components/queries/use-teams";
import type { OwnershipBody } from "@/lib/contract/teams";

export type OwnershipTarget = Omit<OwnershipBody, "team">;

/**
 * Whether a table shows its Owner column: when something in it has an owner, or an admin has teams to give.
 * Without teams the column would be a row of dashes taking the width the names need.
 */
export function useOwnerColumn(owners: readonly (string | null | undefined)[]): boolean {
  const isAdmin = useSessionQuery().data?.role === "admin";
  const teams = useTeamsQuery(isAdmin);
  return owners.some((o) => !!o) || (isAdmin && (teams.data?.length ?? 0) > 0);
}

/** The tooltip of an edit or delete control the caller may not use. */
export const readOnlyReason = (what: string, owner: string | null | undefined) =>
  `This ${what} belongs to team ${owner ?? "?"}: only its members or an admin can change it`;

export function OwnerControl({ owner, label, target }: { owner: string | null | undefined; label: string; target: OwnershipTarget }) {
  const isAdmin = useSessionQuery().data?.role === "admin";
  const teams = useTeamsQuery(isAdmin);
  const set = useSetOwnership();
  if (!isAdmin) return owner ? <span className="badge">{owner}</span> : <span className="muted">—</span>;
  const names = teams.data?.map((t) => t.name) ?? [];
  if (owner && !names.includes(owner)) names.push(owner);
  return (
    <select
      aria-label={`Owner of ${label}`}
      value={owner ?? ""}
      disabled={set.isPending}
      title={set.isError ? errorMessage(set.error) : undefined}
      onClick={(e) => e.stopPropagation()}
      onChange={(e) => set.mutate({ ...target, team: e.target.value === "" ? null : e.target.value })}
    >
      <option value="">— none</option>
      {names.map((n) => (
        <option key={n} value={n}>
          {n}
        </option>
      ))}
    </select>
  );
}
