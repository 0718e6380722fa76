// Draft tables (DraftListener, DraftVirtualHost, DraftRoute, DraftCluster, DraftEndpoint, DraftCircuitBreaker).
// A row stores what a query or constraint uses (id, parent, position, unique name) plus the resource's JSON;
// the other fields of the row types (a route's match and cluster, an endpoint's address …) are read from that
// JSON on load, so they can never disagree with it. Writes compare the rows by id and touch only what changed.
import { db, type Tx } from "../db";
import {
  routeRow,
  type CircuitBreakerRow, type ClusterRow, type DraftRows, type EndpointRow, type ListenerRow, type RouteRow, type VirtualHostRow,
} from "../config/draft-mapper";
import { jsonAt, jsonObject, type JsonObject } from "../json";

const parse = (s: string): unknown => JSON.parse(s);
// a resource's JSON is an object (the composed draft was validated on write), but a restored backup's rows are only
// checked to be JSON: one that is no object reads as {}, and validating the draft refuses what it lacks
const parseObject = (s: string): JsonObject => jsonObject(parse(s)) ?? {};
const str = (v: unknown) => JSON.stringify(v);

// ------------------------------------------------------------------ rows as stored

/** What each table stores of a row, in the order the columns are compared. */
const stored = {
  listener: (l: ListenerRow) => ({ id: l.id, name: l.name, position: l.position, json: str(l.json) }),
  virtualHost: (v: VirtualHostRow) => ({ id: v.id, listenerId: v.listenerId, filterChainIndex: v.filterChainIndex, name: v.name, position: v.position, json: str(v.json), owner: v.owner ?? null }),
  route: (r: RouteRow) => ({ id: r.id, virtualHostId: r.virtualHostId, position: r.position, json: str(r.json), owner: r.owner ?? null }),
  cluster: (c: ClusterRow) => ({ id: c.id, name: c.name, position: c.position, json: str(c.json), owner: c.owner ?? null }),
  endpoint: (e: EndpointRow) => ({ id: e.id, clusterId: e.clusterId, localityIndex: e.localityIndex, position: e.position, json: str(e.json) }),
  circuitBreaker: (c: CircuitBreakerRow) => ({ id: c.id, clusterId: c.clusterId, position: c.position, json: str(c.json) }),
};

// ------------------------------------------------------------------ reading

function listenerRow(r: { id: string; name: string; position: number; json: string }): ListenerRow {
  const json = parseObject(r.json);
  const sa = jsonObject(jsonAt(json, "address", "socket_address")) ?? {};
  return { id: r.id, name: r.name, position: r.position, address: String(sa.address ?? ""), port: Number(sa.port_value ?? 0), json };
}

function virtualHostRow(r: { id: string; listenerId: string; filterChainIndex: number; name: string; position: number; json: string; owner: string | null }): VirtualHostRow {
  const json = parseObject(r.json);
  return { ...r, domains: Array.isArray(json.domains) ? json.domains.map(String) : [], json };
}

function clusterRow(r: { id: string; name: string; position: number; json: string; owner: string | null }): ClusterRow {
  const json = parseObject(r.json);
  return { id: r.id, name: r.name, position: r.position, type: String(json.type ?? "STATIC"), lbPolicy: String(json.lb_policy ?? "ROUND_ROBIN"), json, owner: r.owner };
}

function endpointRow(r: { id: string; clusterId: string; localityIndex: number; position: number; json: string }): EndpointRow {
  const json = parse(r.json);
  const sa = jsonObject(jsonAt(json, "endpoint", "address", "socket_address")) ?? {};
  return { ...r, address: String(sa.address ?? ""), port: Number(sa.port_value ?? 0), weight: Number(jsonAt(json, "load_balancing_weight") ?? 1), json };
}

function circuitBreakerRow(r: { id: string; clusterId: string; position: number; json: string }): CircuitBreakerRow {
  const json = parse(r.json);
  return { ...r, priority: String(jsonAt(json, "priority") ?? "DEFAULT"), json };
}

/** Environment `env`'s draft, row by row. */
export async function loadDraftRows(env: string, tx: Tx = db()): Promise<DraftRows> {
  const [listeners, virtualHosts, routes, clusters, endpoints, circuitBreakers] = await Promise.all([
    tx.draftListener.findMany({ where: { environment: env }, orderBy: { position: "asc" } }),
    tx.draftVirtualHost.findMany({ where: { listener: { environment: env } }, orderBy: { position: "asc" } }),
    tx.draftRoute.findMany({ where: { virtualHost: { listener: { environment: env } } }, orderBy: { position: "asc" } }),
    tx.draftCluster.findMany({ where: { environment: env }, orderBy: { position: "asc" } }),
    tx.draftEndpoint.findMany({ where: { cluster: { environment: env } }, orderBy: { position: "asc" } }),
    tx.draftCircuitBreaker.findMany({ where: { cluster: { environment: env } }, orderBy: { position: "asc" } }),
  ]);
  return {
    listeners: listeners.map(listenerRow),
    virtualHosts: virtualHosts.map(virtualHostRow),
    routes: routes.map((r) => ({ ...routeRow(parseObject(r.json), r.virtualHostId, r.position, r.id), owner: r.owner })),
    clusters: clusters.map(clusterRow),
    endpoints: endpoints.map(endpointRow),
    circuitBreakers: circuitBreakers.map(circuitBreakerRow),
  };
}

