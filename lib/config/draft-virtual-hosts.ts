// Virtual host edits on the draft (PUT/DELETE /api/draft/listeners/{name}/virtual-hosts/{vhost}), through
// mutateDraft like every change. A virtual host is its own row (draft-mapper.ts): writing its name and domains
// keeps its routes and every other field it has (retry policy, header edits…); deleting it takes its routes.
import { randomUUID } from "node:crypto";
import type { WriteOpts, Written } from "./draft-revision";
import { mutateDraft } from "./draft-write";
import type { DraftRows, ListenerRow, VirtualHostRow } from "./draft-mapper";
import { VirtualHostBody, type DeletedVirtualHost, type DraftListenerItem } from "../contract/listeners";
import { terminalFilterIndex } from "../contract/listener-json";
import { HCM_TYPE } from "../../proxy-core/src/config/index";
import { jsonAt, jsonObject } from "../json";
import { notFound } from "../errors";
import { findListener, invalid, listenerItem, parseBody, sortedListeners, virtualHostsOf } from "./draft-listeners";

/** The HCM of filter chain `fi` (its index among the chain's filters and its config), if the chain has one. */
function hcmOf(l: ListenerRow, fi: number): { index: number; config: Record<string, unknown> } | null {
  const chain = jsonAt(l.json, "filter_chains", fi);
  const index = terminalFilterIndex(chain);
  const config = jsonObject(jsonAt(chain, "filters", index, "typed_config"));
  return index >= 0 && config?.["@type"] === HCM_TYPE ? { index, config } : null;
}

/** Absolute path of a virtual host in the composed document: where its errors are made relative to. */
function vhostPath(rows: DraftRows, v: VirtualHostRow): string {
  const l = rows.listeners.find((x) => x.id === v.listenerId)!;
  const li = sortedListeners(rows).indexOf(l);
  const vi = virtualHostsOf(rows, l.id).filter((x) => x.filterChainIndex === v.filterChainIndex).indexOf(v);
  return `static_resources.listeners[${li}].filter_chains[${v.filterChainIndex}].filters[${hcmOf(l, v.filterChainIndex)?.index ?? 0}].typed_config.route_config.virtual_hosts[${vi}]`;
}

/** Domains another virtual host of the same route table has: Envoy refuses a table that matches a host twice. */
function takenDomains(rows: DraftRows, v: VirtualHostRow, domains: string[]) {
  const others = virtualHostsOf(rows, v.listenerId).filter((x) => x.filterChainIndex === v.filterChainIndex && x.id !== v.id);
  return domains.flatMap((d, i) => {
    const owner = others.find((o) => o.domains.some((od) => od.toLowerCase() === d.toLowerCase()));
    return owner ? [{ path: `domains[${i}]`, message: `"${d}" is already a domain of virtual host "${owner.name}"` }] : [];
  });
}

/**
 * Create or replace virtual host `vhost` of listener `listener`: its name (another one renames it) and domains.
 * A new one goes on `filterChainIndex` (default: the first filter chain with an HTTP connection manager).
 * Answers the listener as GET /api/draft/listeners lists it.
 */
export async function putDraftVirtualHost(
  listener: string,
  vhost: string,
  input: Record<string, unknown>,
  actor: string,
  opts: WriteOpts = {},
): Promise<Written<{ created: boolean; item: DraftListenerItem }>> {
  const body = parseBody<VirtualHostBody>(VirtualHostBody, input);
  const name = body.name ?? vhost;
  let created = false;
  const audit = { action: "draft.virtual_host.put", target: `virtual_host:${listener}/${name}`, details: { ...(name !== vhost ? { renamedFrom: vhost } : {}), domains: body.domains } };
  const written = await mutateDraft(actor, opts, audit, (rows) => {
    const l = findListener(rows, listener);
    const siblings = virtualHostsOf(rows, l.id);
    const existing = siblings.find((v) => v.name === vhost);
    if (siblings.some((v) => v !== existing && v.name === name)) throw invalid([{ path: "name", message: `listener "${listener}" already has a virtual host named "${name}"` }]);
    let row: VirtualHostRow;
    if (existing) {
      row = { ...existing, name, domains: body.domains, json: { ...structuredClone(existing.json), name, domains: body.domains } };
    } else {
      const chains = jsonAt(l.json, "filter_chains");
      const count = Array.isArray(chains) ? chains.length : 0;
      const fi = body.filterChainIndex ?? Array.from({ length: count }, (_, i) => i).find((i) => hcmOf(l, i) !== null);
      if (fi === undefined) throw invalid([{ path: "", message: `listener "${listener}" has no HTTP connection manager (a TCP listener has no virtual hosts)` }]);
      const hcm = hcmOf(l, fi);
      if (!hcm) throw invalid([{ path: "filterChainIndex", message: fi < count ? `filter chain ${fi} of listener "${listener}" has no HTTP connection manager` : `listener "${listener}" has ${count} filter chain${count === 1 ? "" : "s"}` }]);
      // the route table's virtual_hosts key is where compose puts the virtual host rows back
      const routeConfig = jsonObject(hcm.config.route_config) ?? (hcm.config.route_config = {});
      if (!Array.isArray(routeConfig.virtual_hosts)) routeConfig.virtual_hosts = [];
      const position = siblings.filter((v) => v.filterChainIndex === fi).reduce((m, v) => Math.max(m, v.position + 1), 0);
      row = { id: randomUUID(), listenerId: l.id, filterChainIndex: fi, name, position, domains: body.domains, json: { name, domains: body.domains, routes: [] } };
      created = true;
    }
    const taken = takenDomains(rows, row, body.domains);
    if (taken.length) throw invalid(taken);
    rows.virtualHosts = [...rows.virtualHosts.filter((v) => v.id !== row.id), row];
    return { focus: vhostPath(rows, row), result: (r) => listenerItem(r, listener) };
  });
  return { value: { created, item: written.value }, revision: written.revision };
}

/** Removes a virtual host with its routes; answers how many routes went with it. */
export async function deleteDraftVirtualHost(listener: string, vhost: string, actor: string, opts: WriteOpts = {}): Promise<Written<DeletedVirtualHost>> {
  const audit = { action: "draft.virtual_host.delete", target: `virtual_host:${listener}/${vhost}`, details: {} as Record<string, unknown> };
  return mutateDraft(actor, opts, audit, (rows) => {
    const l = findListener(rows, listener);
    const v = virtualHostsOf(rows, l.id).find((x) => x.name === vhost);
    if (!v) throw notFound(`virtual host "${vhost}" not found on listener "${listener}"`);
    const routes = rows.routes.filter((r) => r.virtualHostId === v.id).length;
    // the audit entry is written after this change: it records what went
    audit.details = { routes };
    rows.virtualHosts = rows.virtualHosts.filter((x) => x.id !== v.id);
    rows.routes = rows.routes.filter((r) => r.virtualHostId !== v.id);
    virtualHostsOf(rows, l.id)
      .filter((x) => x.filterChainIndex === v.filterChainIndex)
      .forEach((x, i) => (x.position = i));
    return { focus: null, result: () => ({ listener, name: vhost, routes }) };
  });
}
