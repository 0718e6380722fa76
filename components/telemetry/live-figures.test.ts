import { describe, expect, it } from "vitest";
import { lookup, pickFigure, statPrefixOf } from "./live-figures";

const src = {
  routes: [{ vhost: "default", route: "api", rps: 4, errorRatio: 0.25, latency: { p50: 1, p90: 2, p99: 9 } }],
  clusters: [{ name: "slow", rps: 0, errorRatio: 0, latency: null, overflow: 0 }],
};

describe("live figures", () => {
  it("finds a route by virtual host and stat prefix, and a cluster by name", () => {
    const r = lookup(src, { type: "route", vhost: "default", route: "api" });
    expect([pickFigure(r, "rps"), pickFigure(r, "errorRatio"), pickFigure(r, "p99")]).toEqual([4, 0.25, 9]);
    expect(lookup(src, { type: "route", vhost: "other", route: "api" })).toBeUndefined();
    // no requests: 0 requests/s, and no ratio or latency to speak of
    const c = lookup(src, { type: "cluster", name: "slow" });
    expect([pickFigure(c, "rps"), pickFigure(c, "errorRatio"), pickFigure(c, "p99")]).toEqual([0, null, null]);
    expect([pickFigure(undefined, "rps"), pickFigure(undefined, "p99")]).toEqual([0, null]);
  });

  it("reads a route's stat_prefix only when set", () => {
    expect(statPrefixOf({ stat_prefix: "api" })).toBe("api");
    expect(statPrefixOf({ stat_prefix: "" })).toBeUndefined();
    expect(statPrefixOf({})).toBeUndefined();
  });
});
