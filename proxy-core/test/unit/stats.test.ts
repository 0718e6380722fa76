import { describe, expect, it, vi } from "vitest";
import { EventEmitter } from "node:events";
import { StatsStore } from "../../src/stats/store";
import { renderJson, renderPrometheus, renderText } from "../../src/stats/render";
import { HistogramData } from "../../src/stats/histogram";
import { ResourceManager } from "../../src/upstream/resource-manager";
import { RoundRobinLoadBalancer } from "../../src/lb/round-robin";
import { NO_LB_CONTEXT } from "../../src/lb/load-balancer";
import { Host } from "../../src/upstream/host";

describe("stats store", () => {
  it("renders sorted Envoy text, filters by regex, JSON and Prometheus", () => {
    const s = new StatsStore();
    s.counter("http.ingress_http.downstream_rq_2xx").add(3);
    s.counter("cluster.a.upstream_rq_total").inc();
    s.gauge("cluster.a.upstream_rq_active").set(2);
    s.histogram("cluster.a.upstream_rq_time").recordMs(5);
    const text = renderText(s);
    const lines = text.trim().split("\n");
    expect(lines.slice(0, 3)).toEqual(["cluster.a.upstream_rq_active: 2", "cluster.a.upstream_rq_total: 1", "http.ingress_http.downstream_rq_2xx: 3"]);
    expect(lines[3]).toMatch(/^cluster\.a\.upstream_rq_time: P0\(/);
    expect(renderText(s, { filter: /^http\.ingress_http\.downstream_rq_2xx$/ })).toBe("http.ingress_http.downstream_rq_2xx: 3\n");
    const json = renderJson(s) as { stats: { name?: string; value?: number }[] };
    expect(json.stats).toContainEqual({ name: "cluster.a.upstream_rq_total", value: 1 });
    const prom = renderPrometheus(s);
    // Envoy's tag extraction (source/common/config/well_known_names.cc): the cluster name becomes a label
    expect(prom).toContain('# TYPE envoy_cluster_upstream_rq_total counter\nenvoy_cluster_upstream_rq_total{envoy_cluster_name="a"} 1');
    expect(prom).toContain("# TYPE envoy_cluster_upstream_rq_time histogram");
    expect(prom).toContain('envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name="a",le="+Inf"} 1');
  });

  it("flushChanged returns only what changed since the last flush", () => {
    const s = new StatsStore();
    const c = s.counter("a");
    const g = s.gauge("b");
    c.inc();
    g.set(4);
    s.histogram("h").recordMs(10);
    const first = s.flushChanged();
    expect(first.counters).toEqual({ a: 1 });
    expect(first.gauges).toEqual({ b: 4 });
    // mergeable buckets, not percentiles: one sample of 10 ms in one bucket
    expect(first.histograms.h).toMatchObject({ n: 1, s: 10_000, m: 10_000 });
    expect(first.histograms.h.b).toHaveLength(2);
    const merged = new HistogramData();
    merged.addSparse(first.histograms.h.b, first.histograms.h.n, first.histograms.h.s, first.histograms.h.m);
    merged.addSparse(first.histograms.h.b, first.histograms.h.n, first.histograms.h.s, first.histograms.h.m);
    expect(merged.count).toBe(2);
    expect(Math.abs(merged.quantileMs(0.5) - 10)).toBeLessThan(1);
    expect(s.flushChanged()).toEqual({ counters: {}, gauges: {}, histograms: {} });
    c.inc();
    expect(s.flushChanged().counters).toEqual({ a: 2 });
    // a stat created after the first flush is sent once at 0 (the console learns every stat)
    s.counter("late");
    s.gauge("late_gauge");
    expect(s.flushChanged()).toMatchObject({ counters: { late: 0 }, gauges: { late_gauge: 0 } });
    expect(s.flushChanged()).toEqual({ counters: {}, gauges: {}, histograms: {} });
  });

  it("histogram percentiles are within a bucket of the truth", () => {
    const h = new HistogramData();
    for (let i = 1; i <= 1000; i++) h.record(i * 1000); // 1..1000 ms
    const p = h.percentiles();
    expect(p.p50).toBeGreaterThan(470);
    expect(p.p50).toBeLessThan(530);
    expect(p.p99).toBeGreaterThan(950);
    expect(p.p999).toBeLessThanOrEqual(1000);
  });
});

describe("resource manager", () => {
  it("uses Envoy defaults, opens at capacity; a trip starts at the first refusal and closes once below capacity", async () => {
    vi.useFakeTimers();
    const s = new StatsStore();
    const events = new EventEmitter();
    const seen: unknown[] = [];
    events.on("circuit_breaker", (e) => seen.push(e));
    const rm = new ResourceManager("c", [{ max_pending_requests: 2 }], s.scope("cluster.c"), events);
    expect(rm.connections.max).toBe(1024);
    expect(rm.requests.max).toBe(1024);
    expect(rm.retries.max).toBe(3);
    rm.pendingRequests.inc();
    expect(rm.pendingRequests.canCreate()).toBe(true);
    rm.pendingRequests.inc();
    expect(rm.pendingRequests.canCreate()).toBe(false);
    expect(s.gauge("cluster.c.circuit_breakers.default.rq_pending_open").value).toBe(1);
    // at capacity without refusing anything: no trip (max_requests 1 is at capacity with every request)
    expect(seen).toEqual([]);
    rm.pendingRequests.refuse();
    rm.pendingRequests.refuse();
    expect(seen).toEqual([expect.objectContaining({ cluster: "c", threshold: "max_pending_requests", max: 2, state: "open", refused: 0 })]);
    rm.pendingRequests.dec();
    expect(s.gauge("cluster.c.circuit_breakers.default.rq_pending_open").value).toBe(0);
    // flapping back to capacity within the hold time keeps it one trip
    vi.advanceTimersByTime(500);
    rm.pendingRequests.inc();
    rm.pendingRequests.refuse();
    rm.pendingRequests.dec();
    vi.advanceTimersByTime(999);
    expect(seen).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual([
      expect.objectContaining({ state: "open" }),
      expect.objectContaining({ threshold: "max_pending_requests", state: "closed", refused: 3, openMs: 1500 }),
    ]);
    vi.useRealTimers();
  });
});

describe("round robin", () => {
  it("cycles equal-weight hosts and honours load_balancing_weight", () => {
    const a = new Host("10.0.0.1", 80, 1);
    const b = new Host("10.0.0.2", 80, 1);
    const lb = new RoundRobinLoadBalancer([a, b]);
    const picks = Array.from({ length: 6 }, () => lb.chooseHost(NO_LB_CONTEXT));
    expect(picks.filter((h) => h === a).length).toBe(3);
    expect(picks[0]).not.toBe(picks[1]);
    const w = new RoundRobinLoadBalancer([new Host("10.0.0.1", 80, 3), new Host("10.0.0.2", 80, 1)]);
    const counts = new Map<string, number>();
    for (let i = 0; i < 8; i++) {
      const h = w.chooseHost(NO_LB_CONTEXT)!;
      counts.set(h.address, (counts.get(h.address) ?? 0) + 1);
    }
    expect(counts.get("10.0.0.1")).toBe(6);
    expect(new RoundRobinLoadBalancer([]).chooseHost(NO_LB_CONTEXT)).toBeNull();
  });
});

describe("histogram merge (--concurrency N: the primary adds its workers' samples)", () => {
  it("two halves added through sparse() give the same quantiles as one histogram of every sample", () => {
    const all = new HistogramData();
    const a = new HistogramData();
    const b = new HistogramData();
    for (let i = 1; i <= 1000; i++) {
      const us = i * 37;
      all.record(us);
      (i % 2 ? a : b).record(us);
    }
    const merged = new HistogramData();
    for (const h of [a, b]) merged.addSparse(h.sparse(), h.count, h.sumUs, h.maxUs);
    expect(merged.count).toBe(1000);
    expect(merged.sumUs).toBe(all.sumUs);
    expect(merged.maxUs).toBe(all.maxUs);
    for (const q of [0, 0.5, 0.9, 0.99, 1]) expect(merged.quantileMs(q)).toBe(all.quantileMs(q));
  });
});
