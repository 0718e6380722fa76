import { describe, expect, it } from "vitest";
import { groupsOf, mapGroups } from "./group-mapping";

const MAPPING = { groups: { "sbx-admins": { role: "admin" as const }, "payments-devs": { role: "editor" as const, teams: ["payments"] }, "search-devs": { role: "editor" as const, teams: ["search", "payments"] }, readers: { teams: ["docs"] } } };

describe("mapGroups", () => {
  it("gives the highest mapped role and the union of the teams", () => {
    expect(mapGroups(["payments-devs", "sbx-admins"], MAPPING)).toEqual({ role: "admin", teams: ["payments"] });
    expect(mapGroups(["payments-devs", "search-devs", "readers"], MAPPING)).toEqual({ role: "editor", teams: ["docs", "payments", "search"] });
  });

  it("makes a user in no mapped group a viewer with no team", () => {
    expect(mapGroups([], MAPPING)).toEqual({ role: "viewer", teams: [] });
    expect(mapGroups(["unknown", "constructor", "__proto__"], MAPPING)).toEqual({ role: "viewer", teams: [] });
  });

  it("lets a group give teams without a role", () => {
    expect(mapGroups(["readers"], MAPPING)).toEqual({ role: "viewer", teams: ["docs"] });
  });
});

describe("groupsOf", () => {
  it("reads an array, or a space- or comma-separated string, and nothing else", () => {
    expect(groupsOf({ groups: ["a", "b", 3] }, "groups")).toEqual(["a", "b"]);
    expect(groupsOf({ roles: "a b,c" }, "roles")).toEqual(["a", "b", "c"]);
    expect(groupsOf({ groups: { a: true } }, "groups")).toEqual([]);
    expect(groupsOf(null, "groups")).toEqual([]);
  });
});
