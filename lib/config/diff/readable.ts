// The readable diff: what changed between two snapshots, resource by resource, in words. A resource that is
// added or removed is one change carrying its whole JSON (a new cluster is not also N new endpoints); a
// resource on both sides is compared by its own fields, and its children (virtual hosts and routes of a
// listener; endpoints and thresholds of a cluster) are compared one by one beneath it.
import type { FieldChange, ReadableChange, ReadableChangeKind, ReadableKind } from "../../contract/diff";
import { canonicalJson } from "../canonical";
import { breakerFields, clusterFields, endpointFields, listenerFields, routeFields, virtualHostFields } from "./describe";
import { capFields, fieldChange } from "./fields";
import { matchText, obj, str, type Obj } from "./format";
import { snapshotResources, type ClusterRes, type ListenerRes, type VirtualHostRes } from "./resources";
import { pairRoutes } from "./routes";

export interface Snapshot { listeners?: unknown[]; clusters?: unknown[] }

/** Field changes shown in the one-line summary; the rest are in `fields`. */
const SUMMARY_FIELDS = 3;

function summaryOf(label: string, change: ReadableChangeKind, fields: FieldChange[], position: ReadableChange["position"]): string {
  if (change === "added" || change === "removed") return `${label} ${change}${fields.length ? `: ${fields.map((f) => f.text).join("; ")}` : ""}`;
  if (change === "moved") return `${label} moved from ${position?.before} to ${position?.after}`;
  const shown = fields.slice(0, SUMMARY_FIELDS).map((f) => f.text);
  if (fields.length > SUMMARY_FIELDS) shown.push(`${fields.length - SUMMARY_FIELDS} more`);
  return `${label} changed: ${shown.join("; ")}`;
}

function make(
  kind: ReadableKind, id: string, label: string, group: string, change: ReadableChangeKind,
  before: unknown, after: unknown, fields: FieldChange[] = [], position: ReadableChange["position"] = null,
): ReadableChange {
  const capped = capFields(fields);
  return { kind, id, label, group, change, summary: summaryOf(label, change, capped, position), fields: capped, position, before: before ?? null, after: after ?? null };
}

/** "route /api (api_v1) on listener main/default" */
export function routeLabel(route: unknown, where: string): string {
  const name = str(obj(route).name);
  return `route ${matchText(obj(route).match)}${name ? ` (${name})` : ""} on listener ${where}`;
}

function routeChanges(va: VirtualHostRes, vb: VirtualHostRes, group: string, out: ReadableChange[]) {
  const ca = va.routes.map(canonicalJson);
  const cb = vb.routes.map(canonicalJson);
  if (ca.length === cb.length && ca.every((c, i) => c === cb[i])) return;
  const pairs = pairRoutes(va.routes, vb.routes, ca, cb).filter((p) => p.from === null || p.to === null || p.edited || p.moved);
  pairs.sort((x, y) => (x.to ?? x.from!) - (y.to ?? y.from!) || (x.to === null ? -1 : 1));
  for (const p of pairs) {
    const before = p.from === null ? null : va.routes[p.from];
    const after = p.to === null ? null : vb.routes[p.to];
    const route = after ?? before;
    const name = str(obj(route).name);
    const at = (p.to ?? p.from!) + 1;
    const id = `route:${vb.key}/${name ? `name:${name}` : `match:${matchText(obj(route).match)}@${at}`}`;
    const label = routeLabel(route, after ? vb.where : va.where);
    const position = { before: p.from === null ? null : p.from + 1, after: p.to === null ? null : p.to + 1 };
    if (!before) out.push(make("route", id, label, group, "added", null, after, [], position));
    else if (!after) out.push(make("route", id, label, group, "removed", before, null, [], position));
    else if (p.edited) {
      const fields = routeFields(obj(before), obj(after));
      if (p.moved) fields.push(fieldChange("position", String(position.before), String(position.after), `moved from ${position.before} to ${position.after}`));
      out.push(make("route", id, label, group, "changed", before, after, fields, position));
    } else out.push(make("route", id, label, group, "moved", before, after, [], position));
  }
}

