// Listener edits on the draft (the /api/draft/listeners endpoints and the Listeners page), through mutateDraft
// (draft-write.ts) like every change: validated with the contract, checked against If-Match, audited. A listener
// is written from a form-friendly body (lib/contract/listeners.ts ListenerBody) turned into Envoy's Listener
// JSON by buildListener (lib/contract/listener-json.ts) on top of the listener it replaces, so its virtual
// hosts (their own rows) and every Envoy field the body does not edit stay.
import { getDraftRows } from "./draft-read";
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { InvalidConfigError, notFound } from "../errors";
import type { AuditSpec, WriteOpts, Written } from "./draft-revision";
import { mutateDraft } from "./draft-write";
import type { DraftRows, ListenerRow } from "./draft-mapper";
import { ListenerBody, type DeletedListener, type DraftListenerItem, type ListenerVirtualHost } from "../contract/listeners";
import { bodyErrors, buildListener, listenerField, listenerSummary } from "../contract/listener-json";
import type { FieldError } from "../contract/common";

export const sortedListeners = (rows: DraftRows) => [...rows.listeners].sort((a, b) => a.position - b.position);

/** A listener's virtual hosts in document order: by filter chain, then position. */
export function virtualHostsOf(rows: DraftRows, listenerId: string) {
  return rows.virtualHosts.filter((v) => v.listenerId === listenerId).sort((a, b) => a.filterChainIndex - b.filterChainIndex || a.position - b.position);
}

const routeCount = (rows: DraftRows, vhostId: string) => rows.routes.reduce((n, r) => n + (r.virtualHostId === vhostId ? 1 : 0), 0);

function vhostSummaries(rows: DraftRows, l: ListenerRow): ListenerVirtualHost[] {
  return virtualHostsOf(rows, l.id).map((v) => ({ name: v.name, domains: v.domains, filterChainIndex: v.filterChainIndex, routes: routeCount(rows, v.id) }));
}

export function listenerItems(rows: DraftRows): DraftListenerItem[] {
  return sortedListeners(rows).map((l) => ({ ...listenerSummary(l.json, vhostSummaries(rows, l)), name: l.name }));
}

export function listenerItem(rows: DraftRows, name: string): DraftListenerItem {
  const item = listenerItems(rows).find((i) => i.name === name);
  if (!item) throw new Error(`listener ${name} vanished`);
  return item;
}

export function findListener(rows: DraftRows, name: string): ListenerRow {
  const l = rows.listeners.find((x) => x.name === name);
  if (!l) throw notFound(`listener "${name}" not found in the draft`);
  return l;
}

export async function listDraftListeners(): Promise<DraftListenerItem[]> {
  return listenerItems(await getDraftRows());
}

export const invalid = (errors: FieldError[]) => new InvalidConfigError(errors);

/** Parses a write's body with its contract schema: a bad field is a 422 naming it, like an invalid resource. */
export function parseBody<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) throw invalid(bodyErrors(r.error.issues));
  return r.data;
}

const WILDCARDS = new Set(["0.0.0.0", "::", "[::]"]);

/** Another listener bound where this one would be: the same address and port, or a wildcard address on the port. */
function boundBy(rows: DraftRows, self: ListenerRow | undefined, address: string, port: number): ListenerRow | undefined {
  return rows.listeners.find((l) => l !== self && l.port === port && (l.address === address || WILDCARDS.has(l.address) || WILDCARDS.has(address)));
}

/** Envoy paths relative to the listener (the composed draft's 422, made relative by mutateDraft) → the body's fields. */
async function withBodyPaths<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (e instanceof InvalidConfigError) throw invalid(e.errors.map((x) => ({ ...x, path: listenerField(x.path) })));
    throw e;
  }
}

/**
 * Create or replace listener `name` from a ListenerBody; a different `name` in the body renames it (its
 * virtual hosts and routes stay with it). 422 with the body's field paths when the body or the resulting
 * draft is invalid.
 */
export async function putDraftListener(name: string, input: Record<string, unknown>, actor: string, opts: WriteOpts = {}): Promise<Written<{ created: boolean; item: DraftListenerItem }>> {
  const body = parseBody<ListenerBody>(ListenerBody, { ...input, name: input.name ?? name });
  let created = false;
  const audit: AuditSpec = { action: "draft.listener.put", target: `listener:${body.name}`, details: body.name !== name ? { renamedFrom: name, listener: body } : { listener: body } };
  const written = await withBodyPaths(() =>
    mutateDraft(actor, opts, audit, (rows) => {
      const existing = rows.listeners.find((l) => l.name === name);
      if (rows.listeners.some((l) => l !== existing && l.name === body.name)) throw invalid([{ path: "name", message: `a listener named "${body.name}" already exists` }]);
      const primary = existing ? rows.virtualHosts.filter((v) => v.listenerId === existing.id && v.filterChainIndex === 0).length : 0;
      const { listener, issues } = buildListener(body, existing?.json, primary);
      if (issues.length) throw invalid(issues);
      const address = String((listener.address as { socket_address: { address: string } }).socket_address.address);
      const other = boundBy(rows, existing, address, body.port);
      if (other) throw invalid([{ path: "port", message: `${other.address}:${other.port} is already used by listener "${other.name}"` }]);
      created = !existing;
      const row: ListenerRow = {
        id: existing?.id ?? randomUUID(),
        name: body.name,
        position: existing?.position ?? rows.listeners.reduce((m, l) => Math.max(m, l.position + 1), 0),
        address,
        port: body.port,
        json: listener,
      };
      rows.listeners = [...rows.listeners.filter((l) => l.id !== row.id), row];
      const li = sortedListeners(rows).indexOf(row);
      return { focus: `static_resources.listeners[${li}]`, result: (r) => listenerItem(r, body.name) };
    }),
  );
  return { value: { created, item: written.value }, revision: written.revision };
}

/**
 * Removes listener `name` with its virtual hosts and their routes; answers what went with it (and audits it).
 * Nothing else refers to a listener by name, so nothing else changes; a draft left without listeners is valid
 * (workers would accept no connections once it is published, which Review & publish shows).
 */
export async function deleteDraftListener(name: string, actor: string, opts: WriteOpts = {}): Promise<Written<DeletedListener>> {
  const audit: AuditSpec = { action: "draft.listener.delete", target: `listener:${name}`, details: {} };
  return mutateDraft(actor, opts, audit, (rows) => {
    const l = findListener(rows, name);
    const vhosts = virtualHostsOf(rows, l.id);
    const gone: DeletedListener = {
      name,
      virtualHosts: vhosts.map((v) => ({ name: v.name, routes: routeCount(rows, v.id) })),
      routes: vhosts.reduce((n, v) => n + routeCount(rows, v.id), 0),
    };
    // the audit entry is written after this change: it records what went
    audit.details = { virtualHosts: gone.virtualHosts, routes: gone.routes };
    const ids = new Set(vhosts.map((v) => v.id));
    rows.listeners = rows.listeners.filter((x) => x.id !== l.id);
    rows.virtualHosts = rows.virtualHosts.filter((v) => !ids.has(v.id));
    rows.routes = rows.routes.filter((r) => !ids.has(r.virtualHostId));
    return { focus: null, result: () => gone };
  });
}

