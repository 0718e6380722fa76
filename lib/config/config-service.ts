// The ONE service every config change passes through: compose the resulting draft, validate it with the
// contract (422 and nothing changes when invalid), write it in one transaction together with its audit
// entry, then notify the control plane (publish/rollback). Route handlers and server.ts call only this.
import type { ConfigIssue } from "../../proxy-core/src/config/index";
import { transaction } from "../repos/transaction";
import { InvalidConfigError, notFound, conflict } from "../errors";
import { loadDraftRows, replaceDraftRows } from "../repos/draft-repo";
import { countVersions, createVersion, getVersion, type Version } from "../repos/version-repo";
import { getLiveVersionId, setLiveVersionId } from "../repos/live-state-repo";
import { addAudit } from "../repos/audit-repo";
import { listNodes } from "../repos/node-repo";
import { getControlPlane } from "../control-plane/registry";
import { hashResources } from "./canonical";
import { resourceChanges, unifiedDiff } from "./diff";
import {
  clusterRows, compose, composeCluster, composeResources, decompose, routeRow,
  type BootstrapDoc, type DraftRows, type Resources, type RouteRow,
} from "./draft-mapper";
import { starterDocument } from "./starter";
import { validateDocument } from "./validation";
import { randomUUID } from "node:crypto";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

// ------------------------------------------------------------------ serialisation of config changes

const LOCK = Symbol.for("signalbox.configLock");
/** Config changes run one at a time per process (server.ts and Next's bundle share the lock via globalThis). */
async function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const g = globalThis as unknown as Record<symbol, Promise<void> | undefined>;
  const prev = g[LOCK] ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  g[LOCK] = prev.then(() => mine);
  await prev;
  try {
    return await fn();
  } finally {
    release();
  }
}

const cloneRows = (rows: DraftRows): DraftRows => structuredClone(rows);

function relativize(errors: ConfigIssue[], focus: string | null): ConfigIssue[] {
  if (!focus) return errors;
  return errors.map((e) => {
    if (e.path === focus) return { ...e, path: "" };
    if (e.path.startsWith(focus + ".")) return { ...e, path: e.path.slice(focus.length + 1) };
    if (e.path.startsWith(focus + "[")) return { ...e, path: e.path.slice(focus.length) };
    return e;
  });
}

// ------------------------------------------------------------------ reading

export async function getDraftRows(): Promise<DraftRows> {
  return loadDraftRows();
}

export async function getDraftDocument(): Promise<BootstrapDoc> {
  return compose(await loadDraftRows());
}

export async function getLiveVersion(): Promise<Version | null> {
  const id = await getLiveVersionId();
  return id ? getVersion(id) : null;
}

// ------------------------------------------------------------------ whole-draft replace (PUT /api/config)

/** Replaces the draft with a bootstrap document (parsed JSON/YAML). Throws InvalidConfigError (422). */
export async function replaceDraft(input: unknown, actor: string): Promise<BootstrapDoc> {
  const errors = validateDocument(input);
  if (errors.length) throw new InvalidConfigError(errors);
  const sr = (input as Json).static_resources ?? {};
  // only listeners and clusters belong to the draft (node/admin are per-worker bootstrap settings)
  const doc = { static_resources: { listeners: sr.listeners ?? [], clusters: sr.clusters ?? [] } };
  const rows = decompose(doc);
  return serialized(async () => {
    await transaction(async (tx) => {
      await replaceDraftRows(tx, rows);
      await addAudit(tx, {
        actor, action: "draft.replace", target: "draft",
        details: { listeners: doc.static_resources.listeners.length, clusters: doc.static_resources.clusters.length, hash: hashResources(doc.static_resources) },
      });
    });
    return compose(rows);
  });
}

/**
 * Applies `change` to a copy of the draft rows, validates the composed document and writes it.
 * `change` returns the absolute path of the submitted resource (errors inside it become relative) and the result.
 */
