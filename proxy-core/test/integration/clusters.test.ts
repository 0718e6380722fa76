// Clusters end to end: the LB policies (Envoy docs: Supported load balancers,
// intro/arch_overview/upstream/load_balancing/load_balancers), connect_timeout, and STRICT_DNS vs LOGICAL_DNS
// (Envoy docs: Service discovery, intro/arch_overview/upstream/service_discovery). Real proxy, real node:http
// upstreams.
import { afterEach, describe, expect, it } from "vitest";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { cluster, listener, request, startProxy, startUpstream, waitFor, type Harness, type Upstream } from "./harness";
import { LocalBodies } from "../../src/router/local-reply";
import { UPSTREAM_TLS_TYPE, validateResources, type Cluster } from "../../src/config";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
async function upstream(name: string, handler?: Parameters<typeof startUpstream>[0]): Promise<Upstream> {
  const u = await startUpstream(handler ?? ((req, res) => res.end(name)));
  cleanups.push(() => u.close());
  return u;
}
async function proxy(clusters: Cluster[]): Promise<Harness> {
  const h = await startProxy([listener("l", [{ match: { prefix: "/" }, route: { cluster: clusters[0].name } }])], clusters);
  cleanups.push(() => h.close());
  return h;
}
async function hostLines(h: Harness): Promise<string[]> {
  return (await request(h.admin.port, "/clusters")).body.split("\n");
}

