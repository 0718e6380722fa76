// Publishing a change someone had no right to: the draft write path refuses an editor's change to a resource
// another team owns, but an admin may give a resource to a team after an editor outside it changed it. Such a
// change is in the DraftChange log with the teams its actor had; a publish by a non-admin that would carry it live
// is refused (403 naming the change), an admin's goes through.
import type { Actor } from "../actor";
import { ApiError } from "../errors";
import type { DraftRows } from "../config/draft-mapper";
import { teamLimitedChangesAfter, type TeamLimitedChange } from "../repos/draft-change-repo";
import { routeLabel, routeOwner } from "./ownership-rules";

/** The resource a DraftChange names, as the draft has it now, with its owner ("a → b": the name after the rename). */
function ownerOf(rows: DraftRows, c: Pick<TeamLimitedChange, "kind" | "name">): { what: string; owner: string } | null {
  const name = c.name.includes(" → ") ? c.name.slice(c.name.lastIndexOf(" → ") + 3) : c.name;
  if (c.kind === "cluster") {
    const cl = rows.clusters.find((x) => x.name === name);
    return cl?.owner ? { what: `cluster ${cl.name}`, owner: cl.owner } : null;
  }
  const vhosts = new Map(rows.virtualHosts.map((v) => [v.id, v]));
  const listener = (id: string) => rows.listeners.find((l) => l.id === id)?.name ?? "?";
  if (c.kind === "virtual_host") {
    const v = rows.virtualHosts.find((x) => x.name === name && x.owner);
    return v?.owner ? { what: `virtual host ${listener(v.listenerId)}/${v.name}`, owner: v.owner } : null;
  }
  if (c.kind === "route") {
    // route names are unique within a virtual host only: every owned route of that name counts
    for (const r of rows.routes) {
      if (routeLabel(r) !== name && `${r.matchKind} ${r.matchValue}` !== name) continue;
      const owner = routeOwner(r, vhosts);
      const v = vhosts.get(r.virtualHostId);
      if (owner) return { what: `route ${routeLabel(r)} on ${v ? `${listener(v.listenerId)}/${v.name}` : "?"}`, owner };
    }
  }
  return null;
}

/** The first change since `liveAt` to a resource owned by a team its actor was not in, described; null: none. */
export function foreignChange(rows: DraftRows, changes: TeamLimitedChange[]): string | null {
  for (const c of changes) {
    const o = ownerOf(rows, c);
    if (o && !c.actorTeams.includes(o.owner))
      return `the draft holds a change to ${o.what}, which belongs to team ${o.owner}, by ${c.actor} (revision ${c.revision}), who was not in team ${o.owner}: an admin must publish it, or discard it first`;
  }
  return null;
}

/** Throws the 403 when `actor` (not an admin) would publish a change its maker had no right to. */
export async function refuseForeignChanges(actor: Actor | null, env: string, liveAt: Date | null, rows: () => Promise<DraftRows>): Promise<void> {
  if (!actor || actor.role === "admin") return;
  const changes = await teamLimitedChangesAfter(env, liveAt);
  if (!changes.length) return;
  const refusal = foreignChange(await rows(), changes);
  if (refusal) throw new ApiError(403, "forbidden", refusal);
}
