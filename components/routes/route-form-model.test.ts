import { describe, expect, it } from "vitest";
import type { Route } from "@/components/queries/types";
import { EMPTY_ROUTE, fieldOf, formToRoute, routeToForm, shadows, validateRoute } from "./route-form-model";

describe("route form model", () => {
  it("round-trips forward and direct-response routes", () => {
    const routes: Route[] = [
      { name: "api", match: { prefix: "/api", case_sensitive: false }, route: { cluster: "api", timeout: "2s" } },
      { match: { path: "/healthz" }, direct_response: { status: 204 } },
      { match: { prefix: "/" }, direct_response: { status: 200, body: { inline_string: "hi" } } },
    ];
    for (const r of routes) expect(formToRoute(routeToForm(r))).toEqual(r);
  });

  it("keeps the fields it does not edit when the user changes the ones it does", () => {
    const original: Route = {
      match: { safe_regex: { regex: "/u/[0-9]+" }, headers: [{ name: "x-canary", present_match: true }] },
      route: { cluster: "a", retry_policy: { retry_on: "5xx", num_retries: 2 }, prefix_rewrite: "/" },
      response_headers_to_add: [{ header: { key: "x-via", value: "signalbox" } }],
    };
    const f = { ...routeToForm(original), cluster: "b" };
    expect(f.matchKind).toBe("safe_regex");
    expect(formToRoute(f, original)).toEqual({ ...original, route: { ...original.route, cluster: "b" } });
    const redirect: Route = { match: { prefix: "/old" }, redirect: { path_redirect: "/new", response_code: "FOUND" } };
    expect(routeToForm(redirect).action).toBe("other");
    expect(formToRoute({ ...routeToForm(redirect), matchValue: "/older" }, redirect)).toEqual({ ...redirect, match: { prefix: "/older" } });
  });

  it("puts errors on the fields' Envoy paths", () => {
    const bad = { ...EMPTY_ROUTE, matchValue: "api", cluster: "", timeout: "soon" };
    const paths = validateRoute(bad).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["match.prefix", "route.cluster", "route.timeout"]));
    expect(validateRoute({ ...EMPTY_ROUTE, action: "direct_response", status: "abc" }).map((e) => e.path)).toContain("direct_response.status");
    expect(validateRoute({ ...EMPTY_ROUTE, cluster: "api" })).toEqual([]);
  });

  it("refuses what the API refuses, in the schema's words that name the limit", () => {
    const ok = { ...EMPTY_ROUTE, cluster: "api" };
    expect(validateRoute({ ...ok, name: "n".repeat(254) })).toEqual([{ path: "name", message: "must be at most 253 characters" }]);
    expect(validateRoute({ ...ok, name: "n".repeat(253) })).toEqual([]);
    const direct = { ...EMPTY_ROUTE, action: "direct_response" as const, status: "200" };
    expect(validateRoute({ ...direct, body: "x".repeat(4097) })).toEqual([
      { path: "direct_response.body.inline_string", message: "must be at most 4096 bytes (Envoy's default max_direct_response_body_size_bytes)" },
    ]);
    expect(validateRoute({ ...direct, status: "abc" })).toEqual([{ path: "direct_response.status", message: "must be an HTTP status between 200 and 599" }]);
    expect(validateRoute({ ...ok, matchKind: "safe_regex", matchValue: "/" + "a".repeat(1024) })).toEqual([{ path: "match.safe_regex.regex", message: "must be at most 1024 characters" }]);
  });

  it("knows which field an error belongs to", () => {
    expect(fieldOf("name")).toBe("name");
    expect(fieldOf("match.safe_regex.regex")).toBe("matchValue");
    expect(fieldOf("match.case_sensitive")).toBe("caseSensitive");
    expect(fieldOf("direct_response.body.inline_string")).toBe("body");
    expect(fieldOf("route.cluster")).toBe("cluster");
    expect(fieldOf("")).toBeNull();
  });

  it("knows when an earlier route shadows a later one", () => {
    const r = (match: Route["match"]): Route => ({ match, route: { cluster: "c" } });
    expect(shadows(r({ prefix: "/" }), r({ prefix: "/api" }))).toBe(true);
    expect(shadows(r({ prefix: "/api" }), r({ path: "/api/users" }))).toBe(true);
    expect(shadows(r({ prefix: "/api" }), r({ prefix: "/" }))).toBe(false);
    expect(shadows(r({ path: "/a" }), r({ prefix: "/a" }))).toBe(false);
    // a case-sensitive prefix does not cover a case-insensitive route
    expect(shadows(r({ prefix: "/api" }), r({ prefix: "/api/x", case_sensitive: false }))).toBe(false);
    expect(shadows(r({ prefix: "/API", case_sensitive: false }), r({ prefix: "/api/x" }))).toBe(true);
  });
});
