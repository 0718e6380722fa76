import { describe, expect, it } from "vitest";
import type { StoredSpan, TraceView } from "@/lib/contract/traces";
import { rowLabel, waterfallLayout } from "./waterfall-layout";

const span = (over: Partial<StoredSpan>): StoredSpan => ({
  traceId: "t1",
  id: "s",
  name: "op",
  kind: "CLIENT",
  timestamp: 1_000_000,
  duration: 1000,
  localEndpoint: { serviceName: "signalbox" },
  tags: {},
  node: "local",
  ...over,
});

// a request that took 10 ms: the first attempt failed with a 503 after 4 ms, the retry answered 200
const trace: TraceView = {
  traceId: "t1",
  spans: [
    span({ id: "c2", parentId: "srv", timestamp: 1_005_000, duration: 4_000, tags: { upstream_cluster: "api", "http.status_code": "200", "retry.count": "1" } }),
    span({ id: "srv", kind: "SERVER", name: "GET /v1", timestamp: 1_000_000, duration: 10_000, tags: { "http.status_code": "200", upstream_cluster: "api" } }),
    span({ id: "c1", parentId: "srv", timestamp: 1_000_500, duration: 4_000, tags: { upstream_cluster: "api", "http.status_code": "503", error: "true" } }),
  ],
};

describe("waterfallLayout", () => {
  it("puts the proxy span first and each upstream attempt beneath it in start order, on one time scale", () => {
    const w = waterfallLayout(trace);
    expect(w.durationMs).toBe(10);
    expect(w.rows.map((r) => [r.span.id, r.depth, r.attempt, r.retry])).toEqual([
      ["srv", 0, null, false],
      ["c1", 1, 1, false],
      ["c2", 1, 2, true],
    ]);
    expect(w.rows.map((r) => [r.left, r.width])).toEqual([
      [0, 100],
      [5, 40],
      [50, 40],
    ]);
    expect(w.rows[1]).toMatchObject({ offsetMs: 0.5, durationMs: 4, status: "503", error: true, cluster: "api" });
    expect(w.rows[2].error).toBe(false);
    expect(w.rows.map(rowLabel)).toEqual(["GET /v1 (proxy)", "attempt 1 → api", "retry 2 → api"]);
  });

  it("treats a span whose parent is outside the trace as a root (the caller's span)", () => {
    const w = waterfallLayout({ traceId: "t", spans: [span({ id: "a", kind: "SERVER", parentId: "caller" }), span({ id: "b", parentId: "a", timestamp: 1_000_100, duration: 500 })] });
    expect(w.rows.map((r) => [r.span.id, r.depth])).toEqual([
      ["a", 0],
      ["b", 1],
    ]);
  });

  it("copes with an empty trace and a span that names itself as parent", () => {
    expect(waterfallLayout({ traceId: "t", spans: [] }).rows).toEqual([]);
    expect(waterfallLayout({ traceId: "t", spans: [span({ id: "x", parentId: "x" })] }).rows).toHaveLength(1);
  });
});
