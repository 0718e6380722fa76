// What a draft write changed, resource by resource, for the DraftChange log (the `changes` of a 409 on a
// stale If-Match, and the audit entry). Rows are compared by id, after row-identity.ts gave unchanged
// resources their old ids. A route that only changed place among its virtual host's routes is "moved" (the
// first match wins, so order matters); one that only shifted because a neighbour was removed is not listed.
// Pure.
import { canonicalJson } from "./canonical";
import { composeCluster, type DraftRows, type RouteRow } from "./draft-mapper";
import type { DraftEdit } from "../repos/draft-change-repo";

export type { DraftEdit };

const routeName = (r: RouteRow) => (typeof r.json?.name === "string" && r.json.name ? r.json.name : `${r.matchKind} ${r.matchValue}`);
const renamed = (from: string, to: string) => (from === to ? to : `${from} → ${to}`);

/** Ids of `routes` in match order per virtual host, keeping only those also in `common`. */
function orderWithin(routes: RouteRow[], common: Set<string>): Map<string, number> {
  const byVhost = new Map<string, RouteRow[]>();
  for (const r of routes) {
    if (!common.has(r.id)) continue;
    const list = byVhost.get(r.virtualHostId);
    if (list) list.push(r);
    else byVhost.set(r.virtualHostId, [r]);
  }
  const out = new Map<string, number>();
  for (const list of byVhost.values()) list.sort((a, b) => a.position - b.position).forEach((r, i) => out.set(r.id, i));
  return out;
}

export function draftEdits(before: DraftRows, after: DraftRows): DraftEdit[] {
  const out: DraftEdit[] = [];

  const oldListeners = new Map(before.listeners.map((l) => [l.id, l]));
  const newListenerIds = new Set(after.listeners.map((l) => l.id));
  for (const l of after.listeners) {
    const o = oldListeners.get(l.id);
    if (!o) out.push({ kind: "listener", name: l.name, change: "added" });
    else if (o.name !== l.name || canonicalJson(o.json) !== canonicalJson(l.json)) out.push({ kind: "listener", name: renamed(o.name, l.name), change: "changed" });
    else if (o.position !== l.position) out.push({ kind: "listener", name: l.name, change: "moved" });
  }
  for (const o of before.listeners) if (!newListenerIds.has(o.id)) out.push({ kind: "listener", name: o.name, change: "removed" });

  const oldVhosts = new Map(before.virtualHosts.map((v) => [v.id, v]));
  const newVhostIds = new Set(after.virtualHosts.map((v) => v.id));
  for (const v of after.virtualHosts) {
    const o = oldVhosts.get(v.id);
    if (!o) out.push({ kind: "virtual_host", name: v.name, change: "added" });
    else if (o.name !== v.name || o.listenerId !== v.listenerId || o.filterChainIndex !== v.filterChainIndex || canonicalJson(o.json) !== canonicalJson(v.json))
      out.push({ kind: "virtual_host", name: renamed(o.name, v.name), change: "changed" });
    else if (o.position !== v.position) out.push({ kind: "virtual_host", name: v.name, change: "moved" });
  }
  for (const o of before.virtualHosts) if (!newVhostIds.has(o.id)) out.push({ kind: "virtual_host", name: o.name, change: "removed" });

  const oldRoutes = new Map(before.routes.map((r) => [r.id, r]));
  const newRouteIds = new Set(after.routes.map((r) => r.id));
  const common = new Set(after.routes.filter((r) => oldRoutes.get(r.id)?.virtualHostId === r.virtualHostId).map((r) => r.id));
  const orderBefore = orderWithin(before.routes, common);
  const orderAfter = orderWithin(after.routes, common);
  for (const r of after.routes) {
    const o = oldRoutes.get(r.id);
    if (!o) out.push({ kind: "route", name: routeName(r), change: "added" });
    else if (o.virtualHostId !== r.virtualHostId || canonicalJson(o.json) !== canonicalJson(r.json)) out.push({ kind: "route", name: renamed(routeName(o), routeName(r)), change: "changed" });
    else if (orderBefore.get(r.id) !== orderAfter.get(r.id)) out.push({ kind: "route", name: routeName(r), change: "moved" });
  }
  for (const o of before.routes) if (!newRouteIds.has(o.id)) out.push({ kind: "route", name: routeName(o), change: "removed" });

  const oldClusters = new Map(before.clusters.map((c) => [c.id, c]));
  const newClusterIds = new Set(after.clusters.map((c) => c.id));
  for (const c of after.clusters) {
    const o = oldClusters.get(c.id);
    if (!o) out.push({ kind: "cluster", name: c.name, change: "added" });
    else if (canonicalJson(composeCluster(o, before.endpoints, before.circuitBreakers)) !== canonicalJson(composeCluster(c, after.endpoints, after.circuitBreakers)))
      out.push({ kind: "cluster", name: renamed(o.name, c.name), change: "changed" });
    else if (o.position !== c.position) out.push({ kind: "cluster", name: c.name, change: "moved" });
  }
  for (const o of before.clusters) if (!newClusterIds.has(o.id)) out.push({ kind: "cluster", name: o.name, change: "removed" });
  return out;
}