// ------------------------------------------------------------------ writing only what changed

type Stored<K extends keyof typeof stored> = ReturnType<(typeof stored)[K]>;

/** `replace`: ids of rows that are deleted and inserted again (their parent goes away, see planTable). */
export interface TablePlan<T> { insert: T[]; update: T[]; remove: string[]; replace: string[] }
export interface DraftWritePlan {
  listeners: TablePlan<Stored<"listener">>;
  virtualHosts: TablePlan<Stored<"virtualHost">>;
  routes: TablePlan<Stored<"route">>;
  clusters: TablePlan<Stored<"cluster">>;
  endpoints: TablePlan<Stored<"endpoint">>;
  circuitBreakers: TablePlan<Stored<"circuitBreaker">>;
}

/**
 * Rows to insert, update and delete, by id. A kept row whose old parent is deleted (or replaced) is replaced
 * too, deleted and inserted again: deleting the parent would cascade to it before an update could move it.
 */
function planTable<R extends { id: string }, S extends { id: string }>(
  before: R[], after: R[], toStored: (r: R) => S, parentOf?: (s: S) => string, goneParents?: Set<string>,
): TablePlan<S> {
  const old = new Map(before.map((r) => [r.id, toStored(r)]));
  const plan: TablePlan<S> = { insert: [], update: [], remove: [], replace: [] };
  const kept = new Set<string>();
  for (const r of after) {
    const next = toStored(r);
    const prev = old.get(r.id);
    if (!prev) plan.insert.push(next);
    else {
      kept.add(r.id);
      if (parentOf && goneParents?.has(parentOf(prev))) {
        plan.replace.push(r.id);
        plan.insert.push(next);
      } else if (str(prev) !== str(next)) plan.update.push(next);
    }
  }
  for (const id of old.keys()) if (!kept.has(id)) plan.remove.push(id);
  return plan;
}

const gone = (p: TablePlan<unknown>) => new Set([...p.remove, ...p.replace]);

/** What `before` → `after` writes, table by table (pure). */
export function planDraftWrite(before: DraftRows, after: DraftRows): DraftWritePlan {
  const listeners = planTable(before.listeners, after.listeners, stored.listener);
  const virtualHosts = planTable(before.virtualHosts, after.virtualHosts, stored.virtualHost, (v) => v.listenerId, gone(listeners));
  const routes = planTable(before.routes, after.routes, stored.route, (r) => r.virtualHostId, gone(virtualHosts));
  const clusters = planTable(before.clusters, after.clusters, stored.cluster);
  const endpoints = planTable(before.endpoints, after.endpoints, stored.endpoint, (e) => e.clusterId, gone(clusters));
  const circuitBreakers = planTable(before.circuitBreakers, after.circuitBreakers, stored.circuitBreaker, (c) => c.clusterId, gone(clusters));
  return { listeners, virtualHosts, routes, clusters, endpoints, circuitBreakers };
}

export const planIsEmpty = (p: DraftWritePlan) =>
  Object.values(p).every((t: TablePlan<unknown>) => t.insert.length === 0 && t.update.length === 0 && t.remove.length === 0);

/** Placeholder for a unique name while rows swap names inside one write. */
const parked = (id: string) => `\u0000parked:${id}`;

type Deletable = { deleteMany(a: { where: { id: { in: string[] } } }): Promise<unknown> };
async function deleteIds(model: Deletable, ids: string[]) {
  // SQLite's limit on bound parameters: delete in chunks
  for (let i = 0; i < ids.length; i += 500) await model.deleteMany({ where: { id: { in: ids.slice(i, i + 500) } } });
}

/**
 * Writes environment `env`'s draft from `before` → `after` (call inside a transaction, with `before` read in it):
 * deletes first (children
 * first), then updates and inserts (parents first). Rows whose unique key changes are parked on a placeholder
 * name first, so two rows swapping names cannot trip the unique index half way.
 */
