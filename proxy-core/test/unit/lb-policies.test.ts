// Load-balancing policies on real Host objects (no sockets): LEAST_REQUEST, RANDOM, RING_HASH, ROUND_ROBIN with
// LbContext.excluded, and the health/panic layer.
import { describe, expect, it } from "vitest";
import { Host } from "../../src/upstream/host";
import { StatsStore } from "../../src/stats/store";
import { createLoadBalancer, NO_LB_CONTEXT, type LbContext } from "../../src/lb/load-balancer";
import { LeastRequestLoadBalancer } from "../../src/lb/least-request";
import { RandomLoadBalancer } from "../../src/lb/random";
import { RingHashLoadBalancer } from "../../src/lb/ring-hash";
import { RoundRobinLoadBalancer } from "../../src/lb/round-robin";
import { hash32 } from "../../src/lb/hash";
import type { Cluster } from "../../src/config/schema";

const hosts = (n: number, weights?: number[]) => Array.from({ length: n }, (_, i) => new Host(`10.0.0.${i + 1}`, 80, weights?.[i] ?? 1));
const ctx = (excluded: Host[] | null, hashKey: number | null = null): LbContext => ({ hashKey, excluded: excluded && new Set(excluded) });
function count(pick: () => Host | null, n: number) {
  const m = new Map<Host, number>();
  for (let i = 0; i < n; i++) {
    const h = pick()!;
    m.set(h, (m.get(h) ?? 0) + 1);
  }
  return m;
}

describe("LEAST_REQUEST", () => {
  it("with 2 hosts and 2 choices always picks the one with fewer active requests", () => {
    const [h1, h2] = hosts(2);
    h1.stats.rq_active = 10;
    const lb = new LeastRequestLoadBalancer([h1, h2]);
    for (let i = 0; i < 50; i++) expect(lb.chooseHost(NO_LB_CONTEXT)).toBe(h2);
  });

  it("P2C over 10 hosts never picks the busiest host", () => {
    const hs = hosts(10);
    hs.forEach((h, i) => (h.stats.rq_active = i === 0 ? 100 : 1));
    const lb = new LeastRequestLoadBalancer(hs, 2);
    // the busiest host wins a comparison against nobody
    for (let i = 0; i < 200; i++) expect(lb.chooseHost(NO_LB_CONTEXT)).not.toBe(hs[0]);
  });

  it("weighted: weight / (active + 1) decides the share", () => {
    const [a, b] = hosts(2, [3, 1]);
    const lb = new LeastRequestLoadBalancer([a, b]);
    expect(count(() => lb.chooseHost(NO_LB_CONTEXT), 400).get(a)).toBe(300);
    a.stats.rq_active = 5; // effective weight 3/6 = 0.5 vs 1
    const c = count(() => lb.chooseHost(NO_LB_CONTEXT), 300);
    expect(c.get(b)).toBe(200);
  });

  it("avoids excluded hosts while another is left", () => {
    const [h1, h2] = hosts(2);
    h2.stats.rq_active = 10;
    const lb = new LeastRequestLoadBalancer([h1, h2]);
    expect(lb.chooseHost(ctx([h1]))).toBe(h2);
    expect(lb.chooseHost(ctx([h1, h2]))).toBe(h1);
  });
});

describe("RANDOM", () => {
  it("spreads over every host and honours excluded", () => {
    const hs = hosts(3);
    const lb = new RandomLoadBalancer(hs);
    const c = count(() => lb.chooseHost(NO_LB_CONTEXT), 3000);
    for (const h of hs) expect(c.get(h)).toBeGreaterThan(800);
    for (let i = 0; i < 100; i++) expect(lb.chooseHost(ctx([hs[0], hs[1]]))).toBe(hs[2]);
    expect(new RandomLoadBalancer([]).chooseHost(NO_LB_CONTEXT)).toBeNull();
  });
});

describe("ROUND_ROBIN", () => {
  it("skips excluded hosts, equal and unequal weights", () => {
    const hs = hosts(3);
    const lb = new RoundRobinLoadBalancer(hs);
    for (let i = 0; i < 10; i++) expect(lb.chooseHost(ctx([hs[0], hs[2]]))).toBe(hs[1]);
    const w = hosts(2, [5, 1]);
    const wl = new RoundRobinLoadBalancer(w);
    for (let i = 0; i < 10; i++) expect(wl.chooseHost(ctx([w[0]]))).toBe(w[1]);
    expect(wl.chooseHost(ctx(w))).not.toBeNull();
  });
});

