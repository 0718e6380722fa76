import { describe, expect, it } from "vitest";
import { placementOf } from "./route-placement";

describe("placementOf", () => {
  it("reads routes as the schema parses them: a wrapped case_sensitive is the boolean it stands for", () => {
    const siblings = [{ name: "api", match: { prefix: "/API", case_sensitive: { value: false } }, route: { cluster: "c" } }];
    const { placement } = placementOf(siblings, { match: { prefix: "/api/users" }, route: { cluster: "c" } });
    expect(placement).toEqual({
      position: 0,
      before: { name: "api", match: { prefix: "/API", case_sensitive: { value: false } } },
      reason: "above_shadowing_route",
      message: "placed as route 1, above route 2 (prefix /API, api), which matches every request this one would",
    });
  });

  it("a stored route the schema refuses shadows nothing; a requested position is kept", () => {
    const siblings = [{ match: { prefix: "/", bogus: true }, direct_response: { status: 200 } }];
    expect(placementOf(siblings, { match: { prefix: "/x" }, direct_response: { status: 204 } }).placement).toMatchObject({ position: 1, reason: "appended", before: null });
    expect(placementOf(siblings, { match: { prefix: "/x" }, direct_response: { status: 204 } }, 0).placement).toMatchObject({ position: 0, reason: "requested", before: { name: null } });
  });
});