export async function writeDraftRows(tx: Tx, env: string, before: DraftRows, after: DraftRows): Promise<DraftWritePlan> {
  const p = planDraftWrite(before, after);
  await deleteIds(tx.draftRoute, [...p.routes.remove, ...p.routes.replace]);
  await deleteIds(tx.draftVirtualHost, [...p.virtualHosts.remove, ...p.virtualHosts.replace]);
  await deleteIds(tx.draftListener, p.listeners.remove);
  await deleteIds(tx.draftEndpoint, [...p.endpoints.remove, ...p.endpoints.replace]);
  await deleteIds(tx.draftCircuitBreaker, [...p.circuitBreakers.remove, ...p.circuitBreakers.replace]);
  await deleteIds(tx.draftCluster, p.clusters.remove);

  const oldListener = new Map(before.listeners.map((l) => [l.id, l.name]));
  const oldCluster = new Map(before.clusters.map((c) => [c.id, c.name]));
  const vhostKey = (v: { listenerId: string; filterChainIndex: number; name: string }) => `${v.listenerId}/${v.filterChainIndex}/${v.name}`;
  const oldVhost = new Map(before.virtualHosts.map((v) => [v.id, vhostKey(v)]));
  for (const l of p.listeners.update) if (oldListener.get(l.id) !== l.name) await tx.draftListener.update({ where: { id: l.id }, data: { name: parked(l.id) } });
  for (const c of p.clusters.update) if (oldCluster.get(c.id) !== c.name) await tx.draftCluster.update({ where: { id: c.id }, data: { name: parked(c.id) } });
  for (const v of p.virtualHosts.update) if (oldVhost.get(v.id) !== vhostKey(v)) await tx.draftVirtualHost.update({ where: { id: v.id }, data: { name: parked(v.id) } });

  for (const { id, ...data } of p.listeners.update) await tx.draftListener.update({ where: { id }, data });
  if (p.listeners.insert.length) await tx.draftListener.createMany({ data: p.listeners.insert.map((l) => ({ ...l, environment: env })) });
  for (const { id, ...data } of p.virtualHosts.update) await tx.draftVirtualHost.update({ where: { id }, data });
  if (p.virtualHosts.insert.length) await tx.draftVirtualHost.createMany({ data: p.virtualHosts.insert });
  for (const { id, ...data } of p.routes.update) await tx.draftRoute.update({ where: { id }, data });
  if (p.routes.insert.length) await tx.draftRoute.createMany({ data: p.routes.insert });
  for (const { id, ...data } of p.clusters.update) await tx.draftCluster.update({ where: { id }, data });
  if (p.clusters.insert.length) await tx.draftCluster.createMany({ data: p.clusters.insert.map((c) => ({ ...c, environment: env })) });
  for (const { id, ...data } of p.endpoints.update) await tx.draftEndpoint.update({ where: { id }, data });
  if (p.endpoints.insert.length) await tx.draftEndpoint.createMany({ data: p.endpoints.insert });
  for (const { id, ...data } of p.circuitBreakers.update) await tx.draftCircuitBreaker.update({ where: { id }, data });
  if (p.circuitBreakers.insert.length) await tx.draftCircuitBreaker.createMany({ data: p.circuitBreakers.insert });
  return p;
}

// ------------------------------------------------------------------ where routes are (the audit trail's words)

export interface RoutePlace { id: string; environment: string; listener: string; virtualHost: string; json: JsonObject }

/** Draft routes `ids` with their listener and virtual host names, in any environment (ids unknown now are absent). */
export async function routePlaces(ids: string[], tx: Tx = db()): Promise<Map<string, RoutePlace>> {
  const out = new Map<string, RoutePlace>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await tx.draftRoute.findMany({
      where: { id: { in: ids.slice(i, i + 500) } },
      select: { id: true, json: true, virtualHost: { select: { name: true, listener: { select: { name: true, environment: true } } } } },
    });
    for (const r of rows) out.set(r.id, { id: r.id, environment: r.virtualHost.listener.environment, listener: r.virtualHost.listener.name, virtualHost: r.virtualHost.name, json: parseObject(r.json) });
  }
  return out;
}

// ------------------------------------------------------------------ ownership (lib/teams/)

/** Sets the owner of one draft row (console metadata: no revision, no DraftChange); false when the row is gone. */
export async function setDraftOwner(kind: "virtual_host" | "route" | "cluster", id: string, owner: string | null, tx: Tx = db()): Promise<boolean> {
  const where = { where: { id }, data: { owner } };
  const n =
    kind === "route" ? await tx.draftRoute.updateMany(where)
    : kind === "virtual_host" ? await tx.draftVirtualHost.updateMany(where)
    : await tx.draftCluster.updateMany(where);
  return n.count === 1;
}

/** Clears every owner naming `team` (a team deleted). */
export async function clearDraftOwners(team: string, tx: Tx = db()): Promise<void> {
  const q = { where: { owner: team }, data: { owner: null } };
  await tx.draftRoute.updateMany(q);
  await tx.draftVirtualHost.updateMany(q);
  await tx.draftCluster.updateMany(q);
}

/** Every environment's draft listeners and clusters as stored (name and JSON): what references secrets. */
export async function draftListenerAndClusterJson(tx: Tx = db()): Promise<{ kind: "listener" | "cluster"; environment: string; name: string; json: JsonObject }[]> {
  const [listeners, clusters] = await Promise.all([
    tx.draftListener.findMany({ select: { environment: true, name: true, json: true } }),
    tx.draftCluster.findMany({ select: { environment: true, name: true, json: true } }),
  ]);
  return [
    ...listeners.map((l) => ({ kind: "listener" as const, environment: l.environment, name: l.name, json: parseObject(l.json) })),
    ...clusters.map((c) => ({ kind: "cluster" as const, environment: c.environment, name: c.name, json: parseObject(c.json) })),
  ];
}
