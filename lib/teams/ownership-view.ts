// Owners and what the caller may change, added to the draft's listings (GET /api/draft/routes, clusters,
// listeners) so the console shows read-only what the write path would refuse. Pure.
import type { DraftRows } from "../config/draft-mapper";
import type { DraftClusterItem, DraftRouteItem } from "../contract/draft";
import type { DraftListenerItem } from "../contract/listeners";
import { mayChange, routeOwner, type Authority } from "./ownership-rules";

export function routesWithOwners(items: DraftRouteItem[], rows: DraftRows, who: Authority): DraftRouteItem[] {
  const vhosts = new Map(rows.virtualHosts.map((v) => [v.id, v]));
  const routes = new Map(rows.routes.map((r) => [r.id, r]));
  return items.map((i) => {
    const r = routes.get(i.id);
    const owner = r ? routeOwner(r, vhosts) : null;
    return { ...i, owner, editable: mayChange(who, owner) };
  });
}

export function clustersWithOwners(items: DraftClusterItem[], rows: DraftRows, who: Authority): DraftClusterItem[] {
  const owners = new Map(rows.clusters.map((c) => [c.name, c.owner ?? null]));
  return items.map((i) => {
    const owner = owners.get(i.name) ?? null;
    return { ...i, owner, editable: mayChange(who, owner) };
  });
}

export function listenersWithOwners(items: DraftListenerItem[], rows: DraftRows, who: Authority): DraftListenerItem[] {
  const listenerIds = new Map(rows.listeners.map((l) => [l.name, l.id]));
  return items.map((l) => ({
    ...l,
    virtualHosts: l.virtualHosts.map((v) => {
      const row = rows.virtualHosts.find((x) => x.listenerId === listenerIds.get(l.name) && x.filterChainIndex === v.filterChainIndex && x.name === v.name);
      const owner = row?.owner ?? null;
      return { ...v, owner, editable: mayChange(who, owner) };
    }),
  }));
}
