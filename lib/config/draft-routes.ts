// Route edits on the draft (the /api/draft/routes endpoints and the Routes page): each goes through
// mutateDraft (draft-write.ts), so it is validated with the contract, checked against If-Match and audited
// like any other change, and answers its result with the draft's new revision.
import { getDraftRows } from "./draft-read";
import { randomUUID } from "node:crypto";
import { InvalidConfigError, notFound } from "../errors";
import type { WriteOpts, Written } from "./draft-revision";
import { mutateDraft } from "./draft-write";
import { routeRow, type DraftRows, type RouteRow } from "./draft-mapper";
import { keepRouteNames } from "./route-names";
import { placementOf } from "./route-placement";
import type { RoutePlacement } from "../contract/draft";
import { jsonArray, jsonAt, jsonObject, type JsonObject } from "../json";
import type { Route } from "../../proxy-core/src/config/index";

export interface DraftRouteItem { id: string; listener: string; virtualHost: string; domains: string[]; position: number; route: Route }

function sortedVhostsOf(rows: DraftRows, listenerId: string) {
  return rows.virtualHosts.filter((v) => v.listenerId === listenerId).sort((a, b) => a.filterChainIndex - b.filterChainIndex || a.position - b.position);
}
const sortedRoutesOf = (rows: DraftRows, vhostId: string) => rows.routes.filter((r) => r.virtualHostId === vhostId).sort((a, b) => a.position - b.position);
const sortedListeners = (rows: DraftRows) => [...rows.listeners].sort((a, b) => a.position - b.position);

export function routeItems(rows: DraftRows): DraftRouteItem[] {
  const out: DraftRouteItem[] = [];
  for (const l of sortedListeners(rows))
    for (const v of sortedVhostsOf(rows, l.id))
      for (const r of sortedRoutesOf(rows, v.id))
        // typed as the contract's DraftRouteItem types it: every write validates the composed draft
        out.push({ id: r.id, listener: l.name, virtualHost: v.name, domains: v.domains, position: r.position, route: r.json as Route });
  return out;
}

const routeConfigFilterIndex = (fc: unknown): number =>
  jsonArray(jsonAt(fc, "filters")).findIndex((f) => {
    const rc = jsonAt(f, "typed_config", "route_config");
    return typeof rc === "object" && rc !== null;
  });

/** Absolute path of a route in the composed document. */
function routePath(rows: DraftRows, routeId: string): string | null {
  const r = rows.routes.find((x) => x.id === routeId);
  const v = r && rows.virtualHosts.find((x) => x.id === r.virtualHostId);
  const l = v && rows.listeners.find((x) => x.id === v.listenerId);
  if (!r || !v || !l) return null;
  const li = sortedListeners(rows).indexOf(l);
  const vi = rows.virtualHosts.filter((x) => x.listenerId === l.id && x.filterChainIndex === v.filterChainIndex).sort((a, b) => a.position - b.position).indexOf(v);
  const ri = sortedRoutesOf(rows, v.id).indexOf(r);
  const ni = routeConfigFilterIndex(jsonAt(l.json, "filter_chains", v.filterChainIndex));
  return `static_resources.listeners[${li}].filter_chains[${v.filterChainIndex}].filters[${ni}].typed_config.route_config.virtual_hosts[${vi}].routes[${ri}]`;
}

function renumber(routes: RouteRow[]) {
  routes.sort((a, b) => a.position - b.position).forEach((r, i) => (r.position = i));
}

function itemOf(rows: DraftRows, id: string): DraftRouteItem {
  const item = routeItems(rows).find((i) => i.id === id);
  if (!item) throw new Error(`route ${id} vanished`);
  return item;
}

const focusError = (path: string, message: string) => new InvalidConfigError([{ path, message }]);

export async function listDraftRoutes(): Promise<DraftRouteItem[]> {
  return routeItems(await getDraftRows());
}

/**
 * Adds a route to a virtual host (default: the first listener's first). It goes at `position` when given, else right
 * above the first route that would shadow it (route-placement.ts), else last; the result says where and why.
 */
