// A snapshot taken apart into the resources a person thinks in: listeners (without their virtual hosts),
// virtual hosts (without their routes) with their routes in match order, clusters (without endpoints and
// circuit-breaker thresholds), endpoints by address, thresholds by priority. Each knows its own JSON and that
// JSON's canonical form, so two snapshots are compared resource by resource without walking them twice.
import { canonicalJson } from "../canonical";
import { addressText, arr, isObj, listenerName, obj, str, without, type Obj } from "./format";

interface Own {
  /** unique within its kind in one snapshot */
  key: string;
  /** the resource's whole JSON (shown when it is added or removed) */
  json: unknown;
  /** its JSON without the children that are diffed on their own */
  own: unknown;
  canon: string;
}
export interface VirtualHostRes extends Own {
  name: string;
  /** "main/default", or "main (filter chain 2)/default" when the listener has several */
  where: string;
  listenerKey: string;
  routes: unknown[];
}
export interface ListenerRes extends Own { name: string; virtualHosts: VirtualHostRes[] }
export interface EndpointRes extends Own { address: string }
export interface BreakerRes extends Own { priority: string }
export interface ClusterRes extends Own { name: string; endpoints: EndpointRes[]; breakers: BreakerRes[] }
export interface SnapshotRes { listeners: ListenerRes[]; clusters: ClusterRes[] }

/** `base`, or `base#2`, `base#3` … when taken: resources that share a name still get a key each. */
function uniqueKey(seen: Set<string>, base: string): string {
  let key = base;
  for (let n = 2; seen.has(key); n++) key = `${base}#${n}`;
  seen.add(key);
  return key;
}

const own = (key: string, json: unknown, ownJson: unknown) => ({ key, json, own: ownJson, canon: canonicalJson(ownJson) });

/** A filter chain with every HTTP connection manager's route_config.virtual_hosts left out. */
function chainWithoutVirtualHosts(fc: unknown): unknown {
  if (!isObj(fc) || !Array.isArray(fc.filters)) return fc;
  return {
    ...fc,
    filters: fc.filters.map((f) => {
      const tc = obj(obj(f).typed_config);
      if (!isObj(tc.route_config)) return f;
      return { ...obj(f), typed_config: { ...tc, route_config: without(tc.route_config, "virtual_hosts") } };
    }),
  };
}

function listenerRes(l: unknown, index: number, seen: Set<string>, vhostSeen: Set<string>): ListenerRes {
  const o = obj(l);
  const name = listenerName(l, index);
  const key = uniqueKey(seen, name);
  const chains: { fc: unknown; label: string; key: string }[] = arr(o.filter_chains).map((fc, i) => ({ fc, key: String(i), label: str(obj(fc).name) ?? String(i + 1) }));
  if (o.default_filter_chain !== undefined) chains.push({ fc: o.default_filter_chain, key: "default", label: "default" });
  const ownJson: Obj = { ...o };
  if (Array.isArray(o.filter_chains)) ownJson.filter_chains = o.filter_chains.map(chainWithoutVirtualHosts);
  if (o.default_filter_chain !== undefined) ownJson.default_filter_chain = chainWithoutVirtualHosts(o.default_filter_chain);
  const virtualHosts: VirtualHostRes[] = [];
  for (const c of chains) {
    for (const f of arr(obj(c.fc).filters)) {
      const rc = obj(obj(obj(f).typed_config).route_config);
      for (const vh of arr(rc.virtual_hosts)) {
        const v = obj(vh);
        const vname = str(v.name) ?? "?";
        const where = chains.length > 1 ? `${name} (filter chain ${c.label})/${vname}` : `${name}/${vname}`;
        virtualHosts.push({
          ...own(uniqueKey(vhostSeen, `${key}/${c.key}/${vname}`), vh, without(v, "routes")),
          name: vname,
          where,
          listenerKey: key,
          routes: arr(v.routes),
        });
      }
    }
  }
  return { ...own(key, l, ownJson), name, virtualHosts };
}

function clusterRes(c: unknown, index: number, seen: Set<string>): ClusterRes {
  const o = obj(c);
  const name = str(o.name) ?? `#${index + 1}`;
  const key = uniqueKey(seen, name);
  const la = obj(o.load_assignment);
  const ownJson = without(o, "circuit_breakers");
  if (isObj(o.load_assignment)) ownJson.load_assignment = without(la, "endpoints");
  const epSeen = new Set<string>();
  const endpoints: EndpointRes[] = [];
  for (const locality of arr(la.endpoints))
    for (const lbe of arr(obj(locality).lb_endpoints)) {
      const address = addressText(obj(obj(lbe).endpoint).address);
      endpoints.push({ ...own(uniqueKey(epSeen, `${key}/${address}`), lbe, lbe), address });
    }
  const cbSeen = new Set<string>();
  const breakers: BreakerRes[] = arr(obj(o.circuit_breakers).thresholds).map((t) => {
    const priority = (str(obj(t).priority) ?? "DEFAULT").toUpperCase();
    return { ...own(uniqueKey(cbSeen, `${key}/${priority}`), t, t), priority };
  });
  return { ...own(key, c, ownJson), name, endpoints, breakers };
}

export function snapshotResources(s: { listeners?: unknown[]; clusters?: unknown[] }): SnapshotRes {
  const lSeen = new Set<string>();
  const vSeen = new Set<string>();
  const cSeen = new Set<string>();
  return {
    listeners: (s.listeners ?? []).map((l, i) => listenerRes(l, i, lSeen, vSeen)),
    clusters: (s.clusters ?? []).map((c, i) => clusterRes(c, i, cSeen)),
  };
}
