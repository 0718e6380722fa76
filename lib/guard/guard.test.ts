// The guard's pure parts: which routes and clusters a publish changed (affected.ts) and the ratio test over the
// live per-second frames (ratio.ts).
import { describe, expect, it } from "vitest";
import { cluster, listener } from "../config/test-fixtures";
import type { TimedFrame } from "../telemetry/aggregate";
import { emptyFrame, type Frame } from "../telemetry/frame";
import { affectedTargets } from "./affected";
import { breach, breachReason, countTargets } from "./ratio";

const route = (prefix: string, c: string, sp?: string) => ({ name: sp ?? prefix.slice(1), ...(sp === "" ? {} : { stat_prefix: sp ?? prefix.slice(1) }), match: { prefix }, route: { cluster: c } });
const snap = (routes: unknown[], clusters = [cluster("good", [1]), cluster("bad", [2])]) => ({ listeners: [listener("main", 80, routes as Record<string, unknown>[])], clusters });

/** A frame with `ok` 2xx and `fail` 5xx on a route (vhost default) and on its cluster, and downstream. */
function frame(routeName: string, clusterName: string, ok: number, fail: number): Frame {
  const f = emptyFrame();
  const q = [ok + fail, 0, ok, 0, 0, fail];
  f.d = { q: [...q] };
  f.r.default = { [routeName]: { q: [...q] } };
  f.c[clusterName] = { q: [...q] };
  return f;
}
const at = (t: number, f: Frame): TimedFrame => ({ t, node: "n1", frame: f });

describe("affectedTargets", () => {
  it("watches a route whose cluster changed by its stat_prefix, and nothing else", () => {
    const before = snap([route("/api", "good"), route("/web", "good")]);
    const after = snap([route("/api", "bad"), route("/web", "good")]);
    expect(affectedTargets(before, after)).toEqual([{ kind: "route", vhost: "default", statPrefix: "api", text: "route /api on main/default" }]);
  });

  it("adds added and moved routes and changed clusters; removed ones are not watched", () => {
    const before = snap([route("/a", "good"), route("/b", "good"), route("/gone", "good")]);
    const after = snap([route("/b", "good"), route("/a", "good"), route("/new", "good")], [cluster("good", [1, 3]), cluster("bad", [2])]);
    const texts = affectedTargets(before, after).map((t) => t.text).sort();
    // the readable diff reports the swap as one move (the route that changed places relative to the others)
    expect(texts).toEqual(["cluster good", "route /b on main/default", "route /new on main/default"]);
  });

  it("falls back to a route's cluster without a stat_prefix, and to the fleet (empty) when no route-level change", () => {
    const before = snap([route("/api", "good", "")]);
    expect(affectedTargets(before, snap([route("/api", "bad", "")]))).toEqual([{ kind: "cluster", name: "bad", text: "cluster bad" }]);
    // a new cluster nothing routes to is not a route-level change
    expect(affectedTargets(before, snap([route("/api", "good", "")], [cluster("good", [1]), cluster("bad", [2]), cluster("spare", [4])]))).toEqual([]);
  });
});

describe("ratio", () => {
  const targets = [{ kind: "route" as const, vhost: "default", statPrefix: "api", text: "route /api on main/default" }];
  const params = { maxErrorRatio: 0.05, minRequests: 20 };

  it("counts responses and 5xx of the watched route only, over every frame", () => {
    const frames = [at(1000, frame("api", "bad", 10, 2)), at(2000, frame("web", "good", 50, 50)), at(2000, frame("api", "bad", 5, 3))];
    expect(countTargets(frames, targets)).toEqual([{ text: "route /api on main/default", total: 20, errors: 5 }]);
    // the fleet: downstream traffic of every route
    expect(countTargets(frames, [])).toEqual([{ text: "all traffic", total: 120, errors: 55 }]);
    // a cluster target reads the cluster's counters
    expect(countTargets(frames, [{ kind: "cluster", name: "good", text: "cluster good" }])[0]).toMatchObject({ total: 100, errors: 50 });
  });

  it("breaches only above the ratio and with at least minRequests responses", () => {
    expect(breach([{ text: "x", total: 19, errors: 19 }], params)).toBeNull();
    expect(breach([{ text: "x", total: 20, errors: 1 }], params)).toBeNull(); // exactly 5% is not over
    expect(breach([{ text: "x", total: 20, errors: 2 }], params)).toEqual({ text: "x", total: 20, errors: 2 });
    expect(breach([{ text: "a", total: 100, errors: 10 }, { text: "b", total: 100, errors: 40 }], params)?.text).toBe("b");
  });

  it("states the reason with the figures", () => {
    expect(breachReason({ text: "route /api on main/default", total: 300, errors: 112 }, 12.4, 0.05)).toBe("guard: 5xx 37% (112/300) on route /api on main/default over 12 s > 5%");
    expect(breachReason({ text: "cluster bad", total: 1000, errors: 7 }, 3, 0.005)).toBe("guard: 5xx 0.7% (7/1000) on cluster bad over 3 s > 0.5%");
  });
});
