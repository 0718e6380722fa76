// Active health checking, outlier detection and the panic threshold end to end (Envoy docs: Health checking,
// Outlier detection and Panic threshold: intro/arch_overview/upstream/health_checking, .../upstream/outlier,
// .../upstream/load_balancing/panic_threshold): real proxy + admin, real node:http upstreams answering the checks.
import { afterEach, describe, expect, it } from "vitest";
import type http from "node:http";
import { cluster, listener, request, startProxy, startUpstream, waitFor, type Harness, type Upstream } from "./harness";
import { LocalBodies } from "../../src/router/local-reply";
import type { Cluster, HealthCheck } from "../../src/config";
import type { HealthFlipEvent, OutlierEjectionEvent } from "../../src/upstream/events";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** An upstream whose /healthz answers `state.hc` (a status, or "reset" to drop the connection). */
async function upstream(name: string, state: { hc: number | "reset"; hcSeen: http.IncomingMessage[] }): Promise<Upstream> {
  const u = await startUpstream((req, res) => {
    if (req.url === "/healthz") {
      state.hcSeen.push(req);
      if (state.hc === "reset") return void req.socket.destroy();
      res.statusCode = state.hc;
      return void res.end("hc");
    }
    res.end(name);
  });
  cleanups.push(() => u.close());
  return u;
}
async function proxy(clusters: Cluster[]): Promise<Harness> {
  const h = await startProxy([listener("l", [{ match: { prefix: "/" }, route: { cluster: clusters[0].name } }])], clusters);
  cleanups.push(() => h.close());
  return h;
}
const hc = (extra: Partial<HealthCheck> = {}): HealthCheck => ({
  timeout: "1s",
  interval: "0.1s",
  no_traffic_interval: "0.1s",
  unhealthy_threshold: 3,
  healthy_threshold: 2,
  http_health_check: { path: "/healthz" },
  ...extra,
});
const state = (hcStatus: number | "reset" = 200) => ({ hc: hcStatus, hcSeen: [] as http.IncomingMessage[] });
async function clustersText(h: Harness) {
  return (await request(h.admin.port, "/clusters")).body.split("\n");
}

