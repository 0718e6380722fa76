import { describe, expect, it } from "vitest";
import type { Route } from "../../proxy-core/src/config/schema";
import { starterDocument } from "../config/starter";
import { jsonAt } from "../json";
import { describePlacement, isStarterCatchAll, placeRoute, shadowedBy, shadows } from "./route-shadow";

const r = (match: Route["match"], name?: string): Route => ({ ...(name ? { name } : {}), match, route: { cluster: "c" } });

describe("shadows", () => {
  it("a catch-all shadows everything; a shorter prefix a longer one; not the other way", () => {
    expect(shadows(r({ prefix: "/" }), r({ prefix: "/api" }))).toBe(true);
    expect(shadows(r({ prefix: "" }), r({ safe_regex: { regex: "/u/[0-9]+" } }))).toBe(true);
    expect(shadows(r({ safe_regex: { regex: ".*" } }), r({ path: "/x" }))).toBe(true);
    expect(shadows(r({ prefix: "/api" }), r({ path: "/api/users" }))).toBe(true);
    expect(shadows(r({ prefix: "/api" }), r({ prefix: "/api" }))).toBe(true);
    expect(shadows(r({ prefix: "/api" }), r({ prefix: "/" }))).toBe(false);
    expect(shadows(r({ path: "/a" }), r({ prefix: "/a" }))).toBe(false);
    expect(shadows(r({ path: "/a" }), r({ path: "/a" }))).toBe(true);
    expect(shadows(r({ safe_regex: { regex: "/a.*" } }), r({ prefix: "/a" }))).toBe(false);
  });

  it("a route with conditions besides its path shadows nothing; conditions on the later one do not matter", () => {
    expect(shadows(r({ prefix: "/", headers: [{ name: "x-canary", present_match: true }] }), r({ prefix: "/api" }))).toBe(false);
    expect(shadows(r({ prefix: "/", query_parameters: [{ name: "debug", present_match: true }] }), r({ prefix: "/api" }))).toBe(false);
    expect(shadows(r({ prefix: "/", runtime_fraction: { default_value: { numerator: 50 } } }), r({ prefix: "/api" }))).toBe(false);
    expect(shadows(r({ prefix: "/", grpc: {} }), r({ prefix: "/api" }))).toBe(false);
    expect(shadows(r({ prefix: "/api" }), r({ prefix: "/api/x", headers: [{ name: "x-canary", present_match: true }] }))).toBe(true);
  });

  it("follows case sensitivity", () => {
    // a case-sensitive prefix does not cover a case-insensitive route
    expect(shadows(r({ prefix: "/api" }), r({ prefix: "/api/x", case_sensitive: false }))).toBe(false);
    expect(shadows(r({ prefix: "/API", case_sensitive: false }), r({ prefix: "/api/x" }))).toBe(true);
    // "/" has no case: a catch-all covers every casing
    expect(shadows(r({ prefix: "/" }), r({ prefix: "/api", case_sensitive: false }))).toBe(true);
  });

  it("reads a segment prefix as Envoy does: the path itself or below it at a / boundary", () => {
    expect(shadows(r({ path_separated_prefix: "/api" }), r({ path: "/api" }))).toBe(true);
    expect(shadows(r({ path_separated_prefix: "/api" }), r({ prefix: "/api/v1" }))).toBe(true);
    // prefix /api also takes /apix, which the segment prefix does not
    expect(shadows(r({ path_separated_prefix: "/api" }), r({ prefix: "/api" }))).toBe(false);
    expect(shadows(r({ path_separated_prefix: "/api" }), r({ path: "/apix" }))).toBe(false);
    expect(shadows(r({ prefix: "/api" }), r({ path_separated_prefix: "/api" }))).toBe(true);
    expect(shadows(r({ prefix: "/api/" }), r({ path_separated_prefix: "/api" }))).toBe(false);
  });

  it("finds the first earlier route that shadows", () => {
    expect(shadowedBy([r({ path: "/x" }), r({ prefix: "/a" }), r({ prefix: "/" })], r({ prefix: "/api" }))).toBe(1);
    expect(shadowedBy([r({ path: "/x" })], r({ prefix: "/api" }))).toBe(-1);
  });
});

