// Draft tables (DraftListener, DraftVirtualHost, DraftRoute, DraftCluster, DraftEndpoint, DraftCircuitBreaker).
// The draft is read and written as a whole set of rows (lib/config/draft-mapper.ts); ids are kept by the caller.
import { db, type Tx } from "../db";
import type { DraftRows } from "../config/draft-mapper";

const parse = (s: string) => JSON.parse(s);
const str = (v: unknown) => JSON.stringify(v);

export async function loadDraftRows(tx: Tx = db()): Promise<DraftRows> {
  const [listeners, virtualHosts, routes, clusters, endpoints, circuitBreakers] = await Promise.all([
    tx.draftListener.findMany({ orderBy: { position: "asc" } }),
    tx.draftVirtualHost.findMany({ orderBy: { position: "asc" } }),
    tx.draftRoute.findMany({ orderBy: { position: "asc" } }),
    tx.draftCluster.findMany({ orderBy: { position: "asc" } }),
    tx.draftEndpoint.findMany({ orderBy: { position: "asc" } }),
    tx.draftCircuitBreaker.findMany({ orderBy: { position: "asc" } }),
  ]);
  return {
    listeners: listeners.map((l) => ({ id: l.id, name: l.name, position: l.position, address: l.address, port: l.port, json: parse(l.json) })),
    virtualHosts: virtualHosts.map((v) => ({
      id: v.id, listenerId: v.listenerId, filterChainIndex: v.filterChainIndex, name: v.name, position: v.position,
      domains: parse(v.domains), json: parse(v.json),
    })),
    routes: routes.map((r) => ({
      id: r.id, virtualHostId: r.virtualHostId, position: r.position, name: r.name, matchKind: r.matchKind,
      matchValue: r.matchValue, action: r.action, clusterName: r.clusterName, json: parse(r.json),
    })),
    clusters: clusters.map((c) => ({ id: c.id, name: c.name, position: c.position, type: c.type, lbPolicy: c.lbPolicy, json: parse(c.json) })),
    endpoints: endpoints.map((e) => ({
      id: e.id, clusterId: e.clusterId, localityIndex: e.localityIndex, position: e.position, address: e.address,
      port: e.port, weight: e.weight, json: parse(e.json),
    })),
    circuitBreakers: circuitBreakers.map((c) => ({ id: c.id, clusterId: c.clusterId, position: c.position, priority: c.priority, json: parse(c.json) })),
  };
}

/** Replaces every draft row with `rows` (call inside a transaction). */
export async function replaceDraftRows(tx: Tx, rows: DraftRows): Promise<void> {
  // children first is not needed (cascades), but explicit deletes keep this independent of FK pragmas
  await tx.draftRoute.deleteMany({});
  await tx.draftVirtualHost.deleteMany({});
  await tx.draftListener.deleteMany({});
  await tx.draftEndpoint.deleteMany({});
  await tx.draftCircuitBreaker.deleteMany({});
  await tx.draftCluster.deleteMany({});
  if (rows.listeners.length)
    await tx.draftListener.createMany({ data: rows.listeners.map((l) => ({ id: l.id, name: l.name, position: l.position, address: l.address, port: l.port, json: str(l.json) })) });
  if (rows.virtualHosts.length)
    await tx.draftVirtualHost.createMany({
      data: rows.virtualHosts.map((v) => ({
        id: v.id, listenerId: v.listenerId, filterChainIndex: v.filterChainIndex, name: v.name, position: v.position,
        domains: str(v.domains), json: str(v.json),
      })),
    });
  if (rows.routes.length)
    await tx.draftRoute.createMany({
      data: rows.routes.map((r) => ({
        id: r.id, virtualHostId: r.virtualHostId, position: r.position, name: r.name, matchKind: r.matchKind,
        matchValue: r.matchValue, action: r.action, clusterName: r.clusterName, json: str(r.json),
      })),
    });
  if (rows.clusters.length)
    await tx.draftCluster.createMany({ data: rows.clusters.map((c) => ({ id: c.id, name: c.name, position: c.position, type: c.type, lbPolicy: c.lbPolicy, json: str(c.json) })) });
  if (rows.endpoints.length)
    await tx.draftEndpoint.createMany({
      data: rows.endpoints.map((e) => ({
        id: e.id, clusterId: e.clusterId, localityIndex: e.localityIndex, position: e.position, address: e.address,
        port: e.port, weight: e.weight, json: str(e.json),
      })),
    });
  if (rows.circuitBreakers.length)
    await tx.draftCircuitBreaker.createMany({ data: rows.circuitBreakers.map((c) => ({ id: c.id, clusterId: c.clusterId, position: c.position, priority: c.priority, json: str(c.json) })) });
}