describe("active health checking", () => {
  it("an unexpected status fails a host after 1 check; network failures need unhealthy_threshold; healthy_threshold to return", async () => {
    const s = state(200);
    const u = await upstream("u", s);
    const h = await proxy([cluster("svc", [u.port], { health_checks: [hc()] })]);
    const store = h.proxy.store;
    const flips: (HealthFlipEvent & { failures: number; networkFailures: number })[] = [];
    h.proxy.events.on("health_flip", (e: HealthFlipEvent) =>
      flips.push({ ...e, failures: store.counter("cluster.svc.health_check.failure").value, networkFailures: store.counter("cluster.svc.health_check.network_failure").value }),
    );
    // warming waited for the first check: a new host is healthy after its first success
    expect(await h.stat("cluster.svc.membership_healthy")).toBe(1);
    expect(await h.stat("cluster.svc.health_check.healthy")).toBe(1);
    expect(await h.stat("cluster.svc.health_check.success")).toBeGreaterThanOrEqual(1);
    expect(s.hcSeen[0].headers["user-agent"]).toBe("Envoy/HC");
    expect(s.hcSeen[0].headers.host).toBe("svc");
    expect(await clustersText(h)).toContain(`svc::127.0.0.1:${u.port}::health_flags::healthy`);

    // 503 is not an expected status: unhealthy at once despite unhealthy_threshold 3
    const f0 = store.counter("cluster.svc.health_check.failure").value;
    s.hc = 503;
    await waitFor(() => flips.length === 1, "unhealthy flip");
    expect(flips[0]).toMatchObject({ cluster: "svc", host: `127.0.0.1:${u.port}`, healthy: false });
    expect(flips[0].failures - f0).toBe(1);
    expect(await h.stat("cluster.svc.membership_healthy")).toBe(0);
    expect(await h.stat("cluster.svc.health_check.healthy")).toBe(0);
    expect(await clustersText(h)).toContain(`svc::127.0.0.1:${u.port}::health_flags::/failed_active_hc`);

    // healthy_threshold 2: two consecutive successes bring it back
    const ok0 = store.counter("cluster.svc.health_check.success").value;
    s.hc = 200;
    await waitFor(() => flips.length === 2, "healthy flip");
    expect(flips[1].healthy).toBe(true);
    expect(store.counter("cluster.svc.health_check.success").value - ok0).toBeGreaterThanOrEqual(2);

    // network failures count toward unhealthy_threshold 3
    const n0 = store.counter("cluster.svc.health_check.network_failure").value;
    s.hc = "reset";
    await waitFor(() => flips.length === 3, "unhealthy flip after network failures");
    expect(flips[2].healthy).toBe(false);
    expect(flips[2].networkFailures - n0).toBe(3);
    expect(await h.stat("cluster.svc.health_check.attempt")).toBeGreaterThanOrEqual(store.counter("cluster.svc.health_check.success").value + flips[2].failures);
  });

  it("expected_statuses ranges, host and request_headers_to_add; a timeout is a network failure", async () => {
    const s = state(204);
    const u = await upstream("u", s);
    const h = await proxy([
      cluster("svc", [u.port], {
        health_checks: [hc({ timeout: "0.2s", unhealthy_threshold: 1, http_health_check: { path: "/healthz", host: "hc.example", expected_statuses: [{ start: 200, end: 205 }], request_headers_to_add: [{ header: { key: "x-hc", value: "1" } }] } })],
      }),
    ]);
    expect(await h.stat("cluster.svc.membership_healthy")).toBe(1);
    expect(s.hcSeen[0].headers.host).toBe("hc.example");
    expect(s.hcSeen[0].headers["x-hc"]).toBe("1");
    // the upstream stops answering /healthz: the 0.2s timeout counts as a network failure
    u.server.removeAllListeners("request");
    u.server.on("request", () => {});
    await waitFor(async () => (await h.stat("cluster.svc.membership_healthy")) === 0, "timeout fails the host");
    expect(await h.stat("cluster.svc.health_check.network_failure")).toBeGreaterThanOrEqual(1);
  });

  it("3 of 4 hosts failing → panic, traffic to all 4 (lb_healthy_panic); threshold 0 → only the healthy one; all failing → 503 no healthy upstream", async () => {
    const states = [state(200), state(503), state(503), state(503)];
    const us = await Promise.all(states.map((s, i) => upstream(`h${i}`, s)));
    const ports = us.map((u) => u.port);
    const h = await proxy([cluster("panic", ports, { health_checks: [hc()] })]);
    expect(await h.stat("cluster.panic.membership_healthy")).toBe(1);
    const seen = new Set<string>();
    await waitFor(async () => (seen.add((await request(h.port, "/")).body), seen.size === 4), "all 4 hosts get traffic in panic");
    expect(await h.stat("cluster.panic.lb_healthy_panic")).toBeGreaterThanOrEqual(4);

    const h0 = await proxy([cluster("strict", ports, { health_checks: [hc()], common_lb_config: { healthy_panic_threshold: { value: 0 } } })]);
    for (let i = 0; i < 8; i++) expect((await request(h0.port, "/")).body).toBe("h0");
    expect(await h0.stat("cluster.strict.lb_healthy_panic")).toBe(0);

    states[0].hc = 503;
    await waitFor(async () => (await h0.stat("cluster.strict.membership_healthy")) === 0, "all hosts failing");
    const r = await request(h0.port, "/");
    expect(r.status).toBe(503);
    expect(r.body).toBe(LocalBodies.noHealthyUpstream);
    expect(r.headers["content-type"]).toBe("text/plain");
    expect(await h0.stat("cluster.strict.upstream_cx_none_healthy")).toBe(1);
  });

  it("health checks stop when the cluster is removed or replaced by a config swap", async () => {
    const s = state(200);
    const u = await upstream("u", s);
    const other = await upstream("other", state(200));
    const h = await proxy([cluster("svc", [u.port], { health_checks: [hc()] })]);
    await waitFor(() => s.hcSeen.length >= 3, "checks running");
    // replaced (config changed): the old checker stops, the new one checks
    await h.proxy.apply({ listeners: [listener("l", [{ match: { prefix: "/" }, route: { cluster: "svc" } }])], clusters: [cluster("svc", [u.port], { health_checks: [hc({ interval: "0.2s", no_traffic_interval: "0.2s" })] })] }, "v2");
    const oldChecker = h.proxy.clusterManager!.get("svc")!.healthChecker;
    expect(oldChecker).not.toBeNull();
    // removed: no health check reaches the upstream any more
    await h.proxy.apply({ listeners: [listener("l", [{ match: { prefix: "/" }, route: { cluster: "other" } }])], clusters: [cluster("other", [other.port])] }, "v3");
    await new Promise((r) => setTimeout(r, 150)); // a check already on the wire may still land
    const n = s.hcSeen.length;
    await new Promise((r) => setTimeout(r, 800)); // 4+ intervals
    expect(s.hcSeen.length).toBe(n);
    await new Promise<void>((r) => u.server.getConnections((_e, c) => (expect(c).toBe(0), r())));
  });
});