describe("RING_HASH", () => {
  it("ketama ring: size from minimum_ring_size and weights, stats, stable key → host", () => {
    const store = new StatsStore();
    const hs = hosts(3, [1, 1, 2]);
    const lb = new RingHashLoadBalancer(hs, { minimum_ring_size: 1024 }, store.scope("cluster.c").scope("ring_hash_lb"));
    // min normalized weight 1/4 → scale = ceil(256)/0.25 = 1024
    expect(lb.size).toBe(1024);
    expect(store.gauge("cluster.c.ring_hash_lb.size").value).toBe(1024);
    expect(store.gauge("cluster.c.ring_hash_lb.min_hashes_per_host").value).toBe(256);
    expect(store.gauge("cluster.c.ring_hash_lb.max_hashes_per_host").value).toBe(512);
    const key = hash32("user-42");
    const first = lb.chooseHost(ctx(null, key));
    for (let i = 0; i < 20; i++) expect(lb.chooseHost(ctx(null, key))).toBe(first);
    // weight 2 host gets about half of the keys
    const c = count(() => lb.chooseHost(ctx(null, hash32(`k${Math.random()}`))), 4000);
    expect(c.get(hs[2])!).toBeGreaterThan(1600);
    expect(c.get(hs[2])!).toBeLessThan(2400);
  });

  it("maximum_ring_size caps the ring; removing a host keeps most other keys in place", () => {
    const hs = hosts(4);
    expect(new RingHashLoadBalancer(hs, { minimum_ring_size: 4096, maximum_ring_size: 100 }).size).toBe(100);
    const lb = new RingHashLoadBalancer(hs, { minimum_ring_size: 256 });
    const keys = Array.from({ length: 500 }, (_, i) => hash32(`key-${i}`));
    const before = keys.map((k) => lb.chooseHost(ctx(null, k)));
    lb.setHosts(hs.slice(0, 3));
    // the remaining hosts get more ring entries each (64 → 86), which moves some keys: consistent, not exact
    const kept = keys.filter((k, i) => before[i] !== hs[3]);
    const same = kept.filter((k) => lb.chooseHost(ctx(null, k)) === before[keys.indexOf(k)]).length;
    expect(same / kept.length).toBeGreaterThan(0.6);
    for (const k of keys) expect(lb.chooseHost(ctx(null, k))).not.toBe(hs[3]);
  });

  it("no key → random host; excluded → the next host on the ring", () => {
    const hs = hosts(3);
    const lb = new RingHashLoadBalancer(hs);
    const c = count(() => lb.chooseHost(NO_LB_CONTEXT), 3000);
    expect(c.size).toBe(3);
    const key = hash32("x");
    const h = lb.chooseHost(ctx(null, key))!;
    const other = lb.chooseHost(ctx([h], key))!;
    expect(other).not.toBe(h);
    expect(lb.chooseHost(ctx(hs, key))).toBe(h);
  });
});

// Envoy docs: Panic threshold (intro/arch_overview/upstream/load_balancing/panic_threshold)
describe("health and panic", () => {
  const config = (extra: Partial<Cluster> = {}): Cluster => ({ name: "c", ...extra });

  it("picks only healthy hosts above the threshold; in panic every host and lb_healthy_panic counts", () => {
    const store = new StatsStore();
    const hs = hosts(4);
    const lb = createLoadBalancer(config(), hs, store.scope("cluster.c"));
    hs[0].failedActiveHc = true;
    lb.setHosts(hs);
    expect(lb.panic).toBe(false);
    expect(count(() => lb.chooseHost(NO_LB_CONTEXT), 30).has(hs[0])).toBe(false);
    hs[1].failedActiveHc = true;
    hs[2].failedOutlierCheck = true; // 25% healthy < 50%
    lb.setHosts(hs);
    expect(lb.panic).toBe(true);
    expect(count(() => lb.chooseHost(NO_LB_CONTEXT), 40).size).toBe(4);
    expect(store.counter("cluster.c.lb_healthy_panic").value).toBe(40);
  });

  it("threshold 0 disables panic: all unhealthy → no host", () => {
    const store = new StatsStore();
    const hs = hosts(2);
    hs.forEach((h) => (h.failedActiveHc = true));
    const lb = createLoadBalancer(config({ lb_policy: "LEAST_REQUEST", common_lb_config: { healthy_panic_threshold: { value: 0 } } }), hs, store.scope("cluster.c"));
    expect(lb.chooseHost(NO_LB_CONTEXT)).toBeNull();
    expect(store.counter("cluster.c.lb_healthy_panic").value).toBe(0);
  });
});

describe("hash32", () => {
  it("spreads keys that differ only in their last character over the whole ring", () => {
    const hs = hosts(3);
    for (let round = 0; round < 20; round++) {
      // ring positions depend on host labels: vary them like ephemeral ports do
      const set = Array.from({ length: 3 }, (_, i) => new Host("127.0.0.1", 30000 + round * 7 + i * 1013, 1));
      const lb = new RingHashLoadBalancer(set);
      const used = new Set(Array.from({ length: 12 }, (_, u) => lb.chooseHost(ctx(null, hash32(`user-${u}`)))));
      expect(used.size).toBeGreaterThan(1);
    }
    // top byte of 256 consecutive keys covers most of its range
    const top = new Set(Array.from({ length: 256 }, (_, i) => hash32(`k${i}`) >>> 24));
    expect(top.size).toBeGreaterThan(140);
    void hs;
  });
});
