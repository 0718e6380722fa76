// The stats Envoy's dashboards and alerts query, checked by name through the admin /stats and /stats/prometheus
// after real traffic on 127.0.0.1: per listener HTTP counters, connection bytes, destroy local/remote, connect
// and length histograms, route stats (stat_prefix), membership and pool breaker gauges, certificate expiry,
// server.* gauges; `promtool check metrics` on the live output; and the merge of a --concurrency 2 primary.
import { afterEach, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { DOWNSTREAM_TLS_TYPE, type HttpConnectionManager, type Listener, type Route } from "../../src/config/schema";
import { adminStat, cluster, listener, request, startProxy, startUpstream, waitFor, type Harness } from "./harness";
import { makeCertDir, selfSigned } from "../fixtures/certs";
import { freePort, runCli } from "../fixtures/cli";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const hcmOf = (l: Listener) => l.filter_chains[0].filters[0].typed_config as HttpConnectionManager;
const escape = (s: string) => s.replace(/[.[\]]/g, "\\$&");

async function proxy(listeners: Listener[], clusters: ReturnType<typeof cluster>[]): Promise<Harness> {
  const h = await startProxy(listeners, clusters);
  cleanups.push(() => h.close());
  return h;
}

/** An upstream: /big answers 20000 bytes and closes (connection: close), /then-close answers and then closes
 *  the idle connection itself, /partial dies mid-body, /flaky fails its first attempt, /slow takes 1 s. */
async function upstream() {
  const seen = new Map<string, number>();
  const u = await startUpstream((req, res) => {
    const n = (seen.get(req.url!) ?? 0) + 1;
    seen.set(req.url!, n);
    req.resume();
    req.on("end", () => {
      if (req.url === "/big") return void res.writeHead(200, { connection: "close" }).end("x".repeat(20_000));
      if (req.url === "/then-close") {
        res.end("ok");
        return void res.on("finish", () => setTimeout(() => req.socket.destroy(), 50));
      }
      if (req.url === "/partial") {
        res.writeHead(200, { "content-length": "100" }).write("abc");
        return void setTimeout(() => req.socket.destroy(), 30);
      }
      if (req.url === "/flaky" && n === 1) return void res.writeHead(503).end();
      if (req.url === "/slow") return void setTimeout(() => res.end("late"), 1000);
      res.end("ok");
    });
  });
  cleanups.push(() => u.close());
  return u;
}

const routeTo = (prefix: string, extra: Partial<Route> = {}): Route => ({ match: { prefix }, route: { cluster: "svc" }, ...extra }) as Route;

describe("Envoy stats parity", () => {
  it("per listener HTTP counters, connection bytes, destroy local/remote, connect_ms, membership and pool gauges", async () => {
    const u = await upstream();
    const h = await proxy([listener("main", [routeTo("/")], { statPrefix: "ing" })], [cluster("svc", [u.port], { circuit_breakers: { thresholds: [{ track_remaining: true }] } })]);
    const L = `listener.127.0.0.1_${h.port}`;
    // a keep-alive client that goes away: the peer closed first
    const agent = new http.Agent({ keepAlive: true });
    expect((await request(h.port, "/", { agent })).status).toBe(200);
    agent.destroy();
    // the same upstream connection again, closed by us after its `connection: close`
    const body = "y".repeat(10_000);
    expect((await request(h.port, "/big", { method: "POST", body })).body).toHaveLength(20_000);
    // a new upstream connection, which the upstream closes once idle
    expect((await request(h.port, "/then-close")).status).toBe(200);
    await waitFor(async () => (await h.stat("http.ing.downstream_cx_destroy")) === 3, "3 downstream connections closed");

    expect(await h.stat(`${L}.http.ing.downstream_rq_2xx`)).toBe(3);
    expect(await h.stat(`${L}.http.ing.downstream_rq_completed`)).toBe(3);
    expect(await h.stat(`${L}.downstream_cx_destroy`)).toBe(3);
    expect(await h.stat("http.ing.downstream_cx_destroy_remote")).toBe(1);
    expect(await h.stat("http.ing.downstream_cx_destroy_local")).toBe(2);
    // bytes: the payloads plus at most one set of headers each way per connection
    const rx = (await h.stat("http.ing.downstream_cx_rx_bytes_total"))!;
    const tx = (await h.stat("http.ing.downstream_cx_tx_bytes_total"))!;
    expect(rx).toBeGreaterThan(10_000);
    expect(rx).toBeLessThan(10_000 + 3 * 400);
    expect(tx).toBeGreaterThan(20_000);
    expect(tx).toBeLessThan(20_000 + 3 * 400);
    // upstream: the first connection closed by us, the second by the upstream
    await waitFor(async () => (await h.stat("cluster.svc.upstream_cx_destroy")) === 2, "2 upstream connections closed");
    expect(await h.stat("cluster.svc.upstream_cx_destroy_local")).toBe(1);
    expect(await h.stat("cluster.svc.upstream_cx_destroy_remote")).toBe(1);
    expect((await h.stat("cluster.svc.upstream_cx_tx_bytes_total"))!).toBeGreaterThan(10_000);
    expect((await h.stat("cluster.svc.upstream_cx_rx_bytes_total"))!).toBeGreaterThan(20_000);
    expect((await h.stat("cluster.svc.upstream_cx_rx_bytes_total"))!).toBeLessThan(20_000 + 3 * 400);
    expect(await h.stat("cluster.svc.upstream_rq_completed")).toBe(3);
    expect(await h.stat("cluster.svc.membership_degraded")).toBe(0);
    expect(await h.stat("cluster.svc.membership_excluded")).toBe(0);
    expect(await h.stat("cluster.svc.circuit_breakers.default.cx_pool_open")).toBe(0);
    expect(await h.stat("cluster.svc.circuit_breakers.default.remaining_cx_pools")).toBeGreaterThan(1e19);

    const text = (await request(h.admin.port, "/stats")).body;
    for (const hist of ["cluster.svc.upstream_cx_connect_ms", "cluster.svc.upstream_cx_length_ms", `${L}.downstream_cx_length_ms`, "http.ing.downstream_cx_length_ms"]) {
      expect(text).toMatch(new RegExp(`^${escape(hist)}: P0\\(`, "m"));
    }
    const prom = (await request(h.admin.port, "/stats/prometheus")).body;
    const addr = `envoy_listener_address="127.0.0.1_${h.port}"`;
    expect(prom).toContain(`envoy_listener_http_downstream_rq_xx{envoy_response_code_class="2",envoy_http_conn_manager_prefix="ing",${addr}} 3\n`);
    expect(prom).toContain(`envoy_listener_downstream_cx_destroy{${addr}} 3\n`);
    expect(prom).toContain(`envoy_http_downstream_cx_rx_bytes_total{envoy_http_conn_manager_prefix="ing"} ${rx}\n`);
    expect(prom).toContain('envoy_cluster_upstream_cx_connect_ms_count{envoy_cluster_name="svc"} 2\n');
    expect(prom).toContain('envoy_cluster_upstream_cx_destroy_remote{envoy_cluster_name="svc"} 1\n');
    expect(prom).toContain('envoy_cluster_membership_excluded{envoy_cluster_name="svc"} 0\n');
    expect(prom).toContain('envoy_cluster_circuit_breakers_default_cx_pool_open{envoy_cluster_name="svc"} 0\n');
    // ?usedonly and ?filter apply to /stats/prometheus too
    const filtered = (await request(h.admin.port, `/stats/prometheus?usedonly&filter=${encodeURIComponent("^cluster\\.svc\\.upstream_cx_destroy")}`)).body;
    expect(filtered.split("\n").filter((l) => l && !l.startsWith("#"))).toHaveLength(3);
  });

  it("route stats only for routes with stat_prefix: totals, codes, completed, time, retries, timeouts; a listener's stat_prefix", async () => {
    const u = await upstream();
    const retry = { retry_on: "5xx", num_retries: 2 };
    const routes = [
      routeTo("/api", { stat_prefix: "api" }),
      { match: { prefix: "/flaky" }, route: { cluster: "svc", retry_policy: retry }, stat_prefix: "flaky" } as Route,
      { match: { prefix: "/slow" }, route: { cluster: "svc", timeout: "0.2s" }, stat_prefix: "slow" } as Route,
      routeTo("/"),
    ];
    const l = listener("main", routes, { statPrefix: "ing" });
    l.stat_prefix = "edge";
    const h = await proxy([l], [cluster("svc", [u.port])]);
    for (const p of ["/api", "/api", "/flaky", "/slow", "/plain"]) await request(h.port, p);
    // the listener's stat_prefix replaces its address in its stat names
    expect(await h.stat("listener.edge.http.ing.downstream_rq_2xx")).toBe(4);
    expect(await h.stat("listener.edge.http.ing.downstream_rq_5xx")).toBe(1);
    expect(await h.stat("listener.edge.downstream_cx_total")).toBe(5);
    const R = "vhost.all.route";
    expect(await h.stat(`${R}.api.upstream_rq_total`)).toBe(2);
    expect(await h.stat(`${R}.api.upstream_rq_200`)).toBe(2);
    expect(await h.stat(`${R}.api.upstream_rq_2xx`)).toBe(2);
    expect(await h.stat(`${R}.api.upstream_rq_completed`)).toBe(2);
    // the 503 was retried, not answered: the route counts the final response and both attempts
    expect(await h.stat(`${R}.flaky.upstream_rq_total`)).toBe(2);
    expect(await h.stat(`${R}.flaky.upstream_rq_retry`)).toBe(1);
    expect(await h.stat(`${R}.flaky.upstream_rq_retry_success`)).toBe(1);
    expect(await h.stat(`${R}.flaky.upstream_rq_200`)).toBe(1);
    expect(await h.stat(`${R}.flaky.upstream_rq_503`)).toBeUndefined();
    expect(await h.stat(`${R}.slow.upstream_rq_timeout`)).toBe(1);
    expect(await h.stat(`${R}.slow.upstream_rq_504`)).toBe(1);
    // a route without stat_prefix has none (as Envoy)
    const vhostStats = (await request(h.admin.port, `/stats?filter=${encodeURIComponent("^vhost\\.")}`)).body.trim().split("\n");
    expect(vhostStats.every((l) => /^vhost\.all\.route\.(api|flaky|slow)\./.test(l))).toBe(true);
    expect(vhostStats.find((l) => l.startsWith(`${R}.api.upstream_rq_time: P0(`))).toBeDefined();
    const prom = (await request(h.admin.port, "/stats/prometheus")).body;
    expect(prom).toContain('envoy_vhost_route_upstream_rq{envoy_response_code="200",envoy_virtual_host="all",envoy_route="api"} 2\n');
    expect(prom).toContain('envoy_vhost_route_upstream_rq_total{envoy_virtual_host="all",envoy_route="flaky"} 2\n');
    expect(prom).toContain('envoy_vhost_route_upstream_rq_time_count{envoy_virtual_host="all",envoy_route="api"} 2\n');
    expect(prom).toContain('envoy_listener_http_downstream_rq_xx{envoy_response_code_class="5",envoy_http_conn_manager_prefix="ing",envoy_listener_address="edge"} 1\n');
  });

  it("the HCM's idle timeout and the router's downstream resets are counted", async () => {
    const u = await upstream();
    const l = listener("main", [routeTo("/")], { statPrefix: "ing" });
    hcmOf(l).common_http_protocol_options = { idle_timeout: "0.3s" };
    const h = await proxy([l], [cluster("svc", [u.port])]);
    const agent = new http.Agent({ keepAlive: true });
    cleanups.push(() => agent.destroy());
    expect((await request(h.port, "/", { agent })).status).toBe(200);
    // node closes an idle keep-alive connection at idle_timeout + 1 s
    await waitFor(async () => (await h.stat("http.ing.downstream_cx_idle_timeout")) === 1, "the idle timeout");
    expect(await h.stat("http.ing.downstream_cx_destroy_local")).toBe(1);
    await request(h.port, "/partial").catch(() => null);
    await waitFor(async () => (await h.stat("http.ing.downstream_rq_tx_reset")) === 1, "downstream_rq_tx_reset");
  });

  it("server.* gauges: refreshed by the admin's timer, uptime grows", async () => {
    const h = await proxy([listener("main", [routeTo("/")])], [cluster("svc", [1])]);
    const first = (await h.stat("server.uptime"))!;
    expect(first).toBeGreaterThanOrEqual(0);
    await waitFor(async () => (await h.stat("server.uptime"))! > first, "server.uptime to grow");
    expect(await h.stat("server.live")).toBe(1);
    expect(await h.stat("server.state")).toBe(0);
    for (const g of ["memory_allocated", "memory_heap_size", "memory_physical_size"]) expect(await h.stat(`server.${g}`)).toBeGreaterThan(1_000_000);
    const prom = (await request(h.admin.port, "/stats/prometheus")).body;
    expect(prom).toMatch(/^# TYPE envoy_server_uptime gauge\nenvoy_server_uptime \d+$/m);
    expect(prom).toMatch(/^envoy_server_memory_allocated \d+$/m);
  });

  it("TLS listener: certificate expiry gauges named as Envoy names them, handshake stats; promtool accepts the output", async () => {
    const certs = makeCertDir();
    cleanups.push(() => certs.cleanup());
    selfSigned(certs.dir, "srv", "localhost");
    const u = await upstream();
    const pem = certs.read("srv.crt");
    const tlsListener = (name: string, certificate_chain: object, private_key: object, extra: object = {}): Listener => {
      const l = listener(name, [routeTo("/", { stat_prefix: "all" })], { statPrefix: name });
      l.filter_chains[0].transport_socket = {
        name: "envoy.transport_sockets.tls",
        typed_config: { "@type": DOWNSTREAM_TLS_TYPE, common_tls_context: { tls_certificates: [{ certificate_chain, private_key }], ...extra } },
      } as never;
      return l;
    };
    const files = tlsListener("files", { filename: certs.file("srv.crt") }, { filename: certs.file("srv.key") }, { validation_context: { trusted_ca: { filename: certs.file("srv.crt") } } });
    const inline = tlsListener("inline", { inline_string: pem }, { inline_string: certs.read("srv.key") });
    const h = await proxy([files, inline], [cluster("svc", [u.port])]);
    const expires = Math.floor(Date.parse(new crypto.X509Certificate(pem).validTo) / 1000);
    const [F, I] = [`listener.127.0.0.1_${h.portOf("files")}`, `listener.127.0.0.1_${h.portOf("inline")}`];
    // a file's certificate hashes no inline data: Envoy names it unnamed_cert_ + sha256("")[0..8]
    expect(await h.stat(`${F}.ssl.certificate.unnamed_cert_e3b0c442.expiration_unix_time_seconds`)).toBe(expires);
    expect(await h.stat(`${F}.ssl.certificate.unnamed_ca_cert_e3b0c442.expiration_unix_time_seconds`)).toBe(expires);
    const inlineName = `unnamed_cert_${crypto.createHash("sha256").update(pem).digest("hex").slice(0, 8)}`;
    expect(await h.stat(`${I}.ssl.certificate.${inlineName}.expiration_unix_time_seconds`)).toBe(expires);

    const status = await new Promise<number>((resolve, reject) => {
      https.get({ host: "127.0.0.1", port: h.portOf("files"), path: "/", rejectUnauthorized: false, agent: false }, (res) => (res.resume(), resolve(res.statusCode!))).on("error", reject);
    });
    expect(status).toBe(200);
    expect(await h.stat(`${F}.ssl.handshake`)).toBe(1);
    expect(await h.stat(`${F}.ssl.no_certificate`)).toBe(1);
    expect(await h.stat(`${F}.ssl.versions.TLSv1.3`)).toBe(1);
    const prom = (await request(h.admin.port, "/stats/prometheus")).body;
    expect(prom).toContain(
      `envoy_listener_ssl_certificate_expiration_unix_time_seconds{envoy_tls_certificate="unnamed_cert_e3b0c442",envoy_listener_address="127.0.0.1_${h.portOf("files")}"} ${expires}\n`,
    );
    expect(prom).toContain(`envoy_listener_ssl_versions{envoy_ssl_version="TLSv1.3",envoy_listener_address="127.0.0.1_${h.portOf("files")}"} 1\n`);

    // Prometheus's own linter on the live output: exit 0, or 3 for lint-only findings (e.g. naming advice)
    const check = spawnSync("promtool", ["check", "metrics"], { input: prom, encoding: "utf8" });
    if (check.error && (check.error as NodeJS.ErrnoException).code === "ENOENT") return void console.warn("promtool not installed: skipped");
    expect([0, 3], `promtool: ${check.stdout}${check.stderr}`).toContain(check.status);
  });

  it("--concurrency 2: the primary's /stats merges the workers' new stats", async () => {
    const u = await upstream();
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "proxy-core-stats-parity-"));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, "c.yaml");
    const doc = {
      admin: { address: { socket_address: { address: "127.0.0.1", port_value: 0 } } },
      static_resources: { listeners: [listener("main", [routeTo("/", { stat_prefix: "all" })], { port, statPrefix: "ing" })], clusters: [cluster("svc", [u.port])] },
    };
    fs.writeFileSync(file, stringify(doc));
    const p = runCli(["-c", file, "--concurrency", "2"]);
    cleanups.push(() => p.kill());
    await waitFor(() => /started from .*admin 127\.0\.0\.1:\d+/.test(p.stderr()), "the primary to start", 30_000);
    const admin = Number(/admin 127\.0\.0\.1:(\d+)/.exec(p.stderr())![1]);
    // fresh connections: round-robin accept spreads them over both workers
    for (let i = 0; i < 10; i++) expect((await request(port, "/")).status).toBe(200);
    const L = `listener.127.0.0.1_${port}`;
    await waitFor(async () => (await adminStat(admin, `${L}.http.ing.downstream_rq_2xx`)) === 10, "merged per listener 2xx", 15_000);
    await waitFor(async () => (await adminStat(admin, `${L}.downstream_cx_destroy`)) === 10, "merged listener destroys", 15_000);
    expect(await adminStat(admin, "vhost.all.route.all.upstream_rq_total")).toBe(10);
    expect((await adminStat(admin, "http.ing.downstream_cx_rx_bytes_total"))!).toBeGreaterThan(10 * 40);
    // one host per worker's copy of the cluster: the merge takes the largest, not the sum
    expect(await adminStat(admin, "cluster.svc.membership_total")).toBe(1);
    expect(await adminStat(admin, "server.concurrency")).toBe(2);
    expect((await adminStat(admin, "server.memory_allocated"))!).toBeGreaterThan(1_000_000);
    expect(await adminStat(admin, "server.live")).toBe(1);
    const prom = (await request(admin, "/stats/prometheus")).body;
    expect(prom).toContain(`envoy_listener_http_downstream_rq_xx{envoy_response_code_class="2",envoy_http_conn_manager_prefix="ing",envoy_listener_address="127.0.0.1_${port}"} 10\n`);
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
  });
});
