// Who may change which draft resource (pure; enforced in one place, writeDraft in lib/config/draft-revision.ts).
// Virtual hosts, routes and clusters may belong to a team (their `owner`); a route without an owner of its own
// belongs to its virtual host's. Admins change anything; an editor changes only what is unowned or owned by one of
// their teams, and may not add a route to a virtual host another team owns. Listeners belong to no team.
// Ownership is console metadata: it never enters the Envoy snapshot a worker runs.
import type { Role } from "../contract/session";
import { canonicalJson } from "../config/canonical";
import { composeCluster, type DraftRows, type RouteRow, type VirtualHostRow } from "../config/draft-mapper";

/** What decides: the role and the teams of whoever writes. */
export interface Authority { role: Role; teams: string[] }

/** Whether `who` may change a resource owned by `owner` (null: unowned). */
export function mayChange(who: Authority, owner: string | null | undefined): boolean {
  return who.role === "admin" || !owner || who.teams.includes(owner);
}

/** The team a route belongs to: its own owner, else its virtual host's. */
export function routeOwner(route: Pick<RouteRow, "owner" | "virtualHostId">, vhosts: Map<string, Pick<VirtualHostRow, "owner">>): string | null {
  return route.owner ?? vhosts.get(route.virtualHostId)?.owner ?? null;
}

/** "you are in team search", "you are in teams a, b", "you are in no team". */
export function whoIs(who: Authority): string {
  if (who.teams.length === 0) return "you are in no team";
  return `you are in team${who.teams.length > 1 ? "s" : ""} ${who.teams.join(", ")}`;
}

/** The words naming a route: its name (routes are named on write), else its match. */
export const routeLabel = (r: Pick<RouteRow, "name" | "matchValue">) => r.name ?? r.matchValue;

/** Copies the owners of `before`'s rows onto the rows of `after` with the same id: edits never change ownership. */
export function carryOwners(before: DraftRows, after: DraftRows): void {
  const vh = new Map(before.virtualHosts.map((v) => [v.id, v.owner ?? null]));
  const rt = new Map(before.routes.map((r) => [r.id, r.owner ?? null]));
  const cl = new Map(before.clusters.map((c) => [c.id, c.owner ?? null]));
  for (const v of after.virtualHosts) v.owner = vh.get(v.id) ?? null;
  for (const r of after.routes) r.owner = rt.get(r.id) ?? null;
  for (const c of after.clusters) c.owner = cl.get(c.id) ?? null;
}

/** Ids of `routes` in match order per virtual host, keeping only `common` (a neighbour's removal moves nothing). */
function orderWithin(routes: RouteRow[], common: Set<string>): Map<string, number> {
  const byVhost = new Map<string, RouteRow[]>();
  for (const r of routes) if (common.has(r.id)) byVhost.set(r.virtualHostId, [...(byVhost.get(r.virtualHostId) ?? []), r]);
  const out = new Map<string, number>();
  for (const list of byVhost.values()) list.sort((a, b) => a.position - b.position).forEach((r, i) => out.set(r.id, i));
  return out;
}

/**
 * Why `who` may not write `after` over `before` (rows matched by id, owners carried), or null when they may.
 * The message names the first resource refused and its owner.
 */
export function ownershipRefusal(who: Authority, before: DraftRows, after: DraftRows): string | null {
  if (who.role === "admin") return null;
  const listenerName = (rows: DraftRows, id: string) => rows.listeners.find((l) => l.id === id)?.name ?? "?";
  const vhostsBefore = new Map(before.virtualHosts.map((v) => [v.id, v]));
  const vhostsAfter = new Map(after.virtualHosts.map((v) => [v.id, v]));
  const vhostLabel = (rows: DraftRows, v: VirtualHostRow) => `${listenerName(rows, v.listenerId)}/${v.name}`;
  const refuse = (what: string, owner: string) => `${what} belongs to team ${owner}; ${whoIs(who)}`;

  for (const o of before.virtualHosts) {
    const n = vhostsAfter.get(o.id);
    const changed = !n || n.name !== o.name || n.listenerId !== o.listenerId || n.filterChainIndex !== o.filterChainIndex || canonicalJson(n.json) !== canonicalJson(o.json);
    if (changed && !mayChange(who, o.owner)) return refuse(`virtual host ${vhostLabel(before, o)}`, o.owner ?? "");
  }

  const routesBefore = new Map(before.routes.map((r) => [r.id, r]));
  const common = new Set(after.routes.filter((r) => routesBefore.get(r.id)?.virtualHostId === r.virtualHostId).map((r) => r.id));
  const orderBefore = orderWithin(before.routes, common);
  const orderAfter = orderWithin(after.routes, common);
  const routesAfter = new Map(after.routes.map((r) => [r.id, r]));
  const routeWhere = (rows: DraftRows, vhosts: Map<string, VirtualHostRow>, r: RouteRow) => {
    const v = vhosts.get(r.virtualHostId);
    return `route ${routeLabel(r)} on ${v ? vhostLabel(rows, v) : "?"}`;
  };
  for (const o of before.routes) {
    const owner = routeOwner(o, vhostsBefore);
    if (mayChange(who, owner)) continue;
    const n = routesAfter.get(o.id);
    const changed = !n || n.virtualHostId !== o.virtualHostId || canonicalJson(n.json) !== canonicalJson(o.json) || orderBefore.get(o.id) !== orderAfter.get(o.id);
    if (changed) return refuse(routeWhere(before, vhostsBefore, o), owner ?? "");
  }
  // a route added to a virtual host, or moved into one, takes that virtual host's owner
  for (const r of after.routes) {
    if (routesBefore.get(r.id)?.virtualHostId === r.virtualHostId) continue;
    const v = vhostsAfter.get(r.virtualHostId);
    if (v && !mayChange(who, v.owner))
      return `cannot add route ${routeLabel(r)} to virtual host ${vhostLabel(after, v)}: it belongs to team ${v.owner}; ${whoIs(who)}`;
  }

  const clustersAfter = new Map(after.clusters.map((c) => [c.id, c]));
  for (const o of before.clusters) {
    if (mayChange(who, o.owner)) continue;
    const n = clustersAfter.get(o.id);
    if (!n || canonicalJson(composeCluster(o, before.endpoints, before.circuitBreakers)) !== canonicalJson(composeCluster(n, after.endpoints, after.circuitBreakers)))
      return refuse(`cluster ${o.name}`, o.owner ?? "");
  }
  return null;
}
