// envoy.filters.http.health_check on the chain with the admin's /healthcheck/fail and /healthcheck/ok (in one
// process and across --concurrency 2 workers): local answers (200 / 503 + LH), pass-through mode and its cache,
// cluster_min_healthy_percentages, the headers Envoy adds (x-envoy-upstream-healthchecked-cluster,
// x-envoy-immediate-health-check-fail), /ready DRAINING, health checks left out of traces and of
// not_health_check_filter access logs.
import fs from "node:fs";
import os from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { AdminServer } from "../../src/admin/server";
import { ProxyServer } from "../../src/server";
import type { Cluster } from "../../src/config/schema";
import path from "node:path";
import { adminStat, cluster, listener, request, sleep, startUpstream, waitFor, withHttpFilters, type HttpListener, type Upstream } from "./harness";
import { freePort, runCli } from "../fixtures/cli";
import { FIRST_FILTER, accessLogLines, refusals, withAccessLog } from "./filter-kit";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const TYPE = "type.googleapis.com/envoy.extensions.filters.http.health_check.v3.HealthCheck";
const HEALTHZ = [{ name: ":path", string_match: { exact: "/healthz" } }];

async function upstream(status = 200): Promise<Upstream> {
  const u = await startUpstream((req, res) => {
    res.statusCode = req.url === "/healthz" ? status : 200;
    res.end(`upstream ${req.url}`);
  });
  cleanups.push(() => u.close());
  return u;
}

/** A proxy (node.cluster "front") with the health_check filter and an admin listener. */
async function hcProxy(config: Record<string, unknown>, u: Upstream, opts: { clusters?: Cluster[]; hcm?: Record<string, unknown>; log?: boolean } = {}) {
  const l: HttpListener = withHttpFilters(listener("l", [{ match: { prefix: "/" }, route: { cluster: "c" } }]), [{ name: "envoy.filters.http.health_check", typed_config: { "@type": TYPE, ...config } }]);
  Object.assign(l.filter_chains[0].filters[0].typed_config, opts.hcm ?? {});
  const log = opts.log ? withAccessLog(l, "%REQ(:PATH)% %RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS%\n") : null;
  const proxy = new ProxyServer({ drainMs: 200, node: { id: "n1", cluster: "front" } });
  const admin = new AdminServer(proxy, { port: 0 });
  await admin.listen();
  await proxy.apply({ listeners: [l], clusters: opts.clusters ?? [cluster("c", [u.port])] }, "v1");
  cleanups.push(async () => {
    await proxy.shutdown(200);
    await admin.close();
  });
  const port = proxy.listeners.active.get("l")!.port;
  const adminPost = async (path: string) => expect((await request(admin.port, path, { method: "POST" })).status).toBe(200);
  return { proxy, admin, port, log, fail: () => adminPost("/healthcheck/fail"), ok: () => adminPost("/healthcheck/ok") };
}