describe("placeRoute", () => {
  const starter = r({ prefix: "/" }, "starter");

  it("puts a newcomer's route above the starter catch-all", () => {
    const plan = placeRoute([starter], r({ prefix: "/api" }));
    expect(plan).toEqual({ position: 0, reason: "above_shadowing_route", before: 0, shadowedBy: null, hides: [] });
    expect(describePlacement(plan, [starter], true)).toBe("will be placed above route 1 (prefix /, starter), which matches every request this one would");
    expect(describePlacement(plan, [starter])).toBe("placed as route 1, above route 2 (prefix /, starter), which matches every request this one would");
  });

  it("goes right above the first route that shadows it, after the ones that do not", () => {
    const routes = [r({ path: "/healthz" }), r({ prefix: "/api/v2" }), r({ prefix: "/api" }, "api"), starter];
    expect(placeRoute(routes, r({ prefix: "/api/users" }))).toMatchObject({ position: 2, reason: "above_shadowing_route", before: 2 });
  });

  it("is appended when nothing shadows it", () => {
    const routes = [r({ prefix: "/api" }), r({ path: "/healthz" })];
    const plan = placeRoute(routes, r({ prefix: "/web" }));
    expect(plan).toEqual({ position: 2, reason: "appended", before: null, shadowedBy: null, hides: [] });
    expect(describePlacement(plan, routes)).toBe("placed last (route 3): no route above it matches every request this one would");
    expect(describePlacement(plan, routes, true)).toBe("will be placed last: no route above it matches every request this one would");
  });

  it("honours a requested position and says when the route can never match there", () => {
    const routes = [r({ prefix: "/api" }, "api"), starter];
    const plan = placeRoute(routes, r({ prefix: "/api/x" }), 2);
    expect(plan).toEqual({ position: 2, reason: "requested", before: null, shadowedBy: 0, hides: [] });
    expect(describePlacement(plan, routes)).toBe("placed last (route 3), as asked; it can never match there: route 1 (prefix /api, api) matches every request it would");
    // out of range is clamped to the ends
    expect(placeRoute(routes, r({ prefix: "/z" }), 99).position).toBe(2);
  });

  it("says which later routes the new one would hide", () => {
    const routes = [r({ prefix: "/api/v1" }, "v1"), r({ path: "/healthz" })];
    const plan = placeRoute(routes, r({ prefix: "/" }), 0);
    expect(plan.hides).toEqual([0, 1]);
    expect(describePlacement(plan, routes, true)).toBe(
      "will be placed above route 1 (prefix /api/v1, v1); route 1 (prefix /api/v1, v1), route 2 (path /healthz) below it would then never match",
    );
    expect(describePlacement(plan, routes)).toContain("route 2 (prefix /api/v1, v1), route 3 (path /healthz) below it can no longer match");
  });
});

describe("isStarterCatchAll", () => {
  it("knows the starter version's route, and only while it still takes every request", () => {
    const doc = starterDocument({ address: "127.0.0.1", port: 8080 });
    const route = jsonAt(doc, "static_resources", "listeners", 0, "filter_chains", 0, "filters", 0, "typed_config", "route_config", "virtual_hosts", 0, "routes", 0) as Route;
    expect(isStarterCatchAll(route)).toBe(true);
    expect(isStarterCatchAll({ ...route, name: "root" })).toBe(false);
    expect(isStarterCatchAll({ ...route, match: { prefix: "/old" } })).toBe(false);
    expect(isStarterCatchAll({ ...route, match: { prefix: "/", headers: [{ name: "x", present_match: true }] } })).toBe(false);
  });
});