describe("outlier detection", () => {
  // the router reports every attempt's result to Cluster.reportResult() (router/router-request.ts)
  async function attempt(h: Harness, _name: string) {
    return request(h.port, "/");
  }
  async function hosts(statuses: number[]) {
    const us: Upstream[] = [];
    for (const [i, st] of statuses.entries()) {
      const u: Upstream = await startUpstream((_req, res) => {
        res.writeHead(st, { "x-port": String(u.port) });
        res.end(`h${i + 1}`);
      });
      cleanups.push(() => u.close());
      us.push(u);
    }
    return us;
  }

  it("consecutive_5xx 3 ejects h1, traffic goes to h2, /clusters flags it; it returns after base_ejection_time × count", async () => {
    const [h1, h2] = await hosts([500, 200]);
    const h = await proxy([
      cluster("service", [h1.port, h2.port], { outlier_detection: { consecutive_5xx: 3, base_ejection_time: "0.5s", max_ejection_percent: 100, interval: "0.1s" } }),
    ]);
    const events: OutlierEjectionEvent[] = [];
    h.proxy.events.on("outlier_ejection", (e: OutlierEjectionEvent) => events.push(e));
    await waitFor(async () => (await attempt(h, "service"), events.length === 1), "ejection");
    expect(h1.seen.length).toBe(3);
    expect(events[0]).toMatchObject({ cluster: "service", host: `127.0.0.1:${h1.port}`, ejected: true, type: "consecutive_5xx", durationMs: 500 });
    const od = "cluster.service.outlier_detection.";
    expect(await h.stat(od + "ejections_enforced_consecutive_5xx")).toBe(1);
    expect(await h.stat(od + "ejections_detected_consecutive_5xx")).toBe(1);
    expect(await h.stat(od + "ejections_enforced_total")).toBe(1);
    expect(await h.stat(od + "ejections_active")).toBe(1);
    expect(await h.stat("cluster.service.membership_healthy")).toBe(1);
    expect(await clustersText(h)).toContain(`service::127.0.0.1:${h1.port}::health_flags::/failed_outlier_check`);
    // 1 of 2 healthy = 50%, not below the panic threshold: only h2
    const n1 = h1.seen.length;
    for (let i = 0; i < 6; i++) expect((await request(h.port, "/")).body).toBe("h2");
    expect(h1.seen.length).toBe(n1);
    // back after 0.5 s (the interval sweep), then a second ejection lasts 2 × base
    await waitFor(() => events.length === 2, "return");
    expect(events[1]).toMatchObject({ ejected: false, type: "timeout" });
    expect(await h.stat(od + "ejections_active")).toBe(0);
    expect(await clustersText(h)).toContain(`service::127.0.0.1:${h1.port}::health_flags::healthy`);
    await waitFor(async () => (await attempt(h, "service"), events.length === 3), "second ejection");
    expect(events[2]).toMatchObject({ ejected: true, durationMs: 1000 });
  });

  it("max_ejection_percent: one host may always be ejected, the next detection overflows", async () => {
    const [h1, h2] = await hosts([500, 500]);
    const h = await proxy([cluster("service", [h1.port, h2.port], { outlier_detection: { consecutive_5xx: 2, max_ejection_percent: 10 } })]);
    const od = "cluster.service.outlier_detection.";
    // 10 % of 2 hosts is less than one host, yet the first ejection goes through. Envoy's DetectorImpl::ejectHost
    // (source/common/upstream/outlier_detection_impl.cc) long compared the share already ejected (0 %) with
    // max_ejection_percent, so the first ejection always passed; releases that count the host being ejected keep
    // that allowance only under always_eject_one_host (config/cluster/v3/outlier_detection.proto).
    await waitFor(async () => (await attempt(h, "service"), (await h.stat(od + "ejections_active")) === 1), "one ejection");
    await waitFor(async () => (await attempt(h, "service"), ((await h.stat(od + "ejections_overflow")) ?? 0) >= 1), "overflow");
    expect(await h.stat(od + "ejections_active")).toBe(1);
    expect(await h.stat(od + "ejections_enforced_total")).toBe(1);
  });

  it("consecutive_gateway_failure alone is detected but not enforced (enforcing defaults to 0)", async () => {
    const [h1] = await hosts([503]);
    const h = await proxy([cluster("service", [h1.port], { outlier_detection: { consecutive_gateway_failure: 2 } })]);
    for (let i = 0; i < 2; i++) expect((await attempt(h, "service")).status).toBe(503);
    const od = "cluster.service.outlier_detection.";
    expect(await h.stat(od + "ejections_detected_consecutive_gateway_failure")).toBe(1);
    expect(await h.stat(od + "ejections_enforced_consecutive_gateway_failure")).toBe(0);
    expect(await h.stat(od + "ejections_enforced_total")).toBe(0);
    expect(await h.stat(od + "ejections_active")).toBe(0);
    expect(await clustersText(h)).toContain(`service::127.0.0.1:${h1.port}::health_flags::healthy`);
    // a local-origin failure (0) counts as a gateway failure too; a success resets the streak
    const c = h.proxy.clusterManager!.get("service")!;
    c.reportResult(c.hosts[0], 200);
    c.reportResult(c.hosts[0], 0);
    c.reportResult(c.hosts[0], 0);
    expect(await h.stat(od + "ejections_detected_consecutive_gateway_failure")).toBe(2);
  });

  it("a successful active health check returns an ejected host", async () => {
    const s = { hc: 200 as number | "reset", hcSeen: [] as http.IncomingMessage[] };
    const u = await upstream("u", s);
    const h = await proxy([cluster("service", [u.port], { health_checks: [hc({ interval: "0.2s", no_traffic_interval: "0.2s" })], outlier_detection: { consecutive_5xx: 1, base_ejection_time: "60s" } })]);
    const c = h.proxy.clusterManager!.get("service")!;
    c.reportResult(c.hosts[0], 500);
    expect(c.hosts[0].healthFlags).toBe("/failed_outlier_check");
    await waitFor(() => c.hosts[0].healthy, "un-ejected by the health check");
    expect(await h.stat("cluster.service.outlier_detection.ejections_active")).toBe(0);
  });
});
