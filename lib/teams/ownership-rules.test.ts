import { describe, expect, it } from "vitest";
import { decompose, routeRow, type DraftRows } from "../config/draft-mapper";
import { adoptIds } from "../config/row-identity";
import { bootstrap, cluster, listener, prefixRoute } from "../config/test-fixtures";
import { carryOwners, mayChange, ownershipRefusal, routeOwner, type Authority } from "./ownership-rules";
import { foreignChange } from "./publish-check";

const named = (name: string, prefix: string, c: string) => ({ name, ...prefixRoute(prefix, c) });

/** main/default: routes pay (/pay → payments) and search (/search → search-svc); clusters payments, search-svc. */
function draft(): DraftRows {
  const rows = decompose(
    bootstrap(
      [listener("main", 18001, [named("pay", "/pay", "payments"), named("search", "/search", "search-svc")])],
      [cluster("payments", [1]), cluster("search-svc", [2])],
    ),
  );
  return rows;
}

const route = (rows: DraftRows, name: string) => rows.routes.find((r) => r.name === name)!;
const clusterOf = (rows: DraftRows, name: string) => rows.clusters.find((c) => c.name === name)!;
const editor = (...teams: string[]): Authority => ({ role: "editor", teams });

/** The edit as the write path sees it: a copy of `before`, changed, owners carried. */
function edited(before: DraftRows, change: (rows: DraftRows) => void): DraftRows {
  const after = structuredClone(before);
  change(after);
  adoptIds(before, after);
  carryOwners(before, after);
  return after;
}

describe("mayChange", () => {
  it("lets admins change anything and editors what is unowned or their team's", () => {
    expect(mayChange({ role: "admin", teams: [] }, "payments")).toBe(true);
    expect(mayChange(editor(), null)).toBe(true);
    expect(mayChange(editor("payments"), "payments")).toBe(true);
    expect(mayChange(editor("search"), "payments")).toBe(false);
    expect(mayChange(editor(), "payments")).toBe(false);
  });
});

describe("routeOwner", () => {
  it("is the route's own owner, else its virtual host's", () => {
    const rows = draft();
    const vhosts = new Map(rows.virtualHosts.map((v) => [v.id, v]));
    rows.virtualHosts[0].owner = "platform";
    expect(routeOwner(route(rows, "pay"), vhosts)).toBe("platform");
    route(rows, "pay").owner = "payments";
    expect(routeOwner(route(rows, "pay"), vhosts)).toBe("payments");
  });
});

describe("ownershipRefusal", () => {
  it("lets an editor change their team's route and refuses another team's, naming it and its owner", () => {
    const before = draft();
    route(before, "pay").owner = "payments";
    route(before, "search").owner = "search";
    const mine = edited(before, (r) => (route(r, "search").json = { ...route(r, "search").json, timeout: "3s" }));
    expect(ownershipRefusal(editor("search"), before, mine)).toBeNull();
    const theirs = edited(before, (r) => (route(r, "pay").json = { ...route(r, "pay").json, timeout: "3s" }));
    expect(ownershipRefusal(editor("search"), before, theirs)).toBe("route pay on main/default belongs to team payments; you are in team search");
    expect(ownershipRefusal({ role: "admin", teams: [] }, before, theirs)).toBeNull();
  });

  it("refuses removing or reordering another team's route, but not a neighbour's removal shifting it", () => {
    const before = draft();
    route(before, "pay").owner = "payments";
    const removed = edited(before, (r) => (r.routes = r.routes.filter((x) => x.name !== "pay")));
    expect(ownershipRefusal(editor("search"), before, removed)).toMatch(/^route pay on main\/default belongs to team payments/);
    const swapped = edited(before, (r) => {
      route(r, "pay").position = 1;
      route(r, "search").position = 0;
    });
    expect(ownershipRefusal(editor("search"), before, swapped)).toMatch(/route pay/);
    const neighbourGone = edited(before, (r) => {
      r.routes = r.routes.filter((x) => x.name !== "search");
    });
    // pay keeps its place relative to every remaining route: removing search (unowned) is allowed
    expect(ownershipRefusal(editor("search"), before, neighbourGone)).toBeNull();
  });

  it("refuses adding a route to a virtual host another team owns", () => {
    const before = draft();
    before.virtualHosts[0].owner = "payments";
    const added = edited(before, (r) => r.routes.push(routeRow(named("new", "/new", "search-svc"), r.virtualHosts[0].id, 2)));
    expect(ownershipRefusal(editor("search"), before, added)).toBe("cannot add route new to virtual host main/default: it belongs to team payments; you are in team search");
    expect(ownershipRefusal(editor("payments"), before, added)).toBeNull();
  });

  it("treats the routes of an owned virtual host as owned, unless they have an owner of their own", () => {
    const before = draft();
    before.virtualHosts[0].owner = "payments";
    route(before, "search").owner = "search";
    const search = edited(before, (r) => (route(r, "search").json = { ...route(r, "search").json, timeout: "3s" }));
    expect(ownershipRefusal(editor("search"), before, search)).toBeNull();
    const pay = edited(before, (r) => (route(r, "pay").json = { ...route(r, "pay").json, timeout: "3s" }));
    expect(ownershipRefusal(editor("search"), before, pay)).toMatch(/^route pay on main\/default belongs to team payments; you are in team search$/);
  });

  it("refuses changing or removing another team's cluster, endpoints included", () => {
    const before = draft();
    clusterOf(before, "payments").owner = "payments";
    const endpoint = edited(before, (r) => {
      const e = r.endpoints.find((x) => x.clusterId === clusterOf(r, "payments").id)!;
      e.json = { endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: 9 } } } };
    });
    expect(ownershipRefusal(editor(), before, endpoint)).toBe("cluster payments belongs to team payments; you are in no team");
    const gone = edited(before, (r) => (r.clusters = r.clusters.filter((c) => c.name !== "payments")));
    expect(ownershipRefusal(editor("a", "b"), before, gone)).toBe("cluster payments belongs to team payments; you are in teams a, b");
    const other = edited(before, (r) => (clusterOf(r, "search-svc").json = { ...clusterOf(r, "search-svc").json, connect_timeout: "2s" }));
    expect(ownershipRefusal(editor(), before, other)).toBeNull();
  });

  it("keeps owners across a whole-document write (fresh rows adopt the old ids)", () => {
    const before = draft();
    route(before, "pay").owner = "payments";
    clusterOf(before, "payments").owner = "payments";
    const fresh = draft();
    adoptIds(before, fresh);
    carryOwners(before, fresh);
    expect(route(fresh, "pay").owner).toBe("payments");
    expect(clusterOf(fresh, "payments").owner).toBe("payments");
    expect(ownershipRefusal(editor(), before, fresh)).toBeNull();
  });
});

describe("foreignChange (publish)", () => {
  it("names a change to an owned resource made by someone outside its team", () => {
    const rows = draft();
    route(rows, "pay").owner = "payments";
    const at = new Date();
    const change = { revision: 4, actor: "eve@example.com", at, kind: "route" as const, name: "pay", change: "changed" as const };
    expect(foreignChange(rows, [{ ...change, actorTeams: ["search"] }])).toMatch(/change to route pay on main\/default, which belongs to team payments, by eve@example.com \(revision 4\)/);
    expect(foreignChange(rows, [{ ...change, actorTeams: ["payments"] }])).toBeNull();
    expect(foreignChange(rows, [{ ...change, name: "search", actorTeams: [] }])).toBeNull();
  });
});