async function mutateDraft<T>(
  actor: string,
  audit: { action: string; target: string; details?: unknown },
  change: (rows: DraftRows) => { focus: string | null; result: (rows: DraftRows) => T },
): Promise<T> {
  return serialized(async () => {
    const rows = cloneRows(await loadDraftRows());
    const { focus, result } = change(rows);
    const doc = compose(rows);
    const errors = validateDocument(doc);
    if (errors.length) throw new InvalidConfigError(relativize(errors, focus));
    await transaction(async (tx) => {
      await replaceDraftRows(tx, rows);
      await addAudit(tx, { actor, action: audit.action, target: audit.target, details: audit.details ?? {} });
    });
    return result(rows);
  });
}

// ------------------------------------------------------------------ versions

function notify(v: Version) {
  try {
    getControlPlane()?.pushLive({ id: v.id, number: v.number, snapshot: v.snapshot });
  } catch (e) {
    console.error("[config] pushing the live version failed:", e);
  }
}

/** Publishes the draft as a new version, makes it live and pushes it to every connected worker. */
export async function publish(message: string, actor: string): Promise<Version> {
  const v = await serialized(async () => {
    const resources = composeResources(await loadDraftRows());
    const errors = validateDocument({ static_resources: resources });
    if (errors.length) throw new InvalidConfigError(errors, "the draft is not valid; fix it before publishing");
    return transaction(async (tx) => {
      const parentId = await getLiveVersionId(tx);
      const version = await createVersion(tx, { hash: hashResources(resources), author: actor, message, snapshot: resources, parentId, rollbackOfId: null });
      await setLiveVersionId(tx, version.id);
      await addAudit(tx, { actor, action: "version.publish", target: version.id, details: { number: version.number, hash: version.hash, message } });
      return version;
    });
  });
  notify(v);
  return v;
}

/** New version whose snapshot equals version `id`'s; it becomes live and the draft is reset to it. */
export async function rollback(id: string, actor: string, message?: string): Promise<Version> {
  const v = await serialized(async () => {
    const target = await getVersion(id);
    if (!target) throw notFound(`version ${id} not found`);
    const rows = decompose({ static_resources: target.snapshot });
    return transaction(async (tx) => {
      const parentId = await getLiveVersionId(tx);
      const version = await createVersion(tx, {
        hash: target.hash, author: actor, message: message ?? `Rollback to v${target.number}`,
        snapshot: target.snapshot, parentId, rollbackOfId: target.id,
      });
      await setLiveVersionId(tx, version.id);
      await replaceDraftRows(tx, rows);
      await addAudit(tx, {
        actor, action: "version.rollback", target: version.id,
        details: { number: version.number, hash: version.hash, rollbackOf: target.id, rollbackOfNumber: target.number },
      });
      return version;
    });
  });
  notify(v);
  return v;
}

export async function diffVersions(fromId: string, toId: string) {
  const [a, b] = await Promise.all([getVersion(fromId), getVersion(toId)]);
  if (!a) throw notFound(`version ${fromId} not found`);
  if (!b) throw notFound(`version ${toId} not found`);
  return {
    from: { id: a.id, number: a.number, hash: a.hash },
    to: { id: b.id, number: b.number, hash: b.hash },
    identical: a.hash === b.hash,
    changes: resourceChanges(a.snapshot, b.snapshot),
    unified: unifiedDiff(`v${a.number}`, `v${b.number}`, a.snapshot, b.snapshot),
  };
}

/** On an empty database: the starter document becomes the draft and version 1 (author "system"). */
export async function ensureStarterVersion(): Promise<Version | null> {
  if ((await countVersions()) > 0) return null;
  await replaceDraft(starterDocument(), "system");
  return publish("Starter configuration", "system");
}

// ------------------------------------------------------------------ draft status

export async function draftStatus() {
  const [rows, live, nodes] = await Promise.all([loadDraftRows(), getLiveVersion(), listNodes()]);
  const draft = composeResources(rows);
  const empty: Resources = { listeners: [], clusters: [] };
  const connected = nodes.filter((n) => n.connected);
  return {
    live: live ? { id: live.id, number: live.number, hash: live.hash } : null,
    draftHash: hashResources(draft),
    changes: resourceChanges(live?.snapshot ?? empty, draft),
    nodes: {
      total: nodes.length,
      connected: connected.length,
      applied: live ? connected.filter((n) => n.appliedVersionId === live.id).length : 0,
      rejected: connected.filter((n) => n.lastError !== null).length,
    },
  };
}

