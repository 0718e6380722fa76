import { describe, expect, it } from "vitest";
import { align, render } from "./align";

describe("side-by-side alignment", () => {
  it("faces unchanged lines, pairs a replaced run with its replacement and pads the shorter side, keys sorted", () => {
    const before = render({ route: { timeout: "15s", cluster: "a" }, name: "api" }, "yaml");
    const after = render({ name: "api", route: { cluster: "b", timeout: "5s", zone: "eu" } }, "yaml");
    expect(align(before, after)).toEqual([
      { left: "name: api", right: "name: api", kind: "same" },
      { left: "route:", right: "route:", kind: "same" },
      { left: "  cluster: a", right: "  cluster: b", kind: "changed" },
      { left: "  timeout: 15s", right: "  timeout: 5s", kind: "changed" },
      { left: null, right: "  zone: eu", kind: "added" },
    ]);
  });

  it("an added resource has only a right side; a removed one only a left side", () => {
    const json = render({ a: 1 }, "json");
    expect(align("", json).every((r) => r.left === null && r.kind === "added")).toBe(true);
    expect(align(json, "").map((r) => r.left)).toEqual(["{", '  "a": 1', "}"]);
    expect(render(null, "yaml")).toBe("");
  });
});