describe("health check filter, answering (pass_through_mode: false)", () => {
  it("answers 200 with an empty body and x-envoy-upstream-healthchecked-cluster; other requests go upstream", async () => {
    const u = await upstream();
    const { port } = await hcProxy({ pass_through_mode: false, headers: HEALTHZ }, u);
    const r = await request(port, "/healthz");
    expect([r.status, r.body, r.headers["content-length"], r.headers["x-envoy-upstream-healthchecked-cluster"]]).toEqual([200, "", "0", "front"]);
    expect(u.seen).toHaveLength(0);
    const other = await request(port, "/app");
    expect(other.body).toBe("upstream /app");
    expect(other.headers["x-envoy-upstream-healthchecked-cluster"]).toBeUndefined();
  });

  it("after POST /healthcheck/fail: 503 with flag LH; other responses carry x-envoy-immediate-health-check-fail; /ready DRAINING; /healthcheck/ok undoes it", async () => {
    const u = await upstream();
    const { port, admin, fail, ok, proxy, log } = await hcProxy({ pass_through_mode: false, headers: HEALTHZ }, u, { log: true });
    await fail();
    const hc = await request(port, "/healthz");
    expect([hc.status, hc.body]).toEqual([503, ""]);
    // a health check's own response is not marked, as in Envoy's encodeHeaders
    expect(hc.headers["x-envoy-immediate-health-check-fail"]).toBeUndefined();
    const other = await request(port, "/app");
    expect([other.status, other.headers["x-envoy-immediate-health-check-fail"]]).toEqual([200, "true"]);
    const ready = await request(admin.port, "/ready");
    expect([ready.status, ready.body]).toEqual([503, "DRAINING\n"]);
    await ok();
    expect((await request(port, "/healthz")).status).toBe(200);
    expect((await request(port, "/app")).headers["x-envoy-immediate-health-check-fail"]).toBeUndefined();
    expect((await request(admin.port, "/ready")).body).toBe("LIVE\n");
    expect(await accessLogLines(proxy, log!, 4)).toEqual(["/healthz 503 LH health_check_failed", "/app 200 - via_upstream", "/healthz 200 - health_check_ok", "/app 200 - via_upstream"]);
  });

  it("without headers every request is a health check", async () => {
    const u = await upstream();
    const { port } = await hcProxy({ pass_through_mode: false }, u);
    expect((await request(port, "/anything", { method: "POST", body: "x".repeat(1000) })).status).toBe(200);
    expect(u.seen).toHaveLength(0);
  });

  it("cluster_min_healthy_percentages: 200 while every listed cluster is healthy enough, else 503 LH", async () => {
    const u = await upstream();
    const empty: Cluster = { name: "empty", connect_timeout: "1s", load_assignment: { cluster_name: "empty", endpoints: [] } };
    const clusters = [cluster("c", [u.port]), empty];
    const check = async (min: Record<string, number>) => {
      const { port, proxy, log } = await hcProxy({ pass_through_mode: false, headers: HEALTHZ, cluster_min_healthy_percentages: Object.fromEntries(Object.entries(min).map(([k, v]) => [k, { value: v }])) }, u, { clusters, log: true });
      const r = await request(port, "/healthz");
      return `${r.status} ${(await accessLogLines(proxy, log!, 1))[0].split(" ").slice(2).join(" ")}`;
    };
    expect(await check({ c: 100 })).toBe("200 - health_check_ok_cluster_healthy");
    expect(await check({ c: 100, empty: 0 })).toBe("200 - health_check_ok_cluster_healthy");
    expect(await check({ empty: 50 })).toBe("503 LH health_check_failed_cluster_empty");
    expect(await check({ missing: 10 })).toBe("503 LH health_check_failed_no_cluster_found");
  });
});

describe("health check filter, pass-through", () => {
  it("health checks go upstream (and are marked), until the server fails its health check", async () => {
    const u = await upstream(200);
    const { port, fail } = await hcProxy({ pass_through_mode: true, headers: HEALTHZ }, u);
    const r = await request(port, "/healthz");
    expect([r.status, r.body, r.headers["x-envoy-upstream-healthchecked-cluster"]]).toEqual([200, "upstream /healthz", "front"]);
    await fail();
    expect((await request(port, "/healthz")).status).toBe(503);
    expect(u.seen).toHaveLength(1);
  });

  it("cache_time: the upstream's answer is reused until the next cache tick", async () => {
    const u = await upstream(503);
    const { port, proxy, log } = await hcProxy({ pass_through_mode: true, headers: HEALTHZ, cache_time: "1s" }, u, { log: true });
    expect((await request(port, "/healthz")).status).toBe(503);
    expect((await request(port, "/healthz")).status).toBe(503);
    expect(u.seen).toHaveLength(1);
    // the cache's ticks count from the filter's creation, just before these requests
    await sleep(1050);
    await request(port, "/healthz");
    expect(u.seen).toHaveLength(2);
    const lines = await accessLogLines(proxy, log!, 3);
    expect(lines[1]).toBe("/healthz 503 LH health_check_cached");
  });
});

