// Shadowing and placement of routes within one virtual host, where the first route that matches takes the
// request (Envoy's route table, route_components.proto VirtualHost.routes: "The first route that matches will be
// used"). Shared by the server (lib/config/draft-routes.ts places a new route) and the console (the Routes page
// flags shadowed routes; the route panel previews where a new route goes), so both say the same thing.
// Pure: no I/O, safe in the browser.
import type { Route, RouteMatch } from "../../proxy-core/src/config/schema";

/**
 * The name of the route the starter version answers every request with (lib/config/starter.ts): a `prefix: /`
 * catch-all, so a newcomer's first route must go above it to ever match.
 */
export const STARTER_ROUTE_NAME = "starter";

/** Is `route` the starter version's catch-all (its name, and still a `prefix: /` match with no other condition)? */
export function isStarterCatchAll(route: Pick<Route, "name" | "match">): boolean {
  return route.name === STARTER_ROUTE_NAME && matchesEveryPath(route.match) && !hasConditions(route.match);
}

/** Conditions besides the path that can make a route let a request through: headers, query, runtime share, gRPC. */
function hasConditions(m: RouteMatch): boolean {
  return Boolean(m.headers?.length || m.query_parameters?.length || m.runtime_fraction !== undefined || m.grpc !== undefined);
}

/** Matches every path: `prefix: ""` or `prefix: "/"` (request paths start with "/"), or the regex `.*`. */
function matchesEveryPath(m: RouteMatch): boolean {
  return m.prefix === "" || m.prefix === "/" || m.safe_regex?.regex === ".*";
}

const hasPath = (m: RouteMatch) => m.prefix !== undefined || m.path !== undefined || m.path_separated_prefix !== undefined || m.safe_regex !== undefined;

type PathKind = "prefix" | "path" | "path_separated_prefix" | "safe_regex";
function pathOf(m: RouteMatch): { kind: PathKind; value: string } {
  if (m.path !== undefined) return { kind: "path", value: m.path };
  if (m.path_separated_prefix !== undefined) return { kind: "path_separated_prefix", value: m.path_separated_prefix };
  if (m.safe_regex !== undefined) return { kind: "safe_regex", value: m.safe_regex.regex };
  return { kind: "prefix", value: m.prefix ?? "" };
}

/** `prefix /api`, `path /healthz`, `segment /api`, `regex /u/[0-9]+`: how a match reads in a sentence. */
export function describeMatch(m: RouteMatch): string {
  const p = pathOf(m);
  const kind = p.kind === "path_separated_prefix" ? "segment" : p.kind === "safe_regex" ? "regex" : p.kind;
  return `${kind} ${p.value}`;
}

/**
 * Does route `a` (earlier) match every request route `b` (later) would, so that `b` can never match? Conservative:
 * says yes only when sure. Any condition on `a` besides its path (headers, query parameters, runtime_fraction,
 * grpc) may let some of b's requests through; conditions on `b` only narrow what b takes.
 */
export function shadows(a: Pick<Route, "match">, b: Pick<Route, "match">): boolean {
  // a match without a path specifier is no route Envoy would load: it shadows nothing
  if (!hasPath(a.match) || hasConditions(a.match)) return false;
  if (matchesEveryPath(a.match)) return true;
  const am = pathOf(a.match);
  const bm = pathOf(b.match);
  // a regex only shadows through `.*` (above); what else one matches is not decided here
  if (am.kind === "safe_regex" || bm.kind === "safe_regex") return false;
  // safe_regex ignores case_sensitive; the others compare lower-cased when it is false
  const ai = a.match.case_sensitive === false;
  const bi = b.match.case_sensitive === false;
  if (!ai && bi) return false; // b matches casings a does not
  const norm = (s: string) => (ai ? s.toLowerCase() : s);
  const av = norm(am.value);
  const bv = norm(bm.value);
  // every path b matches starts with bv; an exact path is bv itself; a segment prefix is bv or bv + "/…"
  switch (am.kind) {
    case "prefix":
      return bv.startsWith(av);
    case "path":
      return bm.kind === "path" && bv === av;
    case "path_separated_prefix":
      // a prefix b also takes "/apix" for "/api", which a segment prefix "/api" does not
      return bm.kind === "prefix" ? bv.startsWith(av + "/") : bv === av || bv.startsWith(av + "/");
  }
}

/** The index of the first of `earlier` that shadows `route`, or -1. */
export function shadowedBy(earlier: readonly Pick<Route, "match">[], route: Pick<Route, "match">): number {
  return earlier.findIndex((r) => shadows(r, route));
}

/**
 * Where a new route goes among a virtual host's `routes`:
 * - `requested`: at the position the caller asked for (0 = first; `routes.length` = last);
 * - `above_shadowing_route`: right above the first route that would shadow it, so it matches from the start;
 * - `appended`: at the end, when no route would shadow it.
 * `before` is the index (in `routes`) of the route it goes above, null at the end; `shadowedBy` the index of an
 * earlier route that still shadows it there (only at a requested position); `hides` the routes after it that it
 * would shadow in turn (they can never match once it is in place).
 */
export interface RoutePlacementPlan {
  position: number;
  reason: "appended" | "above_shadowing_route" | "requested";
  before: number | null;
  shadowedBy: number | null;
  hides: number[];
}

export function placeRoute(routes: readonly Pick<Route, "match">[], route: Pick<Route, "match">, requested?: number): RoutePlacementPlan {
  const first = shadowedBy(routes, route);
  const position = requested !== undefined ? Math.max(0, Math.min(requested, routes.length)) : first >= 0 ? first : routes.length;
  const reason = requested !== undefined ? "requested" : first >= 0 ? "above_shadowing_route" : "appended";
  const earlier = shadowedBy(routes.slice(0, position), route);
  const hides: number[] = [];
  for (let i = position; i < routes.length; i++) if (shadows(route, routes[i])) hides.push(i);
  return { position, reason, before: position < routes.length ? position : null, shadowedBy: earlier >= 0 ? earlier : null, hides };
}

/**
 * One sentence saying where the route goes and why, with routes numbered as the Routes page numbers them (1 =
 * first). `future` (the panel, before saving): "will be placed …", numbered as the routes are now; otherwise (the
 * API's answer): "placed …", numbered as they are with the new route in place.
 */
export function describePlacement(plan: RoutePlacementPlan, routes: readonly Pick<Route, "match" | "name">[], future = false): string {
  // after the change, the routes from the new one's position on are one further down
  const num = (i: number) => i + 1 + (!future && i >= plan.position ? 1 : 0);
  const ref = (i: number) => `route ${num(i)} (${describeMatch(routes[i].match)}${routes[i].name ? `, ${routes[i].name}` : ""})`;
  const where = future ? "will be placed" : `placed ${plan.before === null ? `last (route ${plan.position + 1})` : `as route ${plan.position + 1}`}`;
  const above = plan.before === null ? (future ? " last" : "") : `${future ? "" : ","} above ${ref(plan.before)}`;
  let text =
    plan.reason === "above_shadowing_route"
      ? `${where}${above}, which matches every request this one would`
      : plan.reason === "appended"
        ? `${where}${above}: no route above it matches every request this one would`
        : `${where}${above}${future ? "" : ", as asked"}`;
  if (plan.shadowedBy !== null) text += `; it can never match there: ${ref(plan.shadowedBy)} matches every request it would`;
  if (plan.hides.length) text += `; ${plan.hides.map(ref).join(", ")} below it ${future ? "would then never match" : "can no longer match"}`;
  return text;
}