describe("clusters", () => {
  it("ROUND_ROBIN over 3 hosts, 6 requests → rq_total::2 per host in /clusters", async () => {
    const us = [await upstream("a"), await upstream("b"), await upstream("c")];
    const h = await proxy([cluster("svc", us.map((u) => u.port))]);
    for (let i = 0; i < 6; i++) expect((await request(h.port, "/")).status).toBe(200);
    const lines = await hostLines(h);
    for (const u of us) expect(lines).toContain(`svc::127.0.0.1:${u.port}::rq_total::2`);
  });

  it("LEAST_REQUEST balances in-flight requests and sends new ones to the less busy host until equal", async () => {
    const held = { a: [] as (() => void)[], b: [] as (() => void)[] };
    const hold = (k: "a" | "b") => (_req: unknown, res: { end(s: string): void }) => held[k].push(() => res.end(k));
    const a = await upstream("a", hold("a"));
    const b = await upstream("b", hold("b"));
    const h = await proxy([cluster("svc", [a.port, b.port], { lb_policy: "LEAST_REQUEST" })]);
    const inflight: Promise<{ body: string }>[] = [];
    const send = async (n: number) => {
      const before = a.seen.length + b.seen.length;
      for (let i = 0; i < n; i++) {
        inflight.push(request(h.port, "/"));
        // one at a time, so each pick sees the previous request in flight
        await waitFor(() => a.seen.length + b.seen.length === before + i + 1, "request reached an upstream");
      }
    };
    await send(10);
    // with 2 hosts and 2 choices both hosts are compared on every pick: 5/5
    expect([a.seen.length, b.seen.length]).toEqual([5, 5]);
    // b finishes its 5: a has 5 in flight, b none → the next 5 all go to b
    held.b.splice(0).forEach((f) => f());
    await waitFor(async () => (await h.stat("cluster.svc.upstream_rq_active")) === 5, "b's requests done");
    await send(5);
    expect([a.seen.length, b.seen.length]).toEqual([5, 10]);
    held.a.splice(0).forEach((f) => f());
    held.b.splice(0).forEach((f) => f());
    expect((await Promise.all(inflight)).filter((r) => r.body === "b").length).toBe(10);
  });

  it("RANDOM reaches every host; endpoint load_balancing_weight steers ROUND_ROBIN", async () => {
    const a = await upstream("a");
    const b = await upstream("b");
    const h = await proxy([cluster("svc", [a.port, b.port], { lb_policy: "RANDOM" })]);
    const seen = new Set<string>();
    await waitFor(async () => (seen.add((await request(h.port, "/")).body), seen.size === 2), "both hosts picked");
    const w = await startProxy(
      [listener("l", [{ match: { prefix: "/" }, route: { cluster: "w" } }])],
      [
        {
          name: "w",
          load_assignment: {
            cluster_name: "w",
            endpoints: [
              {
                lb_endpoints: [
                  { endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: a.port } } }, load_balancing_weight: 3 },
                  { endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: b.port } } }, load_balancing_weight: 1 },
                ],
              },
            ],
          },
        },
      ],
    );
    cleanups.push(() => w.close());
    const bodies: string[] = [];
    for (let i = 0; i < 8; i++) bodies.push((await request(w.port, "/")).body);
    expect(bodies.filter((x) => x === "a").length).toBe(6);
  });

  it("RING_HASH builds its ring (ring_hash_lb.* stats) and serves requests without a hash key", async () => {
    const a = await upstream("a");
    const b = await upstream("b");
    const h = await proxy([cluster("svc", [a.port, b.port], { lb_policy: "RING_HASH", ring_hash_lb_config: { minimum_ring_size: 64 } })]);
    expect(await h.stat("cluster.svc.ring_hash_lb.size")).toBe(64);
    expect(await h.stat("cluster.svc.ring_hash_lb.min_hashes_per_host")).toBe(32);
    expect(await h.stat("cluster.svc.ring_hash_lb.max_hashes_per_host")).toBe(32);
    // no hash_policy on the route → a random host each time: without a hash key Envoy's chooseHost hashes a random
    // value (source/extensions/load_balancing_policies/common/thread_aware_lb_impl.cc)
    const seen = new Set<string>();
    await waitFor(async () => (seen.add((await request(h.port, "/")).body), seen.size === 2), "both hosts picked");
  });

  it("connect_timeout 0.25 s → 503 connection timeout, upstream_cx_connect_timeout and _connect_fail", async () => {
    // A TCP server that accepts and never speaks: the TLS handshake never completes, and the connect timeout
    // covers it (as in Envoy, where a TLS connection is "connected" after the handshake). Filling a listen
    // backlog is not reliable here (gVisor completes every handshake), and a blackhole IP needs a network.
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((s) => (sockets.add(s), s.on("error", () => {})));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), silent.close(() => r()))));
    const port = (silent.address() as AddressInfo).port;
    const h = await proxy([
      cluster("svc", [port], {
        connect_timeout: "0.25s",
        transport_socket: { name: "envoy.transport_sockets.tls", typed_config: { "@type": UPSTREAM_TLS_TYPE } },
      }),
    ]);
    const t0 = Date.now();
    const r = await request(h.port, "/");
    const took = Date.now() - t0;
    expect(r.status).toBe(503);
    expect(r.body).toBe(LocalBodies.connectionTimeout);
    expect(Buffer.byteLength(r.body)).toBe(91);
    expect(r.headers["content-type"]).toBe("text/plain");
    expect(r.headers["x-envoy-upstream-service-time"]).toBeUndefined();
    expect(took).toBeGreaterThanOrEqual(240);
    expect(await h.stat("cluster.svc.upstream_cx_connect_timeout")).toBe(1);
    expect(await h.stat("cluster.svc.upstream_cx_connect_fail")).toBe(1);
    expect(await h.stat("cluster.svc.upstream_rq_503")).toBe(1);
    expect(await hostLines(h)).toContain(`svc::127.0.0.1:${port}::cx_connect_fail::1`);
  });

  it("STRICT_DNS makes one host per resolved address, LOGICAL_DNS exactly one", async () => {
    const u = await upstream("dns");
    const ep = (address: string) => ({ endpoint: { address: { socket_address: { address, port_value: u.port } } } });
    // two names for 127.0.0.1 stand in for one name with two A records: STRICT_DNS makes a host per address
    // (deduplicated per endpoint), LOGICAL_DNS one host for its single endpoint
    const h = await startProxy(
      [listener("l", [{ match: { prefix: "/s" }, route: { cluster: "strict" } }, { match: { prefix: "/" }, route: { cluster: "logical" } }])],
      [
        { name: "strict", type: "STRICT_DNS", dns_lookup_family: "V4_ONLY", load_assignment: { cluster_name: "strict", endpoints: [{ lb_endpoints: [ep("localhost"), ep("127.0.0.1")] }] } },
        { name: "logical", type: "LOGICAL_DNS", dns_lookup_family: "V4_ONLY", dns_refresh_rate: "0.1s", load_assignment: { cluster_name: "logical", endpoints: [{ lb_endpoints: [ep("localhost")] }] } },
      ],
    );
    cleanups.push(() => h.close());
    expect(await h.stat("cluster.strict.membership_total")).toBe(2);
    expect(await h.stat("cluster.logical.membership_total")).toBe(1);
    expect((await request(h.port, "/l")).body).toBe("dns");
    expect((await request(h.port, "/s")).body).toBe("dns");
    // refreshes keep the same logical host (its pool and stats survive)
    await waitFor(async () => ((await h.stat("cluster.logical.update_success")) ?? 0) >= 3, "3 DNS refreshes");
    expect(await h.stat("cluster.logical.membership_total")).toBe(1);
    expect((await request(h.port, "/l")).body).toBe("dns");
    expect(await hostLines(h)).toContain(`logical::localhost:${u.port}::rq_total::2`);
  });

  it("refuses unsupported fields and values with their path", () => {
    const bad = validateResources({
      listeners: [],
      clusters: [
        { name: "a", lb_policy: "MAGLEV" },
        { name: "b", type: "LOGICAL_DNS", load_assignment: { cluster_name: "b", endpoints: [] } },
        { name: "c", least_request_lb_config: { active_request_bias: { default_value: 1 } } },
        { name: "d", circuit_breakers: { thresholds: [{ priority: "HIGH" }] } },
        { name: "e", outlier_detection: { success_rate_minimum_hosts: 3 } },
        { name: "f", health_checks: [{ timeout: "1s", interval: "1s", unhealthy_threshold: 1, healthy_threshold: 1, tcp_health_check: {} }] },
      ],
    });
    expect(bad.ok).toBe(false);
    const paths = bad.ok ? [] : bad.errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "clusters[0].lb_policy",
        "clusters[2].least_request_lb_config.active_request_bias",
        "clusters[3].circuit_breakers.thresholds[0].priority",
        "clusters[4].outlier_detection.success_rate_minimum_hosts",
        "clusters[5].health_checks[0].tcp_health_check",
        "clusters[5].health_checks[0].http_health_check",
      ]),
    );
    const logical = validateResources({ listeners: [], clusters: [{ name: "b", type: "LOGICAL_DNS", load_assignment: { cluster_name: "b", endpoints: [] } }] });
    expect(logical.ok ? [] : logical.errors.map((e) => e.path)).toEqual(["clusters[0].load_assignment"]);
  });
});

