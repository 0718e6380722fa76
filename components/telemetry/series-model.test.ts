import { describe, expect, it } from "vitest";
import type { Series, SeriesPoint, TrafficSummary } from "@/lib/contract/telemetry";
import { latencyRows, markerOf, noTraffic, seriesIsQuiet, rpsRows, tileFigures, topRoutes, usedConfig, RPS_CONFIG } from "./series-model";

const p = (t: number, over: Partial<SeriesPoint> = {}): SeriesPoint => ({
  t,
  rps: 10,
  rps1xx: 0,
  rps2xx: 8,
  rps3xx: 0,
  rps4xx: 1,
  rps5xx: 1,
  latency: { p50: 2, p90: 5, p99: 12 },
  activeConnections: 3,
  overflow: 0,
  ...over,
});
const series = (points: SeriesPoint[]): Series => ({ window: "5m", stepMs: 1000, from: 0, to: 300_000, points, markers: [] });
const summary = (over: Partial<TrafficSummary["fleet"]> = {}, routes: TrafficSummary["routes"] = []): TrafficSummary => ({
  window: "5m",
  from: 0,
  to: 300_000,
  fleet: { rps: 10, errorRatio: 0.1, latency: null, activeConnections: 3, tripsLastHour: 2, ...over },
  routes,
  clusters: [],
});

describe("tileFigures", () => {
  it("shows the latest step of each figure with the window as sparkline", () => {
    const f = tileFigures(series([p(0), p(1000, { rps: 20, rps2xx: 15, rps5xx: 5, latency: null, activeConnections: 7, overflow: 4 })]), summary());
    expect(f.rps).toEqual({ now: 20, spark: [{ t: 0, v: 10 }, { t: 1000, v: 20 }] });
    expect(f.errorRatio.now).toBe(0.25);
    expect(f.errorRatio.spark[0].v).toBe(0.1);
    // no samples in the last step: no p99 rather than 0 ms
    expect(f.p99.now).toBeNull();
    expect(f.p99.spark[0].v).toBe(12);
    expect(f.activeConnections.now).toBe(7);
    expect(f.trips).toEqual({ now: 2, spark: [{ t: 0, v: 0 }, { t: 1000, v: 4 }] });
  });

  it("has nothing to show before the answers arrive, and a zero-traffic step has a 0 error ratio", () => {
    const f = tileFigures(undefined, undefined);
    expect([f.rps.now, f.errorRatio.now, f.trips.now]).toEqual([null, null, null]);
    expect(tileFigures(series([p(0, { rps: 0, rps2xx: 0, rps4xx: 0, rps5xx: 0 })]), undefined).errorRatio.now).toBe(0);
  });
});

describe("chart rows", () => {
  it("stacks requests by class, with requests no class counts as 'no response'", () => {
    expect(rpsRows([p(0, { rps: 11 })])[0]).toEqual({ t: 0, rps1xx: 0, rps2xx: 8, rps3xx: 0, rps4xx: 1, rps5xx: 1, noResponse: 1 });
    expect(usedConfig(RPS_CONFIG, rpsRows([p(0)]) as never)).toEqual({ rps2xx: RPS_CONFIG.rps2xx, rps4xx: RPS_CONFIG.rps4xx, rps5xx: RPS_CONFIG.rps5xx });
    expect(latencyRows([p(0), p(1, { latency: null })])).toEqual([
      { t: 0, p50: 2, p90: 5, p99: 12 },
      { t: 1, p50: null, p90: null, p99: null },
    ]);
  });

  it("turns version markers into links to the version's diff", () => {
    const m = markerOf({ t: 5, versionId: "v 7", number: 7, author: "ana", message: "raise timeouts", kind: "rollback" });
    expect(m).toMatchObject({ label: "v7 rollback by ana: raise timeouts", href: "/versions?diff=v%207" });
    expect(m.title[0]).toBe("v7 · rollback");
  });
});

describe("overview lists", () => {
  it("ranks routes by traffic and by errors per second", () => {
    const routes = [
      { vhost: "a", route: "r1", rps: 100, errorRatio: 0.01, latency: null },
      { vhost: "a", route: "r2", rps: 10, errorRatio: 0.5, latency: { p50: 1, p90: 2, p99: 3 } },
      { vhost: "a", route: "r3", rps: 0, errorRatio: 0, latency: null },
    ];
    const top = topRoutes(summary({}, routes));
    expect(top.byTraffic.map((r) => r.route)).toEqual(["r1", "r2"]);
    expect(top.byErrors.map((r) => [r.route, r.errorRps])).toEqual([
      ["r2", 5],
      ["r1", 1],
    ]);
    expect(top.byTraffic[1].p99).toBe(3);
  });

  it("calls a window empty only when both answers say no request came", () => {
    const quiet = series([p(0, { rps: 0, rps2xx: 0, rps4xx: 0, rps5xx: 0 })]);
    expect(noTraffic(seriesIsQuiet(quiet), summary({ rps: 0 }))).toBe(true);
    expect(noTraffic(seriesIsQuiet(series([p(0)])), summary({ rps: 0 }))).toBe(false);
    expect(noTraffic(seriesIsQuiet(quiet), summary({ rps: 0.2 }))).toBe(false);
    expect(noTraffic(undefined, summary({ rps: 0 }))).toBe(false);
  });
});
