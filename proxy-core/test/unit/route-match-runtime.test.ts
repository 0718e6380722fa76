// Route match conditions beyond path and headers (router/matchers.ts): runtime_fraction through the runtime with an
// injected random source, grpc, and the pseudo-headers; and the route index's first-match proof with them in play
// (every route reads the request's one random value, so the index still picks what an in-order scan picks).
import { describe, expect, it } from "vitest";
import { MatchInput, RouteTable, matchRoute } from "../../src/router/route-table";
import { Runtime } from "../../src/runtime/runtime";
import type { Route } from "../../src/config/schema";

const dr = (status: number): Pick<Route, "direct_response"> => ({ direct_response: { status } });

describe("runtime_fraction", () => {
  it("the runtime key's value decides, else the default; one random value per request for every route", () => {
    let next = 0;
    let draws = 0;
    const runtime = new Runtime({ random: () => (draws++, next), layers: [{ name: "s", static_layer: {} }, { name: "admin", admin_layer: {} }] });
    const table = new RouteTable(
      {
        virtual_hosts: [
          {
            name: "v",
            domains: ["*"],
            routes: [
              { match: { prefix: "/", runtime_fraction: { default_value: { numerator: 30 }, runtime_key: "canary.share" } }, ...dr(201) },
              { match: { prefix: "/", runtime_fraction: { default_value: { numerator: 5000, denominator: "TEN_THOUSAND" } } }, ...dr(202) },
              { match: { prefix: "/" }, ...dr(200) },
            ],
          },
        ],
      },
      null,
      runtime,
    );
    const status = (r: number) => ((next = r), table.route("h", "/")?.direct?.status);
    expect([status(29), status(30), status(5030), status(10_029)]).toEqual([201, 202, 200, 201]);
    // both fraction routes were looked at for 30 and 5030, yet each request drew once
    expect(draws).toBe(4);
    runtime.mergeValues([["canary.share", "100"]]);
    expect(status(99)).toBe(201);
    runtime.mergeValues([["canary.share", "0"]]);
    expect(status(0)).toBe(202);
  });
});

describe("grpc and pseudo-headers", () => {
  const table = new RouteTable({
    virtual_hosts: [
      {
        name: "v",
        domains: ["*"],
        routes: [
          { match: { prefix: "/", grpc: {} }, ...dr(201) },
          { match: { prefix: "/", headers: [{ name: ":authority", string_match: { exact: "api.example.com" } }] }, ...dr(202) },
          { match: { prefix: "/" }, ...dr(200) },
        ],
      },
    ],
  });
  it("grpc: application/grpc or application/grpc+…, not grpc-web, case-sensitive", () => {
    const status = (ct: string | null, host = "h") => table.route(host, "/svc/Method", ct === null ? [] : ["content-type", ct], "POST")?.direct?.status;
    expect([status("application/grpc"), status("application/grpc+proto"), status("application/grpc-web"), status("Application/grpc"), status(null)]).toEqual([201, 201, 200, 200, 200]);
    expect(status(null, "api.example.com")).toBe(202);
  });
});

describe("route index with runtime_fraction and grpc routes", () => {
  it("random tables pick the same route as a scan", () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
    const seg = () => ["a", "b", "api", "v1"][rnd(4)];
    for (let t = 0; t < 15; t++) {
      let draw = 0;
      const runtime = new Runtime({ random: () => draw, layers: [{ name: "s", static_layer: { k0: rnd(101), k1: { numerator: rnd(10_000), denominator: "TEN_THOUSAND" } } }] });
      const routes: Route[] = [];
      const n = 20 + rnd(40);
      for (let i = 0; i < n; i++) {
        const match: Route["match"] = rnd(2) ? { prefix: `/${seg()}` } : { path: `/${seg()}/${seg()}` };
        if (rnd(3) === 0) match.runtime_fraction = { default_value: { numerator: rnd(100) }, runtime_key: ["", "k0", "k1", "missing"][rnd(4)] };
        if (rnd(4) === 0) match.grpc = {};
        if (rnd(4) === 0) match.headers = [{ name: "x-tenant", string_match: { exact: `t${rnd(3)}` } }];
        routes.push({ match, ...dr(200 + i) });
      }
      const table = new RouteTable({ virtual_hosts: [{ name: "v", domains: ["*"], routes }] }, null, runtime);
      const vh = table.findVirtualHost("x")!;
      expect(vh.index).not.toBeNull();
      for (let k = 0; k < 300; k++) {
        draw = rnd(1_000_000);
        const path = `/${seg()}${rnd(2) ? "/" + seg() : ""}`;
        const headers: string[] = [];
        if (rnd(2)) headers.push("content-type", rnd(2) ? "application/grpc" : "application/json");
        if (rnd(2)) headers.push("x-tenant", `t${rnd(3)}`);
        const m = new MatchInput(path, headers, "POST", "x");
        const scan = vh.routes.find((r) => matchRoute(r, m)) ?? null;
        expect(table.match(vh, m)?.index, `${path} ${headers.join(":")} ${draw}`).toBe(scan?.index);
      }
    }
  });
});
