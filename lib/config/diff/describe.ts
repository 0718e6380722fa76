// What changed inside one resource, field by field, for each kind. Where Envoy has a default for an unset
// field the reader compares against, the default is shown as the other side ("timeout 15s (default) → 5s").
import type { FieldChange } from "../../contract/diff";
import { canonicalJson } from "../canonical";
import { fieldChange, leafChanges, setChanges } from "./fields";
import { addressText, arr, durationText, matchText, obj, str, targetKind, targetText, unwrap, valueText, weightsText, without, type Obj } from "./format";

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

/** A field compared against Envoy's default where it is unset on one side. */
function withDefault(field: string, before: unknown, after: unknown, dflt: string, text: (v: unknown) => string = valueText): FieldChange | null {
  if (same(before, after)) return null;
  const show = (v: unknown) => (v === undefined ? `${dflt} (default)` : text(v));
  return fieldChange(field, show(before), show(after));
}

/** `filter_chains[0].filters[0].typed_config.stat_prefix` → `http_connection_manager.stat_prefix`. */
function listenerPath(path: string, listener: Obj): string {
  return path.replace(/^(filter_chains\[(\d+)\]|default_filter_chain)\.filters\[(\d+)\]\.typed_config\./, (_m, chain: string, ci: string | undefined, fi: string) => {
    const fc = ci === undefined ? obj(listener.default_filter_chain) : obj(arr(listener.filter_chains)[Number(ci)]);
    const filter = str(obj(arr(fc.filters)[Number(fi)]).name) ?? `filters[${fi}]`;
    const short = filter.replace(/^envoy\.filters\.network\./, "");
    const single = ci === "0" && arr(listener.filter_chains).length === 1 && listener.default_filter_chain === undefined;
    return single ? `${short}.` : `${chain} ${short}.`;
  });
}

export function listenerFields(before: Obj, after: Obj): FieldChange[] {
  const out: FieldChange[] = [];
  if (!same(before.address, after.address)) out.push(fieldChange("address", addressText(before.address), addressText(after.address)));
  for (const f of leafChanges(without(before, "address"), without(after, "address"))) out.push({ ...f, field: listenerPath(f.field, after), text: f.text.replace(f.field, listenerPath(f.field, after)) });
  return out;
}

export function virtualHostFields(before: Obj, after: Obj): FieldChange[] {
  return [...setChanges("domains", "domain", arr(before.domains), arr(after.domains)), ...leafChanges(without(before, "domains"), without(after, "domains"))];
}

/** Route: its match, where it sends requests (cluster, weights, redirect, direct response), then the rest. */
export function routeFields(before: Obj, after: Obj): FieldChange[] {
  const out: FieldChange[] = [];
  if (!same(before.match, after.match)) {
    const [mb, ma] = [matchText(before.match), matchText(after.match)];
    if (mb !== ma) out.push(fieldChange("match", mb, ma));
    else leafChanges(before.match, after.match, "match", out);
  }
  const kind = targetKind(after);
  if (targetKind(before) !== kind) {
    out.push(fieldChange("action", targetText(before), targetText(after)));
  } else if (kind === "cluster" || kind === "weighted_clusters" || kind === "cluster_header") {
    const [rb, ra] = [obj(before.route), obj(after.route)];
    if (kind === "cluster" && rb.cluster !== ra.cluster) out.push(fieldChange("cluster", String(rb.cluster), String(ra.cluster)));
    if (kind === "cluster_header" && rb.cluster_header !== ra.cluster_header) out.push(fieldChange("cluster_header", String(rb.cluster_header), String(ra.cluster_header)));
    if (kind === "weighted_clusters" && !same(rb.weighted_clusters, ra.weighted_clusters)) {
      const [wb, wa] = [weightsText(rb.weighted_clusters), weightsText(ra.weighted_clusters)];
      if (wb !== wa) out.push(fieldChange("weighted_clusters", wb, wa, `weights ${wb} → ${wa}`));
      else leafChanges(rb.weighted_clusters, ra.weighted_clusters, "weighted_clusters", out);
    }
    // RouteAction.timeout: "If not specified, the default is 15s" (Envoy's route_components.proto)
    const timeout = withDefault("timeout", rb.timeout, ra.timeout, "15s", (v) => durationText(v) ?? valueText(v));
    if (timeout) out.push(timeout);
    leafChanges(without(rb, "cluster", "weighted_clusters", "cluster_header", "timeout"), without(ra, "cluster", "weighted_clusters", "cluster_header", "timeout"), "", out);
  } else if (kind === "redirect" || kind === "direct_response") {
    leafChanges(before[kind], after[kind], kind, out);
  }
  leafChanges(without(before, "match", "route", "redirect", "direct_response"), without(after, "match", "route", "redirect", "direct_response"), "", out);
  return out;
}

export function clusterFields(before: Obj, after: Obj): FieldChange[] {
  return leafChanges(before, after);
}

/** LbEndpoint: its weight (Envoy's default 1), then anything else. */
export function endpointFields(before: Obj, after: Obj): FieldChange[] {
  const out: FieldChange[] = [];
  const w = withDefault("weight", unwrap(before.load_balancing_weight), unwrap(after.load_balancing_weight), "1");
  if (w) out.push(w);
  return leafChanges(without(before, "load_balancing_weight"), without(after, "load_balancing_weight"), "", out);
}

/** CircuitBreakers.Thresholds defaults (Envoy's circuit_breaker.proto): 1024 connections, pending and requests, 3 retries. */
export const THRESHOLD_DEFAULTS: Record<string, string> = { max_connections: "1024", max_pending_requests: "1024", max_requests: "1024", max_retries: "3" };

export function breakerFields(before: Obj, after: Obj): FieldChange[] {
  const out: FieldChange[] = [];
  for (const [k, d] of Object.entries(THRESHOLD_DEFAULTS)) {
    const f = withDefault(k, unwrap(before[k]), unwrap(after[k]), d);
    if (f) out.push(f);
  }
  const rest = ["priority", ...Object.keys(THRESHOLD_DEFAULTS)];
  return leafChanges(without(before, ...rest), without(after, ...rest), "", out);
}
