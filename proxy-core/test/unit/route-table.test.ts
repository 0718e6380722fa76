import { describe, expect, it } from "vitest";
import { MatchInput, RouteTable, matchRoute, regexLiteralPrefix } from "../../src/router/route-table";
import type { Route } from "../../src/config/schema";

const dr = (status: number): Pick<Route, "direct_response"> => ({ direct_response: { status } });

// VirtualHost.domains search order (config/route/v3/route_components.proto)
describe("virtual host selection", () => {
  const table = new RouteTable({
    virtual_hosts: [
      { name: "D", domains: ["*"], routes: [] },
      { name: "C", domains: ["api.*"], routes: [] },
      { name: "B", domains: ["*.foo.com"], routes: [] },
      { name: "B2", domains: ["*.x.foo.com"], routes: [] },
      { name: "A", domains: ["api.foo.com"], routes: [] },
      { name: "P", domains: ["host:8080"], routes: [] },
    ],
  });
  const vh = (h: string) => table.findVirtualHost(h)?.name;
  it("exact, then longest suffix wildcard, then prefix wildcard, then *", () => {
    expect(vh("api.foo.com")).toBe("A");
    expect(vh("x.foo.com")).toBe("B");
    expect(vh("y.x.foo.com")).toBe("B2");
    expect(vh("x.y.foo.com")).toBe("B");
    expect(vh("api.bar.com")).toBe("C");
    expect(vh("other")).toBe("D");
  });
  it("is case-insensitive and a wildcard never matches the empty string", () => {
    expect(vh("API.FOO.COM")).toBe("A");
    expect(vh(".foo.com")).toBe("D");
    expect(vh("api.")).toBe("D");
  });
  it("a host with a port must match literally or falls to *", () => {
    expect(vh("host:8080")).toBe("P");
    expect(vh("api.foo.com:8080")).toBe("C"); // prefix wildcard api.* still covers it
    expect(vh("other.foo.com:80")).toBe("D");
  });
  it("no vhost and no * → null (404)", () => {
    const t = new RouteTable({ virtual_hosts: [{ name: "A", domains: ["a"], routes: [{ match: { prefix: "/" }, ...dr(200) }] }] });
    expect(t.route("b", "/")).toBeNull();
    expect(t.route("a", "/")?.direct?.status).toBe(200);
  });
});

describe("route matching", () => {
  const mk = (routes: Route[]) => new RouteTable({ virtual_hosts: [{ name: "v", domains: ["*"], routes }] });
  it("first match wins, in config order", () => {
    const t = mk([
      { match: { prefix: "/" }, route: { cluster: "c1" } },
      { match: { prefix: "/api" }, route: { cluster: "c2" } },
    ]);
    expect(t.route("h", "/api/x")?.cluster).toBe("c1");
    const r = mk([
      { match: { prefix: "/api" }, route: { cluster: "c2" } },
      { match: { prefix: "/" }, route: { cluster: "c1" } },
    ]);
    expect(r.route("h", "/api/x")?.cluster).toBe("c2");
  });
  it("path strips the query, prefix includes it", () => {
    const t = mk([{ match: { path: "/exact" }, ...dr(200) }]);
    expect(t.route("h", "/exact?x=1")).not.toBeNull();
    expect(t.route("h", "/exact/")).toBeNull();
    const p = mk([{ match: { prefix: "/a?b" }, ...dr(200) }]);
    expect(p.route("h", "/a?b=1")).not.toBeNull();
  });
  it("case_sensitive: false applies to prefix and path", () => {
    const t = mk([
      { match: { prefix: "/API", case_sensitive: false }, ...dr(201) },
      { match: { path: "/Exact", case_sensitive: false }, ...dr(202) },
      { match: { prefix: "/CS" }, ...dr(203) },
    ]);
    expect(t.route("h", "/api/x")?.direct?.status).toBe(201);
    expect(t.route("h", "/eXACT?q")?.direct?.status).toBe(202);
    expect(t.route("h", "/cs")).toBeNull();
  });
  it("route timeout defaults to 15 s and 0s disables it", () => {
    const t = mk([
      { match: { prefix: "/a" }, route: { cluster: "c" } },
      { match: { prefix: "/b" }, route: { cluster: "c", timeout: "0s" } },
      { match: { prefix: "/c" }, route: { cluster: "c", timeout: "1.5s" } },
    ]);
    expect(t.route("h", "/a")?.timeoutMs).toBe(15000);
    expect(t.route("h", "/b")?.timeoutMs).toBe(0);
    expect(t.route("h", "/c")?.timeoutMs).toBe(1500);
  });
});

