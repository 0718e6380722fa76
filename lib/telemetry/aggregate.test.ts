// Windows, steps and scopes: frames added up into series points and summaries.
import { describe, expect, it } from "vitest";
import { seriesPoints, summarize, windowBounds, type TimedFrame } from "./aggregate";
import type { Frame } from "./frame";
import { LiveWindow } from "./live-window";

const frame = (total: number, e5xx: number, extra: Partial<Frame> = {}): Frame => ({
  d: { q: [total, 0, total - e5xx, 0, 0, e5xx] },
  r: { default: { api: { q: [total, 0, total - e5xx, 0, 0, e5xx] } } },
  c: { api: { q: [total, 0, total - e5xx, 0, 0, e5xx], o: 1 } },
  ...extra,
});

describe("windows", () => {
  it("end at the start of the step still filling", () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 37, 500);
    expect(windowBounds("5m", now)).toEqual({ from: now - 500 - 300_000, to: now - 500, stepMs: 1000 });
    expect(windowBounds("1h", now)).toMatchObject({ to: now - 7500, stepMs: 10_000 });
    expect(windowBounds("24h", now)).toMatchObject({ to: now - 37_500, stepMs: 60_000 });
  });
});

describe("series points", () => {
  const t0 = 1_000_000_000_000;
  const frames: TimedFrame[] = [
    { t: t0, node: "a", frame: frame(10, 1, { x: 4 }) },
    { t: t0, node: "b", frame: frame(5, 0, { x: 1 }) },
    { t: t0 + 1000, node: "a", frame: frame(2, 2) },
    { t: t0 + 12_000, node: "a", frame: frame(3, 0, { x: 2 }) },
  ];

  it("per second, fleet, with connections carried over a second without a report", () => {
    const p = seriesPoints(frames, {}, t0, t0 + 3000, 1000);
    expect(p.map((x) => x.rps)).toEqual([15, 2, 0]);
    expect(p.map((x) => x.rps5xx)).toEqual([1, 2, 0]);
    expect(p.map((x) => x.activeConnections)).toEqual([5, 5, 5]);
    expect(p[0].overflow).toBe(2);
    expect(p[2].latency).toBeNull();
  });

  it("per 10 s, one node, one route, one cluster", () => {
    const node = seriesPoints(frames, { node: "a" }, t0, t0 + 20_000, 10_000);
    expect(node.map((x) => x.rps)).toEqual([1.2, 0.3]);
    const route = seriesPoints(frames, { route: "api", vhost: "default" }, t0, t0 + 20_000, 10_000);
    expect(route.map((x) => [x.rps2xx, x.rps5xx, x.activeConnections])).toEqual([[1.4, 0.3, null], [0.3, 0, null]]);
    expect(seriesPoints(frames, { route: "api" }, t0, t0 + 10_000, 10_000)[0].rps).toBe(1.7);
    expect(seriesPoints(frames, { route: "api", vhost: "other" }, t0, t0 + 10_000, 10_000)[0].rps).toBe(0);
    expect(seriesPoints(frames, { cluster: "api" }, t0, t0 + 10_000, 10_000)[0]).toMatchObject({ rps: 1.7, overflow: 3 });
  });

  it("summaries per route and cluster, busiest first", () => {
    const s = summarize(frames, undefined, 100);
    expect(s.fleet).toEqual({ rps: 0.2, errorRatio: 0.15, latency: null });
    expect(s.routes).toEqual([{ vhost: "default", route: "api", rps: 0.2, errorRatio: 0.15, latency: null }]);
    expect(s.clusters[0]).toMatchObject({ name: "api", overflow: 4 });
  });

  it("a cluster whose breaker refused requests: the refused 503s count as requests, the ratio stays within 1", () => {
    // 2 requests reached a connection (upstream_rq_total), 9 refused with a local 503 charged to upstream_rq_5xx
    const refused: TimedFrame[] = [{ t: t0, node: "a", frame: { d: { q: [11, 0, 2, 0, 0, 9] }, r: {}, c: { slow: { q: [2, 0, 2, 0, 0, 9], o: 9 } } } }];
    const s = summarize(refused, undefined, 1);
    expect(s.clusters[0]).toMatchObject({ name: "slow", rps: 11, overflow: 9 });
    expect(s.clusters[0].errorRatio).toBeCloseTo(9 / 11);
    expect(seriesPoints(refused, { cluster: "slow" }, t0, t0 + 1000, 1000)[0].rps).toBe(11);
  });
});

describe("live window", () => {
  it("keeps five minutes per node and second, adding up reports of one second", () => {
    const w = new LiveWindow();
    w.add("a", 1000, frame(1, 0));
    w.add("a", 1000, frame(2, 0));
    w.add("a", 1300, frame(4, 0)); // the same slot, five minutes later
    expect(w.get("a", 1000)).toBeUndefined();
    expect([...w.frames(1_000_000, 1_301_000)].map((f) => [f.t, f.frame.d.q![0]])).toEqual([[1_300_000, 4]]);
    w.add("b", 1299, frame(1, 0));
    expect([...w.frames(1_299_000, 1_301_000)].map((f) => f.node)).toEqual(["b", "a"]);
    w.forgetIdle(1601);
    expect(w.nodes()).toEqual([]);
  });
});
