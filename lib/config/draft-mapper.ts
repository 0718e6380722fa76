// Bootstrap document ↔ draft rows (one row per Envoy resource, see prisma/schema.prisma). Pure: no I/O.
// Rows keep the JSON the user wrote; the nested collections that live in their own rows are replaced by
// empty arrays in the parent's JSON (so the key stays where it was and compose puts the children back):
//   listener.filter_chains[i].filters[0].typed_config.route_config.virtual_hosts → DraftVirtualHost rows
//   virtual_host.routes → DraftRoute rows
//   cluster.load_assignment.endpoints[i].lb_endpoints → DraftEndpoint rows (localityIndex = i)
//   cluster.circuit_breakers.thresholds → DraftCircuitBreaker rows
// compose(decompose(doc)) deep-equals doc for any valid doc with both `listeners` and `clusters` present.
import { randomUUID } from "node:crypto";
import { listenerNameFor } from "../../proxy-core/src/config/index";
import { jsonAt, jsonObject, type JsonObject } from "../json";

type Json = JsonObject;

export interface ListenerRow { id: string; name: string; position: number; address: string; port: number; json: Json }
// `owner`: the team owning the resource (lib/teams/), console metadata kept out of the JSON; absent or null: none
export interface VirtualHostRow { id: string; listenerId: string; filterChainIndex: number; name: string; position: number; domains: string[]; json: Json; owner?: string | null }
export interface RouteRow {
  id: string; virtualHostId: string; position: number; name: string | null;
  matchKind: string; matchValue: string; action: string; clusterName: string | null; json: Json; owner?: string | null;
}
export interface ClusterRow { id: string; name: string; position: number; type: string; lbPolicy: string; json: Json; owner?: string | null }
// an endpoint's or a threshold's JSON is kept as written, object or not: validating the composed draft refuses it
export interface EndpointRow { id: string; clusterId: string; localityIndex: number; position: number; address: string; port: number; weight: number; json: unknown }
export interface CircuitBreakerRow { id: string; clusterId: string; position: number; priority: string; json: unknown }

export interface DraftRows {
  listeners: ListenerRow[];
  virtualHosts: VirtualHostRow[];
  routes: RouteRow[];
  clusters: ClusterRow[];
  endpoints: EndpointRow[];
  circuitBreakers: CircuitBreakerRow[];
}

/** Envoy v3 listeners and clusters: what a version snapshot holds and what workers run. */
export interface Resources { listeners: Json[]; clusters: Json[] }
export interface BootstrapDoc { static_resources: Resources }

export type IdFn = () => string;
const defaultId: IdFn = () => randomUUID();
const clone = <T>(v: T): T => structuredClone(v);

export const emptyRows = (): DraftRows => ({ listeners: [], virtualHosts: [], routes: [], clusters: [], endpoints: [], circuitBreakers: [] });

/** The HCM route_config of a filter chain, if any (Signalbox supports exactly one HCM per chain). */
function routeConfigOf(filterChain: unknown): Json | undefined {
  const filters = jsonAt(filterChain, "filters");
  for (const f of Array.isArray(filters) ? filters : []) {
    const rc = jsonAt(f, "typed_config", "route_config");
    if (rc && typeof rc === "object") return jsonObject(rc);
  }
  return undefined;
}

// ------------------------------------------------------------------ routes

const MATCH_KINDS = ["prefix", "path", "safe_regex", "path_separated_prefix"] as const;

export function routeRow(route: Json, virtualHostId: string, position: number, id: string = defaultId()): RouteRow {
  // read through jsonAt: a restored backup's route row may hold any JSON (draft-repo rebuilds rows with routeRow)
  const match = jsonObject(jsonAt(route, "match")) ?? {};
  const matchKind = MATCH_KINDS.find((k) => match[k] !== undefined) ?? "prefix";
  const matchValue = matchKind === "safe_regex" ? jsonAt(match.safe_regex, "regex") : match[matchKind];
  const r = jsonAt(route, "route");
  const cluster = jsonAt(r, "cluster");
  const name = jsonAt(route, "name");
  const action =
    jsonAt(r, "weighted_clusters") !== undefined ? "weighted_clusters"
    : r !== undefined ? "cluster"
    : jsonAt(route, "direct_response") !== undefined ? "direct_response"
    : jsonAt(route, "redirect") !== undefined ? "redirect"
    : "unknown";
  return {
    id, virtualHostId, position,
    name: typeof name === "string" ? name : null,
    matchKind,
    matchValue: String(matchValue ?? ""),
    action,
    clusterName: typeof cluster === "string" ? cluster : null,
    json: clone(route),
  };
}

// ------------------------------------------------------------------ clusters

/** Rows of one cluster: the cluster row (JSON without endpoints/thresholds) plus its endpoints and thresholds. */
export function clusterRows(cluster: Json, position: number, id: string = defaultId(), newId: IdFn = defaultId) {
  const json = clone(cluster);
  const endpoints: EndpointRow[] = [];
  const circuitBreakers: CircuitBreakerRow[] = [];
  const localities = jsonAt(json, "load_assignment", "endpoints");
  if (Array.isArray(localities)) {
    localities.forEach((l: unknown, li: number) => {
      const loc = jsonObject(l);
      if (!loc || !Array.isArray(loc.lb_endpoints)) return;
      loc.lb_endpoints.forEach((ep: unknown, ei: number) => {
        const sa = jsonObject(jsonAt(ep, "endpoint", "address", "socket_address")) ?? {};
        endpoints.push({
          id: newId(), clusterId: id, localityIndex: li, position: ei,
          address: String(sa.address ?? ""), port: Number(sa.port_value ?? 0),
          weight: Number(jsonAt(ep, "load_balancing_weight") ?? 1), json: ep,
        });
      });
      loc.lb_endpoints = [];
    });
  }
  const breakers = jsonObject(json.circuit_breakers);
  if (breakers && Array.isArray(breakers.thresholds)) {
    breakers.thresholds.forEach((t: unknown, ti: number) =>
      circuitBreakers.push({ id: newId(), clusterId: id, position: ti, priority: String(jsonAt(t, "priority") ?? "DEFAULT"), json: t }),
    );
    breakers.thresholds = [];
  }
  const row: ClusterRow = {
    id, name: String(json.name ?? ""), position,
    type: String(json.type ?? "STATIC"), lbPolicy: String(json.lb_policy ?? "ROUND_ROBIN"), json,
  };
  return { cluster: row, endpoints, circuitBreakers };
}

