import { describe, expect, it } from "vitest";
import { CanaryTarget } from "../contract/rollout";
import { pickPercent, targets } from "./target";

describe("canary targets", () => {
  it("named nodes and selectors", () => {
    expect(targets({ nodes: ["a"], selector: null }, "a", {})).toBe(true);
    expect(targets({ nodes: ["a"], selector: null }, "b", {})).toBe(false);
    expect(targets({ nodes: null, selector: { zone: "eu", tier: "edge" } }, "x", { zone: "eu", tier: "edge", more: "1" })).toBe(true);
    expect(targets({ nodes: null, selector: { zone: "eu", tier: "edge" } }, "x", { zone: "eu" })).toBe(false);
  });

  it("percent: ceil of the count, independent of connection order, spread by seed", () => {
    const ids = ["n1", "n2", "n3", "n4", "n5"];
    expect(pickPercent(ids, 1, "s")).toHaveLength(1);
    expect(pickPercent(ids, 50, "s")).toHaveLength(3);
    expect(pickPercent([...ids].reverse(), 50, "s")).toEqual(pickPercent(ids, 50, "s"));
    expect(pickPercent([], 50, "s")).toEqual([]);
    const picks = new Set(["a", "b", "c", "d", "e", "f"].map((seed) => pickPercent(ids, 20, seed)[0]));
    expect(picks.size).toBeGreaterThan(1);
  });

  it("the body: exactly one of nodes, selector, percent, with field paths", () => {
    expect(CanaryTarget.safeParse({ nodes: ["a"] }).success).toBe(true);
    const both = CanaryTarget.safeParse({ nodes: ["a"], percent: 5 });
    expect(both.success).toBe(false);
    expect(both.error!.issues[0].path).toEqual(["percent"]);
    expect(CanaryTarget.safeParse({}).success).toBe(false);
    expect(CanaryTarget.safeParse({ selector: {} }).error!.issues[0].path).toEqual(["selector"]);
    expect(CanaryTarget.safeParse({ percent: 100 }).error!.issues[0].path).toEqual(["percent"]);
  });
});
