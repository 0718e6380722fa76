import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import type { EventList, EventRow, LiveTick, Series, SeriesPoint } from "@/lib/contract";
import { queryKeys } from "./keys";
import { applyTick, mergeEvents, mergePointIntoSeries } from "./live-merge";

const point = (t: number, rps = 1): SeriesPoint => ({ t, rps, rps1xx: 0, rps2xx: rps, rps3xx: 0, rps4xx: 0, rps5xx: 0, latency: null, activeConnections: 0, overflow: 0 });
const T0 = 1_700_000_000_000;

function series5m(points: SeriesPoint[]): Series {
  const to = points.length ? points[points.length - 1].t + 1000 : T0;
  return { window: "5m", stepMs: 1000, from: to - 300_000, to, points, markers: [] };
}

const event = (id: number, ts: number, over: Partial<EventRow> = {}): EventRow => ({ id, ts, node: "local", kind: "circuit_breaker", cluster: "slow", details: {}, ...over });

describe("mergePointIntoSeries", () => {
  it("appends a newer second and moves the window so it keeps 5 minutes", () => {
    const pts = Array.from({ length: 300 }, (_, i) => point(T0 + i * 1000));
    const s = series5m(pts);
    const next = mergePointIntoSeries(s, point(T0 + 300_000, 7))!;
    expect(next.points).toHaveLength(300);
    expect(next.points[0].t).toBe(T0 + 1000);
    expect(next.points.at(-1)).toMatchObject({ t: T0 + 300_000, rps: 7 });
    expect(next.to).toBe(T0 + 301_000);
    expect(next.from).toBe(T0 + 1000);
    // the original is not mutated (react-query compares by identity)
    expect(s.points).toHaveLength(300);
  });

  it("replaces the same second and ignores an older one", () => {
    const s = series5m([point(T0), point(T0 + 1000, 1)]);
    expect(mergePointIntoSeries(s, point(T0 + 1000, 5))!.points.map((p) => p.rps)).toEqual([1, 5]);
    expect(mergePointIntoSeries(s, point(T0 - 1000, 9))).toBe(s);
  });

  it("leaves other windows and absent series alone", () => {
    const hour: Series = { ...series5m([point(T0)]), window: "1h", stepMs: 10_000 };
    expect(mergePointIntoSeries(hour, point(T0 + 10_000))).toBe(hour);
    expect(mergePointIntoSeries(undefined, point(T0))).toBeUndefined();
  });

  it("drops version markers that left the window", () => {
    const s = { ...series5m([point(T0)]), markers: [{ t: T0 - 1000, versionId: "a", number: 1, author: "x", message: "", kind: "publish" as const }] };
    expect(mergePointIntoSeries(s, point(T0 + 300_000))!.markers).toEqual([]);
  });
});

describe("mergeEvents", () => {
  const list: EventList = { events: [event(2, T0 + 2), event(1, T0 + 1)] };

  it("puts new matching events on top, once each, within the limit", () => {
    const merged = mergeEvents(list, [event(3, T0 + 3), event(2, T0 + 2), event(4, T0 + 4, { cluster: "other" })], { cluster: "slow", limit: 3 })!;
    expect(merged.events.map((e) => e.id)).toEqual([3, 2, 1]);
  });

  it("returns the same list when nothing new matches (no re-render)", () => {
    expect(mergeEvents(list, [event(9, T0, { kind: "publish" })], { kind: "circuit_breaker", limit: 10 })).toBe(list);
    expect(mergeEvents(list, [event(1, T0 + 1)], { limit: 10 })).toBe(list);
  });
});

describe("applyTick", () => {
  it("writes the tick, moves the fleet's 5-minute series, and feeds cached event lists", () => {
    const qc = new QueryClient();
    qc.setQueryData(queryKeys.series({ window: "5m" }), series5m([point(T0)]));
    const feed = { limit: 50 };
    const other = { cluster: "fast", limit: 50 };
    qc.setQueryData(queryKeys.events(feed), { events: [] });
    qc.setQueryData(queryKeys.events(other), { events: [] });
    const tick: LiveTick = { t: T0 + 1000, fleet: point(T0 + 1000, 42), nodes: {}, routes: [], clusters: [], events: [event(7, T0 + 1000)] };
    applyTick(qc, tick);
    expect(qc.getQueryData(queryKeys.liveTick())).toBe(tick);
    expect(qc.getQueryData<Series>(queryKeys.series({ window: "5m" }))!.points.map((p) => p.rps)).toEqual([1, 42]);
    expect(qc.getQueryData<EventList>(queryKeys.events(feed))!.events.map((e) => e.id)).toEqual([7]);
    expect(qc.getQueryData<EventList>(queryKeys.events(other))!.events).toEqual([]);
    // a series nobody fetched yet is not invented from one tick
    expect(qc.getQueryData(queryKeys.series({ window: "5m", node: "local" }))).toBeUndefined();
  });

  it("asks for fresh trips after a breaker event and fresh markers after a publish", () => {
    const qc = new QueryClient();
    qc.setQueryData(queryKeys.trips("1h", "slow"), { window: "1h", trips: [] });
    qc.setQueryData(queryKeys.series({ window: "1h" }), { ...series5m([]), window: "1h" });
    const tick: LiveTick = { t: T0, fleet: point(T0), nodes: {}, routes: [], clusters: [], events: [event(1, T0), event(2, T0, { kind: "publish", cluster: null })] };
    applyTick(qc, tick);
    expect(qc.getQueryState(queryKeys.trips("1h", "slow"))!.isInvalidated).toBe(true);
    expect(qc.getQueryState(queryKeys.series({ window: "1h" }))!.isInvalidated).toBe(true);
  });
});
