// Cumulative counters into per-second deltas: the baseline, counters appearing later, worker restarts.
import { describe, expect, it } from "vitest";
import { classify } from "./frame";
import { counterDelta, NodeStats } from "./node-stats";

const stats = (counters: Record<string, number>, gauges: Record<string, number> = {}, histograms = {}) => ({ counters, gauges, histograms });

describe("counter deltas", () => {
  it("baseline, new counter, increase, restart", () => {
    expect(counterDelta(undefined, 500, true)).toBe(0);
    expect(counterDelta(undefined, 4, false)).toBe(4);
    expect(counterDelta(10, 17, false)).toBe(7);
    expect(counterDelta(100, 3, false)).toBe(3);
  });

  it("classifies the charted stats and nothing else", () => {
    expect(classify("http.ingress.downstream_rq_5xx")).toEqual({ scope: "d", field: 5 });
    expect(classify("http.ingress.downstream_rq_time")).toEqual({ scope: "d", field: "l" });
    expect(classify("http.ingress.downstream_cx_active")).toEqual({ scope: "d", field: "x" });
    expect(classify("cluster.a.b.upstream_rq_total")).toEqual({ scope: "c", cluster: "a.b", field: 0 });
    expect(classify("cluster.web.upstream_rq_pending_overflow")).toEqual({ scope: "c", cluster: "web", field: "o" });
    expect(classify("vhost.default.route.api_v1.upstream_rq_2xx")).toEqual({ scope: "r", vhost: "default", route: "api_v1", field: 2 });
    expect(classify("vhost.default.route.api_v1.upstream_rq_time")).toEqual({ scope: "r", vhost: "default", route: "api_v1", field: "l" });
    for (const n of ["http.ingress.downstream_rq_503", "cluster.web.upstream_rq_503", "cluster.web.upstream_cx_total", "listener.x.http.ingress.downstream_rq_2xx", "vhost.v.vcluster.c.upstream_rq_total", "server.uptime"])
      expect(classify(n), n).toBeNull();
  });
});

describe("NodeStats", () => {
  it("turns a session's reports into frames: first one a baseline, restarts counted from zero", () => {
    const s = new NodeStats();
    const f0 = s.ingest(stats({ "http.in.downstream_rq_total": 1000, "http.in.downstream_rq_2xx": 1000, "cluster.c.upstream_rq_total": 990 }, { "http.in.downstream_cx_active": 3 }));
    expect(f0.d.q).toBeUndefined();
    expect(f0.x).toBe(3);
    const f1 = s.ingest(stats({ "http.in.downstream_rq_total": 1010, "http.in.downstream_rq_2xx": 1007, "http.in.downstream_rq_5xx": 3, "cluster.c.upstream_rq_total": 1000, "cluster.c.upstream_rq_pending_overflow": 2 }));
    expect(f1.d.q).toEqual([10, 0, 7, 0, 0, 3]);
    expect(f1.c.c).toEqual({ q: [10, 0, 0, 0, 0, 0], o: 2 });
    expect(f1.x).toBe(3); // gauges keep their last value
    // the worker restarted: its counters start over
    const f2 = s.ingest(stats({ "http.in.downstream_rq_total": 4, "http.in.downstream_rq_2xx": 4 }, { "http.in.downstream_cx_active": 1 }));
    expect(f2.d.q).toEqual([4, 0, 4, 0, 0, 0]);
    expect(f2.x).toBe(1);
    expect(s.counters.get("http.in.downstream_rq_total")).toBe(4);
    expect(s.counters.get("cluster.c.upstream_rq_pending_overflow")).toBe(2);
  });

  it("counts a fresh worker's first report in full, and continues a reconnected worker's counting", () => {
    const fresh = new NodeStats("zero");
    expect(fresh.ingest(stats({ "http.in.downstream_rq_total": 5, "http.in.downstream_rq_2xx": 5 })).d.q).toEqual([5, 0, 5, 0, 0, 0]);
    const again = new NodeStats(fresh.counters);
    const f = again.ingest(stats({ "http.in.downstream_rq_total": 9, "http.in.downstream_rq_2xx": 9, "cluster.new.upstream_rq_total": 2 }));
    expect(f.d.q).toEqual([4, 0, 4, 0, 0, 0]);
    expect(f.c.new.q).toEqual([2, 0, 0, 0, 0, 0]);
  });

  it("keeps interval histograms per frame and cumulative ones for Prometheus", () => {
    const s = new NodeStats();
    const h = { b: [100, 2], n: 2, s: 2000, m: 1100 };
    const f = s.ingest(stats({}, {}, { "http.in.downstream_rq_time": h, "cluster.c.upstream_cx_connect_ms": h }));
    expect(f.d.l).toEqual(h);
    s.ingest(stats({}, {}, { "http.in.downstream_rq_time": h }));
    expect(s.histograms.get("http.in.downstream_rq_time")!.sparse()).toEqual({ b: [100, 4], n: 4, s: 4000, m: 1100 });
    expect(s.histograms.has("cluster.c.upstream_cx_connect_ms")).toBe(true);
  });
});