// ------------------------------------------------------------------ draft routes

export interface DraftRouteItem { id: string; listener: string; virtualHost: string; domains: string[]; position: number; route: Json }

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
        out.push({ id: r.id, listener: l.name, virtualHost: v.name, domains: v.domains, position: r.position, route: r.json });
  return out;
}

const routeConfigFilterIndex = (fc: Json): number => (fc?.filters ?? []).findIndex((f: Json) => f?.typed_config?.route_config && typeof f.typed_config.route_config === "object");

/** Absolute path of a route in the composed document. */
function routePath(rows: DraftRows, routeId: string): string | null {
  const r = rows.routes.find((x) => x.id === routeId);
  const v = r && rows.virtualHosts.find((x) => x.id === r.virtualHostId);
  const l = v && rows.listeners.find((x) => x.id === v.listenerId);
  if (!r || !v || !l) return null;
  const li = sortedListeners(rows).indexOf(l);
  const vi = rows.virtualHosts.filter((x) => x.listenerId === l.id && x.filterChainIndex === v.filterChainIndex).sort((a, b) => a.position - b.position).indexOf(v);
  const ri = sortedRoutesOf(rows, v.id).indexOf(r);
  const ni = routeConfigFilterIndex(l.json?.filter_chains?.[v.filterChainIndex]);
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
  return routeItems(await loadDraftRows());
}

export async function createDraftRoute(input: { listener?: string; virtualHost?: string; route: Json }, actor: string): Promise<DraftRouteItem> {
  const id = randomUUID();
  return mutateDraft(actor, { action: "draft.route.create", target: `route:${id}`, details: { listener: input.listener, virtualHost: input.virtualHost, route: input.route } }, (rows) => {
    const listeners = sortedListeners(rows);
    const l = input.listener === undefined ? listeners[0] : listeners.find((x) => x.name === input.listener);
    if (!l) throw focusError("listener", input.listener === undefined ? "the draft has no listener to add a route to" : `unknown listener "${input.listener}"`);
    let v = sortedVhostsOf(rows, l.id).find((x) => input.virtualHost === undefined || x.name === input.virtualHost);
    if (!v) {
      if (input.virtualHost !== undefined) throw focusError("virtualHost", `unknown virtual host "${input.virtualHost}" on listener "${l.name}"`);
      // a listener without virtual hosts gets a catch-all one on its first HTTP filter chain
      const fi = (l.json?.filter_chains ?? []).findIndex((fc: Json) => routeConfigFilterIndex(fc) >= 0);
      if (fi < 0) throw focusError("listener", `listener "${l.name}" has no HTTP connection manager to add a route to`);
      const fc = l.json.filter_chains[fi];
      const rc = fc.filters[routeConfigFilterIndex(fc)].typed_config.route_config;
      if (!Array.isArray(rc.virtual_hosts)) rc.virtual_hosts = [];
      v = { id: randomUUID(), listenerId: l.id, filterChainIndex: fi, name: "default", position: 0, domains: ["*"], json: { name: "default", domains: ["*"], routes: [] } };
      rows.virtualHosts.push(v);
    }
    if (!Array.isArray(v.json.routes)) v.json.routes = [];
    const position = sortedRoutesOf(rows, v.id).length;
    rows.routes.push(routeRow(input.route, v.id, position, id));
    return { focus: routePath(rows, id), result: (r) => itemOf(r, id) };
  });
}

export async function updateDraftRoute(id: string, route: Json, actor: string): Promise<DraftRouteItem> {
  return mutateDraft(actor, { action: "draft.route.update", target: `route:${id}`, details: { route } }, (rows) => {
    const i = rows.routes.findIndex((r) => r.id === id);
    if (i < 0) throw notFound(`route ${id} not found in the draft`);
    const old = rows.routes[i];
    rows.routes[i] = routeRow(route, old.virtualHostId, old.position, id);
    return { focus: routePath(rows, id), result: (r) => itemOf(r, id) };
  });
}

