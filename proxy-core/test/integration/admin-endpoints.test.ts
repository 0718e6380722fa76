// The admin interface (Envoy docs: Administration interface, operations/admin): /healthcheck/fail and /ready,
// /stats filters, Prometheus names and tags (as source/server/admin/prometheus_stats.cc writes them), histogram
// percentiles in text/JSON/Prometheus, /memory, /server_info, /config_dump error_state and key redaction.
import { afterEach, describe, expect, it } from "vitest";
import { cluster, listener, request, startProxy, startUpstream } from "./harness";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup() {
  const u = await startUpstream((req, res) => {
    res.statusCode = req.url === "/missing" ? 404 : 200;
    res.end("x");
  });
  cleanups.push(() => u.close());
  const h = await startProxy([listener("main", [{ match: { prefix: "/" }, route: { cluster: "svc" } }])], [cluster("svc", [u.port])]);
  cleanups.push(() => h.close());
  for (let i = 0; i < 5; i++) await request(h.port, "/ok");
  await request(h.port, "/missing");
  return { u, h, admin: h.admin.port };
}

describe("admin endpoints", () => {
  it("GET on /healthcheck/fail → 400 and no effect; POST makes /ready DRAINING (traffic still flows), /healthcheck/ok LIVE again", async () => {
    const { h, admin } = await setup();
    expect((await request(admin, "/healthcheck/fail")).status).toBe(400);
    expect(JSON.parse((await request(admin, "/server_info")).body).health_check_failed).toBe(false);
    expect((await request(admin, "/healthcheck/fail", { method: "POST" })).status).toBe(200);
    const info = JSON.parse((await request(admin, "/server_info")).body);
    expect([info.health_check_failed, info.state]).toEqual([true, "DRAINING"]);
    // Envoy's admin: Utility::serverState(Initialized, healthCheckFailed) is DRAINING, and /ready answers 503 with it
    const ready = await request(admin, "/ready");
    expect([ready.status, ready.body]).toEqual([503, "DRAINING\n"]);
    expect((await request(admin, `/stats?filter=${encodeURIComponent("^server\\.live$")}`)).body).toBe("server.live: 0\n");
    // without a health_check filter the data path is unaffected
    expect((await request(h.port, "/ok")).status).toBe(200);
    expect((await request(admin, "/healthcheck/ok", { method: "POST" })).status).toBe(200);
    expect(JSON.parse((await request(admin, "/server_info")).body).health_check_failed).toBe(false);
    const live = await request(admin, "/ready");
    expect([live.status, live.body]).toEqual([200, "LIVE\n"]); // a live server's /ready: 200 and the state name
  });

  it("/stats?filter gives exactly one line; histograms print Envoy's P0(..) .. P100(..) line", async () => {
    const { admin } = await setup();
    const one = (await request(admin, `/stats?filter=${encodeURIComponent("^http\\.ingress_http\\.downstream_rq_2xx$")}`)).body;
    expect(one).toBe("http.ingress_http.downstream_rq_2xx: 5\n");
    const text = (await request(admin, "/stats")).body;
    for (const h of ["http.ingress_http.downstream_rq_time", "cluster.svc.upstream_rq_time"]) {
      const line = text.split("\n").find((l) => l.startsWith(`${h}: `))!;
      expect(line).toMatch(/^[\w.]+: P0\([\d.na]+,[\d.]+\) P25\(.*\) P50\(.*\) P75\(.*\) P90\(.*\) P95\(.*\) P99\(.*\) P99\.5\(.*\) P99\.9\(.*\) P100\([\d.na]+,[\d.]+\)$/);
    }
    const json = JSON.parse((await request(admin, "/stats?format=json")).body);
    const hist = json.stats.find((s: { histograms?: unknown }) => s.histograms).histograms;
    expect(hist.supported_quantiles).toEqual([0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 100]);
    const rqTime = hist.computed_quantiles.find((q: { name: string }) => q.name === "http.ingress_http.downstream_rq_time");
    expect(rqTime.values).toHaveLength(10);
    expect(rqTime.values[9].cumulative).toBeGreaterThan(0);
  });

  it("/stats/prometheus: envoy_ names, TYPE lines, tags for cluster, HCM prefix, listener, response code and class, histograms", async () => {
    const { h, admin } = await setup();
    const p = (await request(admin, "/stats/prometheus")).body;
    expect(p).toContain("# TYPE envoy_cluster_upstream_rq_total counter\n");
    expect(p).toContain('envoy_cluster_upstream_rq_total{envoy_cluster_name="svc"} 6\n');
    expect(p).toContain('envoy_cluster_upstream_rq{envoy_response_code="200",envoy_cluster_name="svc"} 5\n');
    expect(p).toContain('envoy_cluster_upstream_rq{envoy_response_code="404",envoy_cluster_name="svc"} 1\n');
    expect(p).toContain('envoy_http_downstream_rq_xx{envoy_response_code_class="2",envoy_http_conn_manager_prefix="ingress_http"} 5\n');
    expect(p).toContain(`envoy_listener_downstream_cx_total{envoy_listener_address="127.0.0.1_${h.port}"} 6\n`);
    expect(p).toContain("# TYPE envoy_http_downstream_rq_time histogram\n");
    expect(p).toMatch(/envoy_http_downstream_rq_time_bucket\{envoy_http_conn_manager_prefix="ingress_http",le="\+Inf"\} 6\n/);
    expect(p).toMatch(/envoy_http_downstream_rq_time_count\{envoy_http_conn_manager_prefix="ingress_http"\} 6\n/);
    expect(p).toMatch(/envoy_cluster_upstream_rq_time_sum\{envoy_cluster_name="svc"\} [\d.]+\n/);
    // one TYPE line per family, every sample line belongs to the family above it
    const types = p.split("\n").filter((l) => l.startsWith("# TYPE "));
    expect(new Set(types.map((t) => t.split(" ")[2])).size).toBe(types.length);
    expect((await request(admin, "/stats?format=prometheus")).body).toBe(p);
  });

  it("/memory and /server_info describe the process", async () => {
    const { admin } = await setup();
    const mem = JSON.parse((await request(admin, "/memory")).body);
    expect(Number(mem.allocated)).toBeGreaterThan(0);
    expect(Number(mem.total_physical_bytes)).toBeGreaterThan(Number(mem.allocated) / 10);
    const info = JSON.parse((await request(admin, "/server_info")).body);
    expect(info.state).toBe("LIVE");
    expect(info.uptime_current_epoch).toMatch(/^\d+s$/);
    expect(info.command_line_options).toBeDefined();
    expect(info.node).toBeDefined();
  });

  it("/config_dump: error_state with details and last_update_attempt after a refused config, cleared by a good one", async () => {
    const { h, admin } = await setup();
    const good = h.proxy.resources!;
    await expect(h.proxy.apply({ ...good, clusters: [{ ...good.clusters[0], lb_policy: "MAGLEV" }] }, "v2")).rejects.toThrow();
    const dump = JSON.parse((await request(admin, "/config_dump")).body);
    expect(dump.version_info).toBe("v1");
    const listeners = dump.configs.find((c: { "@type": string }) => c["@type"].endsWith("ListenersConfigDump"));
    expect(listeners.error_state.details).toMatch(/clusters\[0\]\.lb_policy: MAGLEV/);
    expect(listeners.error_state.failed_configuration.version_info).toBe("v2");
    expect(Date.parse(listeners.error_state.last_update_attempt)).toBeGreaterThan(0);
    await h.proxy.apply(good, "v3");
    const after = JSON.parse((await request(admin, "/config_dump")).body);
    expect(after.configs.find((c: { "@type": string }) => c["@type"].endsWith("ListenersConfigDump")).error_state).toBeUndefined();
  });
});
