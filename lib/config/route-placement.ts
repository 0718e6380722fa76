// Where POST /api/draft/routes puts a new route among its virtual host's routes: the shared rule of
// lib/contract/route-shadow.ts (the route panel previews the same), read on the routes as the contract's schema
// parses them, so wrapper spellings such as `case_sensitive: {value: false}` mean what they mean to Envoy.
import { Route, type RouteMatch } from "../../proxy-core/src/config/index";
import type { RoutePlacement } from "../contract/draft";
import { describePlacement, placeRoute, type RoutePlacementPlan } from "../contract/route-shadow";
import { jsonAt, jsonObject } from "../json";

/** What the placement rule reads of a route; one the schema refuses (a new one, before validation) shadows nothing. */
type Placed = { name?: string; match: RouteMatch };
function readable(json: unknown): Placed {
  const parsed = Route.safeParse(json);
  if (parsed.success) return parsed.data;
  return { match: {} };
}

/**
 * The plan for a route `json` joining `siblings` (the virtual host's routes' JSON, in match order), at `requested`
 * when given, and how the API reports it. Where a new route the schema refuses would go does not matter: the
 * write that follows refuses it, with its field paths.
 */
export function placementOf(siblings: readonly unknown[], json: unknown, requested?: number): { plan: RoutePlacementPlan; placement: RoutePlacement } {
  const routes = siblings.map(readable);
  const route = readable(json);
  const plan = placeRoute(routes, route, requested);
  const before = plan.before === null ? null : siblings[plan.before];
  return {
    plan,
    placement: {
      position: plan.position,
      before: before === null ? null : { name: routes[plan.before!].name ?? null, match: (jsonObject(jsonAt(before, "match")) ?? {}) as RouteMatch },
      reason: plan.reason,
      message: describePlacement(plan, routes),
    },
  };
}
