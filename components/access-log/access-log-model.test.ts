import { describe, expect, it } from "vitest";
import { fmtBytes, statusTone, toFilter } from "./access-log-model";

describe("access log filters", () => {
  it("sends what can be sent and names what cannot", () => {
    expect(toFilter({ status: "5XX", route: " api ", path: "/v1", node: "" })).toEqual({
      filter: { status: "5xx", route: "api", pathContains: "/v1", node: undefined, limit: 500 },
      errors: {},
    });
    const bad = toFilter({ status: "50", route: "", path: "", node: "" });
    expect(bad.filter.status).toBeUndefined();
    expect(bad.errors.status).toMatch(/503/);
  });

  it("colours statuses with the one palette", () => {
    expect([0, 200, 302, 404, 503].map(statusTone)).toEqual(["red", "green", "green", "amber", "red"]);
    expect(fmtBytes(2048)).toBe("2.0 KiB");
  });
});
