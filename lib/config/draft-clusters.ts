// Cluster edits on the draft (the /api/draft/clusters endpoints and the Clusters page), through mutateDraft
// (draft-write.ts) like every change. A rename rewrites the routes that point at the cluster.
import { getDraftRows } from "./draft-read";
import { randomUUID } from "node:crypto";
import { conflict, notFound } from "../errors";
import type { WriteOpts, Written } from "./draft-revision";
import { mutateDraft } from "./draft-write";
import { clusterRows, composeCluster, routeRow, type DraftRows } from "./draft-mapper";
import type { Cluster } from "../../proxy-core/src/config/index";
import { jsonObject, type JsonObject } from "../json";

export interface DraftClusterItem { name: string; cluster: Cluster }

// typed as the contract's DraftClusterItem types it: every write validates the composed draft
export function clusterItems(rows: DraftRows): DraftClusterItem[] {
  return [...rows.clusters].sort((a, b) => a.position - b.position).map((c) => ({ name: c.name, cluster: composeCluster(c, rows.endpoints, rows.circuitBreakers) as Cluster }));
}

export async function listDraftClusters(): Promise<DraftClusterItem[]> {
  return clusterItems(await getDraftRows());
}

/** Create or replace cluster `name`; when the body names another cluster, `name` is renamed and routes follow. */
export async function putDraftCluster(name: string, cluster: JsonObject, actor: string, opts: WriteOpts = {}): Promise<Written<{ created: boolean; item: DraftClusterItem }>> {
  const body = cluster && typeof cluster === "object" && !Array.isArray(cluster) ? { ...cluster } : cluster;
  if (body && typeof body === "object" && body.name === undefined) body.name = name;
  const newName: string = typeof body?.name === "string" ? body.name : name;
  let created = false;
  const written = await mutateDraft(
    actor,
    opts,
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
          const route = jsonObject(json.route); // an object: routeRow took clusterName from its `cluster`
          if (route) route.cluster = newName;
          return routeRow(json, r.virtualHostId, r.position, r.id);
        });
        const assignment = jsonObject(next.cluster.json.load_assignment);
        if (assignment?.cluster_name === name) assignment.cluster_name = newName;
      }
      const ci = [...rows.clusters].sort((a, b) => a.position - b.position).findIndex((c) => c.id === id);
      return { focus: `static_resources.clusters[${ci}]`, result: (r) => clusterItems(r).find((c) => c.name === newName)! };
    },
  );
  return { value: { created, item: written.value }, revision: written.revision };
}

export async function deleteDraftCluster(name: string, actor: string, opts: WriteOpts = {}): Promise<Written<void>> {
  return mutateDraft(actor, opts, { action: "draft.cluster.delete", target: `cluster:${name}` }, (rows) => {
    const c = rows.clusters.find((x) => x.name === name);
    if (!c) throw notFound(`cluster "${name}" not found in the draft`);
    rows.clusters = rows.clusters.filter((x) => x.id !== c.id);
    rows.endpoints = rows.endpoints.filter((e) => e.clusterId !== c.id);
    rows.circuitBreakers = rows.circuitBreakers.filter((x) => x.clusterId !== c.id);
    return { focus: null, result: () => undefined };
  });
}
