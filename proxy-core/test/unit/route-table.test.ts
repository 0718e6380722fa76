import { describe, expect, it } from "vitest";
import { RouteTable } from "../../src/router/route-table";
import type { Route } from "../../src/config/schema";

const dr = (status: number): Pick<Route, "direct_response"> => ({ direct_response: { status } });

describe("virtual host selection (RV1)", () => {
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
  it("RV2: first match wins, in config order", () => {
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
  it("RV3: path strips the query, prefix includes it", () => {
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