function listenerChanges(a: ListenerRes, b: ListenerRes, out: ReadableChange[]) {
  const group = `listener ${b.name}`;
  if (a.canon !== b.canon) out.push(make("listener", `listener:${b.key}`, `listener ${b.name}`, group, "changed", a.own, b.own, listenerFields(obj(a.own), obj(b.own))));
  const before = new Map(a.virtualHosts.map((v) => [v.key, v]));
  const afterKeys = new Set(b.virtualHosts.map((v) => v.key));
  for (const vb of b.virtualHosts) {
    const va = before.get(vb.key);
    const id = `virtual_host:${vb.key}`;
    const label = `virtual host ${vb.name} on listener ${vb.where.slice(0, vb.where.lastIndexOf("/"))}`;
    if (!va) {
      out.push(make("virtual_host", id, label, group, "added", null, vb.json));
      continue;
    }
    if (va.canon !== vb.canon) out.push(make("virtual_host", id, label, group, "changed", va.own, vb.own, virtualHostFields(obj(va.own), obj(vb.own))));
    routeChanges(va, vb, group, out);
  }
  for (const va of a.virtualHosts)
    if (!afterKeys.has(va.key)) out.push(make("virtual_host", `virtual_host:${va.key}`, `virtual host ${va.name} on listener ${va.where.slice(0, va.where.lastIndexOf("/"))}`, group, "removed", va.json, null));
}

interface Child { key: string; json: unknown; own: unknown; canon: string }

/**
 * Endpoints or thresholds of a cluster on both sides, by key. `vsDefaults`: one added or removed is described
 * against an empty one, i.e. Envoy's defaults, which is what thresholds replace.
 */
function childChanges<R extends Child>(
  kind: ReadableKind, a: R[], b: R[], label: (r: R) => string, fields: (x: Obj, y: Obj) => FieldChange[], vsDefaults: boolean, group: string, out: ReadableChange[],
) {
  const before = new Map(a.map((r) => [r.key, r]));
  const afterKeys = new Set(b.map((r) => r.key));
  for (const rb of b) {
    const ra = before.get(rb.key);
    if (!ra) out.push(make(kind, `${kind}:${rb.key}`, label(rb), group, "added", null, rb.json, vsDefaults ? fields({}, obj(rb.own)) : []));
    else if (ra.canon !== rb.canon) out.push(make(kind, `${kind}:${rb.key}`, label(rb), group, "changed", ra.own, rb.own, fields(obj(ra.own), obj(rb.own))));
  }
  for (const ra of a)
    if (!afterKeys.has(ra.key)) out.push(make(kind, `${kind}:${ra.key}`, label(ra), group, "removed", ra.json, null, vsDefaults ? fields(obj(ra.own), {}) : []));
}

function clusterChanges(a: ClusterRes, b: ClusterRes, out: ReadableChange[]) {
  const group = `cluster ${b.name}`;
  if (a.canon !== b.canon) out.push(make("cluster", `cluster:${b.key}`, `cluster ${b.name}`, group, "changed", a.own, b.own, clusterFields(obj(a.own), obj(b.own))));
  childChanges("endpoint", a.endpoints, b.endpoints, (e) => `endpoint ${e.address} in cluster ${b.name}`, endpointFields, false, group, out);
  childChanges("circuit_breaker", a.breakers, b.breakers, (t) => `circuit breakers (${t.priority}) of cluster ${b.name}`, breakerFields, true, group, out);
}

/** Pairs resources of both sides by key: both → `both(a, b)`, one side → added/removed with its whole JSON. */
function byKey<R extends { key: string; json: unknown; name: string }>(
  kind: ReadableKind, a: R[], b: R[], out: ReadableChange[], both: (a: R, b: R, out: ReadableChange[]) => void,
) {
  const before = new Map(a.map((r) => [r.key, r]));
  const afterKeys = new Set(b.map((r) => r.key));
  for (const rb of b) {
    const ra = before.get(rb.key);
    if (ra) both(ra, rb, out);
    else out.push(make(kind, `${kind}:${rb.key}`, `${kind} ${rb.name}`, `${kind} ${rb.name}`, "added", null, rb.json));
  }
  for (const ra of a) if (!afterKeys.has(ra.key)) out.push(make(kind, `${kind}:${ra.key}`, `${kind} ${ra.name}`, `${kind} ${ra.name}`, "removed", ra.json, null));
}

/** The changes from `from` to `to`, listeners (with their virtual hosts and routes) first, then clusters. */
export function readableDiff(from: Snapshot, to: Snapshot): ReadableChange[] {
  const a = snapshotResources(from);
  const b = snapshotResources(to);
  const out: ReadableChange[] = [];
  byKey("listener", a.listeners, b.listeners, out, listenerChanges);
  byKey("cluster", a.clusters, b.clusters, out, clusterChanges);
  // ids are keys in the UI: two unnamed routes with one match at one position cannot collide, but be sure
  const seen = new Set<string>();
  for (const c of out) {
    let id = c.id;
    for (let n = 2; seen.has(id); n++) id = `${c.id}#${n}`;
    seen.add(id);
    c.id = id;
  }
  return out;
}