describe("health checks and observability", () => {
  it("are not traced, and not_health_check_filter leaves them out of an access log", async () => {
    const u = await upstream();
    const path = `${fs.mkdtempSync(`${os.tmpdir()}/signalbox-hc-`)}/access.log`;
    const accessLog = [
      {
        name: "envoy.access_loggers.file",
        filter: { not_health_check_filter: {} },
        typed_config: { "@type": "type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog", path, log_format: { text_format_source: { inline_string: "%REQ(:PATH)%\n" } } },
      },
    ];
    const { port, proxy } = await hcProxy({ pass_through_mode: true, headers: HEALTHZ }, u, { hcm: { tracing: {}, access_log: accessLog } });
    proxy.spans.enabled = true;
    await request(port, "/healthz");
    await request(port, "/app");
    expect(u.seen[0].headers["x-b3-sampled"]).toBe("0");
    expect(u.seen[1].headers["x-b3-sampled"]).toBe("1");
    expect(await accessLogLines(proxy, path, 1)).toEqual(["/app"]);
    const servers = (proxy.spans.take() ?? []).filter((s) => s.kind === "SERVER");
    expect(servers.map((s) => s.tags["http.url"])).toEqual([expect.stringContaining("/app")]);
  });
});

describe("health check filter, --concurrency 2", () => {
  it("the primary's /healthcheck/fail reaches every worker; /healthcheck/ok too", async () => {
    const u = await upstream();
    const [port, admin] = [await freePort(), await freePort()];
    const l = withHttpFilters(listener("l", [{ match: { prefix: "/" }, route: { cluster: "c" } }], { port }), [
      { name: "envoy.filters.http.health_check", typed_config: { "@type": TYPE, pass_through_mode: false, headers: HEALTHZ } },
    ]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-hc-")), "bootstrap.json");
    fs.writeFileSync(file, JSON.stringify({ static_resources: { listeners: [l], clusters: [cluster("c", [u.port])] } }));
    const proc = runCli(["-c", file, "--admin-address", `127.0.0.1:${admin}`, "--concurrency", "2", "--drain-time-s", "1"]);
    cleanups.push(() => proc.kill());
    const ready = async () => (await adminStat(admin, "server.concurrency").catch(() => undefined)) === 2 && (await request(port, "/healthz").then((r) => r.status === 200, () => false));
    await waitFor(ready, "two workers", 30_000);
    // new connections are spread over both workers: every one must see the state
    const statuses = async () => Promise.all(Array.from({ length: 6 }, () => request(port, "/healthz").then((r) => r.status)));
    expect((await request(admin, "/healthcheck/fail", { method: "POST" })).status).toBe(200);
    await waitFor(async () => (await statuses()).every((s) => s === 503), "503 from every worker", 10_000);
    expect((await request(admin, "/ready")).body).toBe("DRAINING\n");
    expect((await request(admin, "/healthcheck/ok", { method: "POST" })).status).toBe(200);
    await waitFor(async () => (await statuses()).every((s) => s === 200), "200 from every worker", 10_000);
  }, 60_000);
});

describe("health check filter: what a config may say", () => {
  it("requires pass_through_mode and refuses cache_time outside pass-through mode", () => {
    const l = (c: Record<string, unknown>) => withHttpFilters(listener("l", [{ match: { prefix: "/" }, route: { cluster: "c" } }]), [{ name: "envoy.filters.http.health_check", typed_config: { "@type": TYPE, ...c } }]);
    expect(refusals(l({}))).toEqual([expect.stringMatching(new RegExp(`^${FIRST_FILTER.replace(/[.[\]]/g, "\\$&")}\\.pass_through_mode: `))]);
    expect(refusals(l({ pass_through_mode: false, cache_time: "5s" }))).toEqual([`${FIRST_FILTER}.cache_time: cache_time_ms must not be set when path_through_mode is disabled`]);
  });
});