export function composeCluster(row: ClusterRow, endpoints: EndpointRow[], circuitBreakers: CircuitBreakerRow[]): Json {
  const json = clone(row.json);
  const localities = jsonAt(json, "load_assignment", "endpoints");
  if (Array.isArray(localities)) {
    localities.forEach((l: unknown, li: number) => {
      const loc = jsonObject(l);
      if (!loc || !Array.isArray(loc.lb_endpoints)) return;
      loc.lb_endpoints = endpoints
        .filter((e) => e.clusterId === row.id && e.localityIndex === li)
        .sort((a, b) => a.position - b.position)
        .map((e) => clone(e.json));
    });
  }
  const breakers = jsonObject(jsonAt(json, "circuit_breakers"));
  if (breakers && Array.isArray(breakers.thresholds)) {
    breakers.thresholds = circuitBreakers
      .filter((c) => c.clusterId === row.id)
      .sort((a, b) => a.position - b.position)
      .map((c) => clone(c.json));
  }
  return json;
}

// ------------------------------------------------------------------ whole document

export function decompose(doc: { static_resources?: { listeners?: Json[]; clusters?: Json[] } }, newId: IdFn = defaultId): DraftRows {
  const rows = emptyRows();
  const sr = doc?.static_resources ?? {};

  (sr.listeners ?? []).forEach((listener: Json, li: number) => {
    const json = clone(listener);
    const id = newId();
    const sa = jsonObject(jsonAt(json, "address", "socket_address")) ?? {};
    (Array.isArray(json.filter_chains) ? json.filter_chains : []).forEach((fc: unknown, fi: number) => {
      const rc = routeConfigOf(fc);
      if (!rc || !Array.isArray(rc.virtual_hosts)) return;
      rc.virtual_hosts.forEach((vh: unknown, vi: number) => {
        // the document was validated: virtual hosts and routes are objects
        const vjson = jsonObject(clone(vh));
        if (!vjson) return;
        const vid = newId();
        if (Array.isArray(vjson.routes)) {
          vjson.routes.forEach((r: unknown, ri: number) => {
            const route = jsonObject(r);
            if (route) rows.routes.push(routeRow(route, vid, ri, newId()));
          });
          vjson.routes = [];
        }
        rows.virtualHosts.push({
          id: vid, listenerId: id, filterChainIndex: fi, name: String(vjson.name ?? ""), position: vi,
          domains: Array.isArray(vjson.domains) ? vjson.domains.map(String) : [], json: vjson,
        });
      });
      rc.virtual_hosts = [];
    });
    // a listener without a name is known by the name workers give it (its address): the JSON stays as written
    const name = typeof json.name === "string" && json.name !== "" ? json.name : listenerNameFor({ socket_address: { address: String(sa.address ?? ""), port_value: Number(sa.port_value ?? 0) } });
    rows.listeners.push({ id, name, position: li, address: String(sa.address ?? ""), port: Number(sa.port_value ?? 0), json });
  });

  (sr.clusters ?? []).forEach((cluster: Json, ci: number) => {
    const r = clusterRows(cluster, ci, newId(), newId);
    rows.clusters.push(r.cluster);
    rows.endpoints.push(...r.endpoints);
    rows.circuitBreakers.push(...r.circuitBreakers);
  });
  return rows;
}

export function composeVirtualHost(vh: VirtualHostRow, routes: RouteRow[]): Json {
  const json = clone(vh.json);
  if (Array.isArray(json.routes))
    json.routes = routes.filter((r) => r.virtualHostId === vh.id).sort((a, b) => a.position - b.position).map((r) => clone(r.json));
  return json;
}

export function composeListener(l: ListenerRow, virtualHosts: VirtualHostRow[], routes: RouteRow[]): Json {
  const json = clone(l.json);
  const chains = jsonAt(json, "filter_chains");
  (Array.isArray(chains) ? chains : []).forEach((fc: unknown, fi: number) => {
    const rc = routeConfigOf(fc);
    if (!rc || !Array.isArray(rc.virtual_hosts)) return;
    rc.virtual_hosts = virtualHosts
      .filter((v) => v.listenerId === l.id && v.filterChainIndex === fi)
      .sort((a, b) => a.position - b.position)
      .map((v) => composeVirtualHost(v, routes));
  });
  return json;
}

export function composeResources(rows: DraftRows): Resources {
  return {
    listeners: [...rows.listeners].sort((a, b) => a.position - b.position).map((l) => composeListener(l, rows.virtualHosts, rows.routes)),
    clusters: [...rows.clusters].sort((a, b) => a.position - b.position).map((c) => composeCluster(c, rows.endpoints, rows.circuitBreakers)),
  };
}

export function compose(rows: DraftRows): BootstrapDoc {
  return { static_resources: composeResources(rows) };
}
