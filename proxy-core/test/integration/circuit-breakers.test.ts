// Cluster circuit breakers beyond the overflow replies (Envoy docs: Circuit breaking,
// intro/arch_overview/upstream/circuit_breaking; the remaining_* gauges in "Circuit breakers statistics" of
// configuration/upstream/cluster_manager/cluster_stats): track_remaining gauges, retry budgets, the retry-admission
// API the router uses, and max_retries 0 at the resource level (retries.test.ts checks the reply the client gets).
import { afterEach, describe, expect, it } from "vitest";
import { cluster, listener, request, startProxy, startUpstream, waitFor, type Harness, type Upstream } from "./harness";
import type { Cluster } from "../../src/config";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
async function proxy(clusters: Cluster[]): Promise<Harness> {
  const h = await startProxy([listener("l", [{ match: { prefix: "/" }, route: { cluster: clusters[0].name } }])], clusters);
  cleanups.push(() => h.close());
  return h;
}
async function holdingUpstream(): Promise<{ u: Upstream; release(): void }> {
  const held: (() => void)[] = [];
  const u = await startUpstream((_req, res) => held.push(() => res.end("ok")));
  cleanups.push(() => u.close());
  return { u, release: () => held.splice(0).forEach((f) => f()) };
}

describe("circuit breakers", () => {
  it("track_remaining → remaining_rq 10 idle, 7 with 3 in flight; remaining_cx/_pending/_retries too", async () => {
    const { u, release } = await holdingUpstream();
    const h = await proxy([cluster("c", [u.port], { circuit_breakers: { thresholds: [{ max_requests: 10, max_connections: 5, track_remaining: true }] } })]);
    const cb = "cluster.c.circuit_breakers.default.";
    expect(await h.stat(cb + "remaining_rq")).toBe(10);
    expect(await h.stat(cb + "remaining_cx")).toBe(5);
    expect(await h.stat(cb + "remaining_pending")).toBe(1024);
    expect(await h.stat(cb + "remaining_retries")).toBe(3);
    const inflight = [0, 1, 2].map(() => request(h.port, "/"));
    await waitFor(() => u.seen.length === 3, "3 in flight");
    expect(await h.stat(cb + "remaining_rq")).toBe(7);
    expect(await h.stat(cb + "remaining_cx")).toBe(2);
    release();
    await Promise.all(inflight);
    await waitFor(async () => (await h.stat(cb + "remaining_rq")) === 10, "back to 10");
  });

  it("without track_remaining the remaining_* gauges are absent", async () => {
    const { u } = await holdingUpstream();
    const h = await proxy([cluster("plain", [u.port], { circuit_breakers: { thresholds: [{ max_requests: 10 }] } })]);
    const body = (await request(h.admin.port, "/stats?filter=circuit_breakers")).body;
    expect(body).toContain("cluster.plain.circuit_breakers.default.rq_open: 0");
    expect(body).not.toContain("remaining");
  });

  it("retry resource: max_retries 0 refuses every retry; the default allows 3 concurrent", async () => {
    const { u } = await holdingUpstream();
    const h = await proxy([cluster("c", [u.port], { circuit_breakers: { thresholds: [{ max_retries: 0 }] } }), cluster("d", [u.port])]);
    const c = h.proxy.clusterManager!.get("c")!;
    expect(c.resources.retries.canCreate()).toBe(false);
    const d = h.proxy.clusterManager!.get("d")!.resources.retries;
    for (let i = 0; i < 3; i++) {
      expect(d.canCreate()).toBe(true);
      d.inc();
    }
    expect(d.canCreate()).toBe(false);
    expect(await h.stat("cluster.d.circuit_breakers.default.rq_retry_open")).toBe(1);
    d.dec();
    expect(await h.stat("cluster.d.circuit_breakers.default.rq_retry_open")).toBe(0);
  });

  it("route retries 3 × 5xx, cluster max_retries 0 → the upstream's own 503, upstream_rq_retry_overflow 1, no retry", async () => {
    const u = await startUpstream((_req, res) => {
      res.statusCode = 503;
      res.end("upstream says no");
    });
    cleanups.push(() => u.close());
    const h = await startProxy(
      [listener("l", [{ match: { prefix: "/" }, route: { cluster: "c", retry_policy: { retry_on: "5xx", num_retries: 3 } } }])],
      [cluster("c", [u.port], { circuit_breakers: { thresholds: [{ max_retries: 0 }] } })],
    );
    cleanups.push(() => h.close());
    const r = await request(h.port, "/");
    expect(r.status).toBe(503);
    expect(r.body).toBe("upstream says no");
    expect(r.headers["x-envoy-overloaded"]).toBeUndefined();
    expect(u.seen.length).toBe(1);
    expect(await h.stat("cluster.c.upstream_rq_retry_overflow")).toBe(1);
    expect((await h.stat("cluster.c.upstream_rq_retry")) ?? 0).toBe(0);
  });

  it("retry_budget overrides max_retries: max(min_retry_concurrency, budget_percent × (active + pending))", async () => {
    const { u, release } = await holdingUpstream();
    const h = await proxy([
      cluster("c", [u.port], { circuit_breakers: { thresholds: [{ max_retries: 0, track_remaining: true, retry_budget: { budget_percent: { value: 25 }, min_retry_concurrency: 2 } }] } }),
    ]);
    const retries = h.proxy.clusterManager!.get("c")!.resources.retries;
    // idle: the minimum concurrency applies (max_retries 0 is overridden)
    expect(retries.max).toBe(2);
    const inflight = Array.from({ length: 12 }, () => request(h.port, "/"));
    await waitFor(() => u.seen.length === 12, "12 in flight");
    expect(retries.max).toBe(3); // 25% of 12
    for (let i = 0; i < 3; i++) {
      expect(retries.canCreate()).toBe(true);
      retries.inc();
    }
    expect(retries.canCreate()).toBe(false);
    [0, 1, 2].forEach(() => retries.dec());
    // Envoy does not track remaining retries under a budget
    expect(await h.stat("cluster.c.circuit_breakers.default.remaining_retries")).toBeUndefined();
    expect(await h.stat("cluster.c.circuit_breakers.default.remaining_rq")).toBe(1012);
    release();
    await Promise.all(inflight);
  });

  it("refuses priority HIGH (no route priority) and keeps the first DEFAULT threshold", async () => {
    const { validateResources } = await import("../../src/config");
    const r = validateResources({ listeners: [], clusters: [{ name: "c", circuit_breakers: { thresholds: [{ priority: "HIGH", max_requests: 1 }] } }] });
    expect(r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`)).toEqual(["clusters[0].circuit_breakers.thresholds[0].priority: HIGH is not supported (supported: DEFAULT)"]);
    const { u } = await holdingUpstream();
    const h = await proxy([cluster("c", [u.port], { circuit_breakers: { thresholds: [{ max_requests: 7 }, { priority: "DEFAULT", max_requests: 9 }] } })]);
    expect((await request(h.admin.port, "/clusters")).body).toContain("c::default_priority::max_requests::7");
  });
});
