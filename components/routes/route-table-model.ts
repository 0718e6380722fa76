// The Routes table's rows, worked out once per change of the draft's routes (never per render): grouped by listener
// and virtual host in match order (Envoy's VirtualHost.routes: "The first route that matches will be used"), each
// with its labels and the first earlier route that shadows it. Shadowing is found through indexes of the earlier
// routes' paths, so 10,000 routes cost one pass over the prefixes of each path instead of 50 million comparisons;
// every answer is confirmed with lib/contract/route-shadow.ts's `shadows`, the one definition the server shares.
import { shadows, shadowedBy } from "@/lib/contract/route-shadow";
import type { DraftRouteRow, Route } from "@/components/queries/types";
import { statPrefixOf } from "@/components/telemetry/live-figures";
import { matchLabel } from "./route-form-model";

export interface RouteGroup {
  key: string;
  listener: string;
  virtualHost: string;
  domains: string[];
  count: number;
}

export interface RouteItem {
  row: DraftRouteRow;
  /** its group's key (listener and virtual host) */
  group: string;
  /** its place among its virtual host's routes, 0 first */
  index: number;
  last: boolean;
  /** the index of the first earlier route (same virtual host) that matches every request this one would, or -1 */
  shadowedBy: number;
  match: { kind: string; value: string };
  /** headers and query parameters it also requires */
  conditions: string[];
  statPrefix: string | undefined;
}

export const groupKey = (listener: string, virtualHost: string) => `${listener}\u0000${virtualHost}`;

function conditionsOf(route: Route): string[] {
  const m = route.match;
  return [
    ...(m.headers ?? []).map((h) => `header ${h.name}${h.present_match !== undefined ? (h.present_match ? " present" : " absent") : h.string_match ? " matches" : ""}`),
    ...(m.query_parameters ?? []).map((q) => `query ${q.name}`),
  ];
}

/** Every route in match order, group by group (groups in the order they first appear), and the groups. */
export function routeItems(rows: readonly DraftRouteRow[]): { items: RouteItem[]; groups: Map<string, RouteGroup> } {
  const byGroup = new Map<string, DraftRouteRow[]>();
  const groups = new Map<string, RouteGroup>();
  for (const r of rows) {
    const key = groupKey(r.listener, r.virtualHost);
    const list = byGroup.get(key);
    if (list) list.push(r);
    else {
      byGroup.set(key, [r]);
      groups.set(key, { key, listener: r.listener, virtualHost: r.virtualHost, domains: r.domains ?? [], count: 0 });
    }
  }
  const items: RouteItem[] = [];
  for (const [key, list] of byGroup) {
    list.sort((a, b) => a.position - b.position);
    groups.get(key)!.count = list.length;
    const shadowed = firstShadows(list.map((r) => r.route));
    list.forEach((row, index) =>
      items.push({
        row,
        group: key,
        index,
        last: index === list.length - 1,
        shadowedBy: shadowed[index],
        match: matchLabel(row.route),
        conditions: conditionsOf(row.route),
        statPrefix: statPrefixOf(row.route),
      }),
    );
  }
  return { items, groups };
}

type PathKind = "prefix" | "path" | "segment" | "regex";

function pathOf(m: Route["match"]): { kind: PathKind; value: string } {
  if (m.path !== undefined) return { kind: "path", value: m.path };
  if (m.path_separated_prefix !== undefined) return { kind: "segment", value: m.path_separated_prefix };
  if (m.safe_regex !== undefined) return { kind: "regex", value: m.safe_regex.regex };
  return { kind: "prefix", value: m.prefix ?? "" };
}

const hasConditions = (m: Route["match"]) => Boolean(m.headers?.length || m.query_parameters?.length || m.runtime_fraction !== undefined || m.grpc !== undefined);
const matchesEveryPath = (m: Route["match"]) => m.prefix === "" || m.prefix === "/" || m.safe_regex?.regex === ".*";

/** The first index recorded for each key, and the key lengths present (only those prefixes need looking up). */
class FirstIndex {
  readonly first = new Map<string, number>();
  readonly lengths = new Set<number>();
  add(key: string, i: number) {
    if (this.first.has(key)) return;
    this.first.set(key, i);
    this.lengths.add(key.length);
  }
  get(key: string): number {
    return this.first.get(key) ?? Infinity;
  }
}

/**
 * For each route, the index of the first earlier route that shadows it (-1: none), as `shadowedBy(routes.slice(0,
 * i), routes[i])` would answer. An earlier route can shadow only through its path: `prefix`/`segment`/`path` values
 * are indexed (exactly, and lower-cased for case-insensitive ones) and looked up by the later route's path prefixes.
 */
export function firstShadows(routes: readonly Route[]): number[] {
  let everything = Infinity;
  const idx = {
    prefix: [new FirstIndex(), new FirstIndex()],
    path: [new FirstIndex(), new FirstIndex()],
    segment: [new FirstIndex(), new FirstIndex()],
  };
  const out: number[] = [];
  routes.forEach((b, i) => {
    const bm = pathOf(b.match);
    const bi = b.match.case_sensitive === false;
    let best = everything;
    if (bm.kind !== "regex") {
      const raw = bm.value;
      const lower = raw.toLowerCase();
      // [0]: case-sensitive earlier routes (they cannot shadow a case-insensitive one), [1]: case-insensitive ones
      for (const ci of bi ? [1] : [0, 1]) {
        const v = ci ? lower : raw;
        for (const n of idx.prefix[ci].lengths) if (n <= v.length) best = Math.min(best, idx.prefix[ci].get(v.slice(0, n)));
        if (bm.kind === "path") best = Math.min(best, idx.path[ci].get(v));
        // a segment prefix p covers p itself and p + "/…"; a later prefix route also takes "p…" without the slash
        const seg = idx.segment[ci];
        if (bm.kind !== "prefix") best = Math.min(best, seg.get(v));
        for (const n of seg.lengths) if (n < v.length && v[n] === "/") best = Math.min(best, seg.get(v.slice(0, n)));
      }
    }
    let found = best === Infinity ? -1 : best;
    // the index is a faster reading of `shadows`; should the two ever disagree, `shadows` decides
    if (found >= 0 && !shadows(routes[found], b)) found = shadowedBy(routes.slice(0, i), b);
    out.push(found);

    const m = b.match;
    if (hasConditions(m)) return;
    if (matchesEveryPath(m)) {
      everything = Math.min(everything, i);
      return;
    }
    const am = pathOf(m);
    if (am.kind === "regex") return;
    const ci = m.case_sensitive === false ? 1 : 0;
    const key = ci ? am.value.toLowerCase() : am.value;
    idx[am.kind][ci].add(key, i);
  });
  return out;
}