export async function createDraftRoute(
  input: { listener?: string; virtualHost?: string; route: JsonObject; position?: number },
  actor: string,
  opts: WriteOpts = {},
): Promise<Written<DraftRouteItem & { placement: RoutePlacement }>> {
  const id = randomUUID();
  const details = { listener: input.listener, virtualHost: input.virtualHost, route: input.route, ...(input.position !== undefined ? { position: input.position } : {}) };
  return mutateDraft(actor, opts, { action: "draft.route.create", target: `route:${id}`, details }, (rows) => {
    const listeners = sortedListeners(rows);
    const l = input.listener === undefined ? listeners[0] : listeners.find((x) => x.name === input.listener);
    if (!l) throw focusError("listener", input.listener === undefined ? "the draft has no listener to add a route to" : `unknown listener "${input.listener}"`);
    let v = sortedVhostsOf(rows, l.id).find((x) => input.virtualHost === undefined || x.name === input.virtualHost);
    if (!v) {
      if (input.virtualHost !== undefined) throw focusError("virtualHost", `unknown virtual host "${input.virtualHost}" on listener "${l.name}"`);
      // a listener without virtual hosts gets a catch-all one on its first HTTP filter chain
      const chains = jsonArray(jsonAt(l.json, "filter_chains"));
      const fi = chains.findIndex((fc) => routeConfigFilterIndex(fc) >= 0);
      if (fi < 0) throw focusError("listener", `listener "${l.name}" has no HTTP connection manager to add a route to`);
      const fc = chains[fi];
      const rc = jsonObject(jsonAt(fc, "filters", routeConfigFilterIndex(fc), "typed_config", "route_config"));
      if (rc && !Array.isArray(rc.virtual_hosts)) rc.virtual_hosts = [];
      v = { id: randomUUID(), listenerId: l.id, filterChainIndex: fi, name: "default", position: 0, domains: ["*"], json: { name: "default", domains: ["*"], routes: [] } };
      rows.virtualHosts.push(v);
    }
    if (!Array.isArray(v.json.routes)) v.json.routes = [];
    const siblings = sortedRoutesOf(rows, v.id);
    if (input.position !== undefined && input.position > siblings.length)
      throw focusError("position", `must be between 0 and ${siblings.length} (virtual host "${v.name}" has ${siblings.length} routes; ${siblings.length} puts it last)`);
    const { plan, placement } = placementOf(siblings.map((r) => r.json), input.route, input.position);
    renumber(siblings);
    for (const r of siblings) if (r.position >= plan.position) r.position += 1;
    rows.routes.push(routeRow(input.route, v.id, plan.position, id));
    return { focus: routePath(rows, id), result: (r) => ({ ...itemOf(r, id), placement }) };
  });
}

export async function updateDraftRoute(id: string, route: JsonObject, actor: string, opts: WriteOpts = {}): Promise<Written<DraftRouteItem>> {
  return mutateDraft(actor, opts, { action: "draft.route.update", target: `route:${id}`, details: { route } }, (rows) => {
    const i = rows.routes.findIndex((r) => r.id === id);
    if (i < 0) throw notFound(`route ${id} not found in the draft`);
    const old = rows.routes[i];
    rows.routes[i] = routeRow(keepRouteNames(old.json, route), old.virtualHostId, old.position, id);
    return { focus: routePath(rows, id), result: (r) => itemOf(r, id) };
  });
}

export async function deleteDraftRoute(id: string, actor: string, opts: WriteOpts = {}): Promise<Written<void>> {
  return mutateDraft(actor, opts, { action: "draft.route.delete", target: `route:${id}` }, (rows) => {
    const r = rows.routes.find((x) => x.id === id);
    if (!r) throw notFound(`route ${id} not found in the draft`);
    rows.routes = rows.routes.filter((x) => x.id !== id);
    renumber(rows.routes.filter((x) => x.virtualHostId === r.virtualHostId));
    return { focus: null, result: () => undefined };
  });
}

export async function moveDraftRoute(id: string, direction: "up" | "down", actor: string, opts: WriteOpts = {}): Promise<Written<DraftRouteItem>> {
  return mutateDraft(actor, opts, { action: "draft.route.move", target: `route:${id}`, details: { direction } }, (rows) => {
    const r = rows.routes.find((x) => x.id === id);
    if (!r) throw notFound(`route ${id} not found in the draft`);
    const siblings = sortedRoutesOf(rows, r.virtualHostId);
    const i = siblings.indexOf(r);
    const j = direction === "up" ? i - 1 : i + 1;
    if (j >= 0 && j < siblings.length) {
      const other = siblings[j];
      [r.position, other.position] = [other.position, r.position];
    }
    return { focus: routePath(rows, id), result: (rs) => itemOf(rs, id) };
  });
}

