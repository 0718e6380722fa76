// Every route the console stores gets a `name` and a `stat_prefix` when it has none. Envoy keeps per-route
// stats (`vhost.<virtual host>.route.<stat_prefix>.upstream_rq_*`, router_filter.rst "Route statistics") only for
// routes with a stat_prefix, and access logs and traces name a route by `name` (%ROUTE_NAME%): without both, the
// console could chart and search by cluster but never by route. The generated value is a readable slug of the
// match ("/api/v1" → api_v1, "/" → root) with "_2", "_3" … when taken; it is written into the route's JSON once,
// so it survives edits, reorders and publishes. Values the user wrote are never changed. Pure: no I/O.
import type { DraftRows, RouteRow } from "./draft-mapper";
import { jsonAt, type JsonObject } from "../json";

const MAX_SLUG = 40;

/** A readable slug of the route's match: lower case, `[a-z0-9_]`, "root" for "/". Names run before the draft is validated. */
export function routeSlug(route: unknown): string {
  const m = jsonAt(route, "match");
  const raw = jsonAt(m, "prefix") ?? jsonAt(m, "path") ?? jsonAt(m, "path_separated_prefix") ?? jsonAt(m, "safe_regex", "regex");
  return slugify(typeof raw === "string" ? raw : "") || (jsonAt(m, "safe_regex") ? "regex" : "root");
}

export function slugify(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, MAX_SLUG)
    .replace(/_+$/, "");
}

function unique(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

const hasValue = (v: unknown): v is string => typeof v === "string" && v !== "";

/**
 * Names the routes of `rows` that lack a `name` or `stat_prefix`, in match order. Unique within the stat scope
 * `vhost.<name>`: every virtual host of that name (on any listener) counts, since Envoy's stats of same-named
 * virtual hosts share one scope. Mutates and returns `rows`.
 */
export function nameRoutes(rows: DraftRows): DraftRows {
  const listenerPos = new Map(rows.listeners.map((l) => [l.id, l.position]));
  const vhosts = [...rows.virtualHosts].sort(
    (a, b) => (listenerPos.get(a.listenerId) ?? 0) - (listenerPos.get(b.listenerId) ?? 0) || a.filterChainIndex - b.filterChainIndex || a.position - b.position,
  );
  const scopes = new Map<string, { names: Set<string>; prefixes: Set<string>; routes: RouteRow[] }>();
  for (const vh of vhosts) {
    let scope = scopes.get(vh.name);
    if (!scope) scopes.set(vh.name, (scope = { names: new Set(), prefixes: new Set(), routes: [] }));
    const routes = rows.routes.filter((r) => r.virtualHostId === vh.id).sort((a, b) => a.position - b.position);
    for (const r of routes) {
      if (hasValue(r.json?.name)) scope.names.add(r.json.name);
      if (hasValue(r.json?.stat_prefix)) scope.prefixes.add(r.json.stat_prefix);
      scope.routes.push(r);
    }
  }
  for (const scope of scopes.values()) {
    for (const r of scope.routes) {
      if (!r.json || typeof r.json !== "object") continue;
      let name = hasValue(r.json.name) ? r.json.name : undefined;
      if (name === undefined) {
        // a route with only a stat_prefix is named after it
        name = hasValue(r.json.stat_prefix) && !scope.names.has(r.json.stat_prefix) ? r.json.stat_prefix : unique(routeSlug(r.json), new Set([...scope.names, ...scope.prefixes]));
        // first, where a reader looks for it
        const { name: _empty, ...rest } = r.json;
        r.json = { name, ...rest };
        scope.names.add(name);
      }
      const json = r.json;
      if (!hasValue(json.stat_prefix)) {
        const fromName = slugify(name) || routeSlug(json);
        const prefix = unique(fromName, scope.prefixes);
        json.stat_prefix = prefix;
        scope.prefixes.add(prefix);
      }
      r.name = name;
    }
  }
  return rows;
}

/** Carries the `name` and `stat_prefix` of a route's previous JSON over to its edit, where the edit has none. */
export function keepRouteNames(previous: JsonObject, next: JsonObject): JsonObject {
  if (!next || typeof next !== "object" || !previous || typeof previous !== "object") return next;
  const out = { ...next };
  if (!hasValue(out.name) && hasValue(previous.name)) out.name = previous.name;
  if (!hasValue(out.stat_prefix) && hasValue(previous.stat_prefix)) out.stat_prefix = previous.stat_prefix;
  return out;
}