describe("route index (large virtual hosts) agrees with an in-order scan", () => {
  it("regex literal prefixes are conservative", () => {
    expect(regexLiteralPrefix("/svc12/[0-9]+")).toBe("/svc12/");
    expect(regexLiteralPrefix("/abc?/x")).toBe("/ab");
    expect(regexLiteralPrefix("/ab*")).toBe("/a");
    expect(regexLiteralPrefix("/ab{0,2}")).toBe("/a");
    expect(regexLiteralPrefix("/ab+")).toBe("/ab");
    expect(regexLiteralPrefix("/a|/b")).toBe("");
    expect(regexLiteralPrefix("(?i)/a")).toBe("");
    expect(regexLiteralPrefix("\\/a")).toBe("");
    expect(regexLiteralPrefix("/plain")).toBe("/plain");
  });

  it("random tables of prefix, path, regex and header routes pick the same route as a scan", () => {
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
    const seg = () => ["a", "b", "ab", "api", "v1", "A"][rnd(6)];
    const headerMatchers = () => {
      switch (rnd(6)) {
        case 0: return [{ name: "x-tenant", string_match: { exact: `t${rnd(4)}` } }];
        case 1: return [{ name: "X-Tenant", string_match: { exact: `T${rnd(2)}`, ignore_case: true } }];
        case 2: return [{ name: "x-tenant", string_match: { exact: `t${rnd(4)}` }, invert_match: true }];
        case 3: return [{ name: "x-env", string_match: { exact: `e${rnd(2)}` } }, { name: "x-tenant", present_match: true }];
        default: return undefined;
      }
    };
    for (let t = 0; t < 20; t++) {
      const routes: Route[] = [];
      const n = 20 + rnd(60);
      for (let i = 0; i < n; i++) {
        const headers = headerMatchers();
        const cs = rnd(5) === 0 ? false : undefined;
        let match: Route["match"];
        switch (rnd(5)) {
          case 0: match = { prefix: `/${seg()}/${rnd(3) ? seg() : ""}`, case_sensitive: cs }; break;
          case 1: match = { path: `/${seg()}/${seg()}`, case_sensitive: cs }; break;
          case 2: match = { path_separated_prefix: `/${seg()}`, case_sensitive: cs }; break;
          case 3: match = { safe_regex: { regex: [`/${seg()}/[0-9]+`, `/${seg()}?/.*`, `/${seg()}|/${seg()}`, `/${seg()}b*`, `.*/${seg()}`][rnd(5)] } }; break;
          default: match = { prefix: rnd(2) ? "/" : `/${seg()}` };
        }
        if (headers) match.headers = headers;
        routes.push({ match, ...dr(200 + i) });
      }
      const table = new RouteTable({ virtual_hosts: [{ name: "v", domains: ["*"], routes }] });
      const vh = table.findVirtualHost("x")!;
      expect(vh.index).not.toBeNull();
      for (let k = 0; k < 300; k++) {
        const path = `/${seg()}${rnd(2) ? "/" + seg() : ""}${rnd(3) ? "/" + rnd(20) : ""}${rnd(4) ? "" : "?q=/" + seg()}`;
        const headers: string[] = [];
        if (rnd(3)) headers.push(rnd(2) ? "x-tenant" : "X-TENANT", [`t${rnd(4)}`, `T${rnd(2)}`][rnd(2)]);
        if (rnd(4) === 0) headers.push("x-tenant", `t${rnd(4)}`);
        if (rnd(2)) headers.push("x-env", `e${rnd(2)}`);
        const m = new MatchInput(path, headers, "GET", "x");
        const scan = vh.routes.find((r) => matchRoute(r, m)) ?? null;
        expect(table.match(vh, m)?.index, `${path} ${headers.join(":")}`).toBe(scan?.index);
      }
    }
  });
});