export async function deleteDraftRoute(id: string, actor: string): Promise<void> {
  await mutateDraft(actor, { action: "draft.route.delete", target: `route:${id}` }, (rows) => {
    const r = rows.routes.find((x) => x.id === id);
    if (!r) throw notFound(`route ${id} not found in the draft`);
    rows.routes = rows.routes.filter((x) => x.id !== id);
    renumber(rows.routes.filter((x) => x.virtualHostId === r.virtualHostId));
    return { focus: null, result: () => undefined };
  });
}

export async function moveDraftRoute(id: string, direction: "up" | "down", actor: string): Promise<DraftRouteItem> {
  return mutateDraft(actor, { action: "draft.route.move", target: `route:${id}`, details: { direction } }, (rows) => {
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

// ------------------------------------------------------------------ draft clusters

export interface DraftClusterItem { name: string; cluster: Json }

export function clusterItems(rows: DraftRows): DraftClusterItem[] {
  return [...rows.clusters].sort((a, b) => a.position - b.position).map((c) => ({ name: c.name, cluster: composeCluster(c, rows.endpoints, rows.circuitBreakers) }));
}

export async function listDraftClusters(): Promise<DraftClusterItem[]> {
  return clusterItems(await loadDraftRows());
}

/** Create or replace cluster `name`; when the body names another cluster, `name` is renamed and routes follow. */
export async function putDraftCluster(name: string, cluster: Json, actor: string): Promise<{ created: boolean; item: DraftClusterItem }> {
  const body = cluster && typeof cluster === "object" && !Array.isArray(cluster) ? { ...cluster } : cluster;
  if (body && typeof body === "object" && body.name === undefined) body.name = name;
  const newName: string = typeof body?.name === "string" ? body.name : name;
  let created = false;
  const item = await mutateDraft(
    actor,
    { action: "draft.cluster.put", target: `cluster:${newName}`, details: newName !== name ? { renamedFrom: name, cluster: body } : { cluster: body } },
    (rows) => {
      const existing = rows.clusters.find((c) => c.name === name);
      if (!existing && newName !== name && rows.clusters.some((c) => c.name === newName))
        throw conflict(`cluster "${newName}" already exists (PUT /api/draft/clusters/${encodeURIComponent(newName)} to replace it)`);
      created = !existing;
      const id = existing?.id ?? randomUUID();
      const position = existing?.position ?? rows.clusters.reduce((m, c) => Math.max(m, c.position + 1), 0);
      const next = clusterRows(body, position, id);
      rows.clusters = [...rows.clusters.filter((c) => c.id !== id), next.cluster];
      rows.endpoints = [...rows.endpoints.filter((e) => e.clusterId !== id), ...next.endpoints];
      rows.circuitBreakers = [...rows.circuitBreakers.filter((c) => c.clusterId !== id), ...next.circuitBreakers];
      if (existing && newName !== name) {
        // routes follow a rename
        rows.routes = rows.routes.map((r) => {
          if (r.clusterName !== name) return r;
          const json = structuredClone(r.json);
          json.route.cluster = newName;
          return routeRow(json, r.virtualHostId, r.position, r.id);
        });
        if (next.cluster.json?.load_assignment?.cluster_name === name) next.cluster.json.load_assignment.cluster_name = newName;
      }
      const ci = [...rows.clusters].sort((a, b) => a.position - b.position).findIndex((c) => c.id === id);
      return { focus: `static_resources.clusters[${ci}]`, result: (r) => clusterItems(r).find((c) => c.name === newName)! };
    },
  );
  return { created, item };
}

export async function deleteDraftCluster(name: string, actor: string): Promise<void> {
  await mutateDraft(actor, { action: "draft.cluster.delete", target: `cluster:${name}` }, (rows) => {
    const c = rows.clusters.find((x) => x.name === name);
    if (!c) throw notFound(`cluster "${name}" not found in the draft`);
    rows.clusters = rows.clusters.filter((x) => x.id !== c.id);
    rows.endpoints = rows.endpoints.filter((e) => e.clusterId !== c.id);
    rows.circuitBreakers = rows.circuitBreakers.filter((x) => x.clusterId !== c.id);
    return { focus: null, result: () => undefined };
  });
}
