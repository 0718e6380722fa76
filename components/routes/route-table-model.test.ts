import { describe, expect, it } from "vitest";
import { shadowedBy } from "@/lib/contract/route-shadow";
import type { DraftRouteRow, Route } from "@/components/queries/types";
import { firstShadows, routeItems } from "./route-table-model";

const to = (cluster: string) => ({ cluster });
const prefix = (p: string, extra: Partial<Route["match"]> = {}): Route => ({ match: { prefix: p, ...extra }, route: to("c") }) as Route;
const path = (p: string, extra: Partial<Route["match"]> = {}): Route => ({ match: { path: p, ...extra }, route: to("c") }) as Route;
const segment = (p: string, extra: Partial<Route["match"]> = {}): Route => ({ match: { path_separated_prefix: p, ...extra }, route: to("c") }) as Route;
const regex = (r: string): Route => ({ match: { safe_regex: { regex: r } }, route: to("c") }) as Route;

const naive = (routes: Route[]) => routes.map((r, i) => shadowedBy(routes.slice(0, i), r));

describe("shadowing in the Routes table", () => {
  it("finds the first earlier route that matches every request a later one would", () => {
    const routes = [prefix("/api"), path("/api/v1"), segment("/a"), prefix("/abc"), prefix("/a/b"), path("/x"), path("/x"), regex("/u/[0-9]+"), prefix("/")];
    expect(firstShadows(routes)).toEqual([-1, 0, -1, -1, 2, -1, 5, -1, -1]);
    expect(firstShadows(routes)).toEqual(naive(routes));
  });

  it("minds case, conditions and catch-alls as the shared definition does", () => {
    const routes = [
      prefix("/API", { case_sensitive: false }),
      prefix("/api/x"),
      prefix("/Api/Y", { case_sensitive: false }),
      prefix("/b"),
      prefix("/B/c", { case_sensitive: false }),
      prefix("/h", { headers: [{ name: "x-env", present_match: true }] }),
      prefix("/h/1"),
      prefix("/"),
      regex("/anything"),
    ];
    expect(firstShadows(routes)).toEqual(naive(routes));
    expect(firstShadows(routes)).toEqual([-1, 0, 0, -1, -1, -1, -1, -1, 7]);
  });

  it("agrees with shadowedBy on a thousand random tables", () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const parts = ["a", "A", "b", "ab", "api", "v1"];
    const anyPath = () => "/" + Array.from({ length: rand(3) }, () => parts[rand(parts.length)]).join(rand(2) ? "/" : "");
    const make = (): Route => {
      const p = anyPath();
      const extra = { ...(rand(4) === 0 ? { case_sensitive: false } : {}), ...(rand(10) === 0 ? { query_parameters: [{ name: "q" }] } : {}) } as Partial<Route["match"]>;
      return [prefix, path, segment][rand(3)](p, extra);
    };
    for (let t = 0; t < 1000; t++) {
      const routes = Array.from({ length: 2 + rand(12) }, () => (rand(25) === 0 ? regex(".*") : make()));
      expect(firstShadows(routes)).toEqual(naive(routes));
    }
  });

  it("groups by listener and virtual host in match order, with places and labels", () => {
    const row = (id: string, vh: string, position: number, route: Route): DraftRouteRow => ({ id, listener: "main", virtualHost: vh, domains: [`${vh}.example.com`], position, route });
    const { items, groups } = routeItems([row("b", "web", 1, prefix("/b")), row("x", "api", 0, prefix("/")), row("a", "web", 0, prefix("/")), row("y", "api", 1, path("/y"))]);
    expect(items.map((i) => [i.row.id, i.index, i.last, i.shadowedBy])).toEqual([
      ["a", 0, false, -1],
      ["b", 1, true, 0],
      ["x", 0, false, -1],
      ["y", 1, true, 0],
    ]);
    expect([...groups.values()].map((g) => [g.virtualHost, g.count, g.domains])).toEqual([
      ["web", 2, ["web.example.com"]],
      ["api", 2, ["api.example.com"]],
    ]);
    expect(items[1].match).toEqual({ kind: "prefix", value: "/b" });
  });
});
