// envoy.filters.network.tcp_proxy end to end (Envoy's tcp_proxy_filter.rst, source/common/tcp_proxy/tcp_proxy.cc):
// real TCP and TLS clients and echo servers on 127.0.0.1, a real ProxyServer, assertions on Envoy's stat names.
import crypto from "node:crypto";
import fs from "node:fs";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type tls from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DOWNSTREAM_TLS_TYPE, FILE_ACCESS_LOG_TYPE, HCM_TYPE, UPSTREAM_TLS_TYPE, validateBootstrap, type Cluster, type FilterChain, type Listener } from "../../src/config/index";
import { makeCertDir, selfSigned, signed, type CertSet } from "../fixtures/certs";
import { cluster, deadPort, startProxy, startTcpEcho, startUpstream, tcpExchange, tcpProxyChain, tcpProxyListener, waitFor, type Harness, type TcpEcho } from "./harness";

let certs: CertSet;
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-tcp-proxy-"));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
beforeAll(() => {
  certs = makeCertDir();
  selfSigned(certs.dir, "ca", "Test CA");
  signed(certs.dir, "front", "ca", "*.example.com");
  signed(certs.dir, "upstream", "ca", "upstream.test");
});
afterAll(() => {
  certs.cleanup();
  fs.rmSync(logDir, { recursive: true, force: true });
});

async function echo(opts: Parameters<typeof startTcpEcho>[0] = {}): Promise<TcpEcho> {
  const e = await startTcpEcho(opts);
  cleanups.push(() => e.close());
  return e;
}

async function proxy(listeners: Listener[], clusters: Cluster[]): Promise<Harness> {
  const h = await startProxy(listeners, clusters);
  cleanups.push(() => h.close());
  return h;
}

const listenerStat = (h: Harness, name: string) => h.stat(`listener.127.0.0.1_${h.port}.${name}`);

function downstreamTls(cert: string): FilterChain["transport_socket"] {
  return {
    name: "envoy.transport_sockets.tls",
    typed_config: {
      "@type": DOWNSTREAM_TLS_TYPE,
      common_tls_context: { tls_certificates: [{ certificate_chain: { filename: certs.file(`${cert}.crt`) }, private_key: { filename: certs.file(`${cert}.key`) } }] },
    },
  };
}

describe("tcp_proxy", () => {
  it("pipes a large payload both ways with backpressure and passes the client's FIN on (half-close)", async () => {
    const up = await echo({ trailer: (n) => `|upstream saw FIN after ${n} bytes` });
    const h = await proxy([tcpProxyListener("tcp", { stat_prefix: "raw", cluster: "echo" })], [cluster("echo", [up.port])]);
    const payload = crypto.randomBytes(24 * 1024 * 1024);
    // the client reads nothing for a while: every buffer on the way fills and the proxy must pause both sides
    const r = await tcpExchange(h.port, payload, { readAfterMs: 500, timeoutMs: 30_000 });
    const trailer = `|upstream saw FIN after ${payload.length} bytes`;
    expect(r.data.length).toBe(payload.length + trailer.length);
    expect(r.data.subarray(0, payload.length).equals(payload)).toBe(true);
    // bytes after the client's own FIN still arrived, then the upstream's FIN was passed back
    expect(r.data.subarray(payload.length).toString()).toBe(trailer);
    expect(r.ended).toBe(true);
    await waitFor(async () => (await h.stat("cluster.echo.upstream_cx_active")) === 0, "the upstream connection to close");
    expect(await h.stat("tcp.raw.downstream_cx_total")).toBe(1);
    expect(await h.stat("tcp.raw.downstream_cx_rx_bytes_total")).toBe(payload.length);
    expect(await h.stat("tcp.raw.downstream_cx_tx_bytes_total")).toBe(payload.length + trailer.length);
    expect(await h.stat("tcp.raw.downstream_flow_control_paused_reading_total")).toBeGreaterThan(0);
    expect(await h.stat("tcp.raw.downstream_flow_control_resumed_reading_total")).toBe(await h.stat("tcp.raw.downstream_flow_control_paused_reading_total"));
    expect(await h.stat("cluster.echo.upstream_flow_control_paused_reading_total")).toBeGreaterThan(0);
    expect(await h.stat("tcp.raw.downstream_cx_tx_bytes_buffered")).toBe(0);
    expect(await h.stat("cluster.echo.upstream_cx_total")).toBe(1);
    expect(await h.stat("cluster.echo.upstream_cx_tx_bytes_total")).toBe(payload.length);
    expect(await h.stat("cluster.echo.upstream_rq_total")).toBe(1);
    expect(await h.stat("cluster.echo.upstream_rq_active")).toBe(0);
    await waitFor(async () => (await listenerStat(h, "downstream_cx_active")) === 0, "the downstream connection to close");
  });

  it("TLS listener: terminated at the chain picked by SNI, then plaintext or re-encrypted upstream per the cluster; or passed through", async () => {
    const plain = await echo({ greeting: "plain:" });
    const alpn: (string | false | null)[] = [];
    const secure = await echo({
      greeting: "secure:",
      tls: { cert: certs.read("upstream.crt"), key: certs.read("upstream.key") },
      onSocket: (s) => alpn.push((s as tls.TLSSocket).alpnProtocol),
    });
    const l: Listener = {
      name: "tls",
      address: { socket_address: { address: "127.0.0.1", port_value: 0 } },
      filter_chains: [
        tcpProxyChain({ stat_prefix: "to_plain", cluster: "plain" }, { filter_chain_match: { server_names: ["plain.example.com"] }, transport_socket: downstreamTls("front") }),
        tcpProxyChain({ stat_prefix: "to_secure", cluster: "secure" }, { filter_chain_match: { server_names: ["secure.example.com"] }, transport_socket: downstreamTls("front") }),
        // no transport_socket: the client's TLS goes through untouched, to the upstream's own certificate
        tcpProxyChain({ stat_prefix: "passthrough", cluster: "secure_raw" }, { filter_chain_match: { server_names: ["upstream.test"] } }),
      ],
    };
    const upstreamTls = {
      name: "envoy.transport_sockets.tls" as const,
      typed_config: { "@type": UPSTREAM_TLS_TYPE, sni: "upstream.test", common_tls_context: { validation_context: { trusted_ca: { inline_string: certs.read("ca.crt") } } } },
    };
    const h = await proxy([l], [cluster("plain", [plain.port]), cluster("secure", [secure.port], { transport_socket: upstreamTls }), cluster("secure_raw", [secure.port])]);
    const client = (servername: string): tls.ConnectionOptions => ({ servername, ca: certs.read("ca.crt"), rejectUnauthorized: true });
    const a = await tcpExchange(h.port, "hello over tls", { tls: client("plain.example.com") });
    expect(a.data.toString()).toBe("plain:hello over tls");
    expect(a.ended).toBe(true);
    const b = await tcpExchange(h.port, "and back again", { tls: client("secure.example.com") });
    expect(b.data.toString()).toBe("secure:and back again");
    // the upstream TLS connection offers no ALPN: a TCP upstream is not told it speaks http/1.1
    expect(alpn).toEqual([false]);
    const c = await tcpExchange(h.port, "end to end", { tls: { servername: "upstream.test", ca: certs.read("ca.crt"), rejectUnauthorized: true } });
    expect(c.data.toString()).toBe("secure:end to end");
    expect(await h.stat("tcp.passthrough.downstream_cx_total")).toBe(1);
    expect(await listenerStat(h, "ssl.handshake")).toBe(2);
    expect(await h.stat("tcp.to_plain.downstream_cx_rx_bytes_total")).toBe("hello over tls".length);
    expect(await h.stat("tcp.to_secure.downstream_cx_total")).toBe(1);
    expect(await h.stat("cluster.secure.upstream_cx_connect_fail")).toBe(0);
  });

  it("weighted_clusters: each connection goes to one cluster, picked by weight", async () => {
    const a = await echo({ greeting: "a" });
    const b = await echo({ greeting: "b" });
    const h = await proxy(
      [tcpProxyListener("tcp", { stat_prefix: "split", weighted_clusters: { clusters: [{ name: "a", weight: 1 }, { name: "b", weight: 3 }] } })],
      [cluster("a", [a.port]), cluster("b", [b.port])],
    );
    const seen = { a: 0, b: 0 };
    for (let batch = 0; batch < 5; batch++) {
      const replies = await Promise.all(Array.from({ length: 20 }, () => tcpExchange(h.port, "")));
      for (const r of replies) seen[r.data.toString() as "a" | "b"]++;
    }
    expect(seen.a + seen.b).toBe(100);
    // 75 expected for b; the bounds are more than 4 standard deviations away
    expect(seen.b).toBeGreaterThan(55);
    expect(seen.b).toBeLessThan(95);
    expect(await h.stat("cluster.a.upstream_cx_total")).toBe(seen.a);
    expect(await h.stat("cluster.b.upstream_cx_total")).toBe(seen.b);
  });

  it("idle_timeout closes a connection with no bytes either way and counts idle_timeout", async () => {
    const up = await echo();
    const h = await proxy([tcpProxyListener("tcp", { stat_prefix: "idle", cluster: "echo", idle_timeout: "0.3s" })], [cluster("echo", [up.port])]);
    const r = await tcpExchange(h.port, "ping", { keepOpen: true });
    expect(r.data.toString()).toBe("ping");
    expect(r.lifetimeMs).toBeGreaterThanOrEqual(280);
    expect(r.lifetimeMs).toBeLessThan(5000);
    expect(await h.stat("tcp.idle.idle_timeout")).toBe(1);
    await waitFor(async () => (await h.stat("cluster.echo.upstream_cx_active")) === 0, "the upstream connection to close");
    expect(await h.stat("cluster.echo.upstream_cx_destroy_local")).toBe(1);
  });

  it("a connect failure closes the downstream connection: upstream_cx_connect_fail, then the attempts are spent", async () => {
    const dead = await deadPort();
    const h = await proxy([tcpProxyListener("tcp", { stat_prefix: "dead", cluster: "dead" })], [cluster("dead", [dead])]);
    const r = await tcpExchange(h.port, "anyone?", { keepOpen: true });
    expect(r.data.length).toBe(0);
    expect(await h.stat("cluster.dead.upstream_cx_connect_fail")).toBe(1);
    expect(await h.stat("cluster.dead.upstream_cx_connect_attempts_exceeded")).toBe(1);
    expect(await h.stat("cluster.dead.upstream_cx_active")).toBe(0);
    expect(await h.stat("cluster.dead.upstream_rq_pending_active")).toBe(0);
    expect(await h.stat("tcp.dead.downstream_cx_total")).toBe(1);
  });

  it("max_connect_attempts 2: a failed connect is tried again on the other host", async () => {
    const up = await echo();
    const dead = await deadPort();
    const h = await proxy([tcpProxyListener("tcp", { stat_prefix: "retry", cluster: "mixed", max_connect_attempts: 2 })], [cluster("mixed", [dead, up.port])]);
    for (let i = 0; i < 3; i++) {
      const r = await tcpExchange(h.port, `try ${i}`);
      expect(r.data.toString()).toBe(`try ${i}`);
    }
    // round robin starts at a random host, so the dead one is picked first once, twice or three times
    const failed = (await h.stat("cluster.mixed.upstream_cx_connect_fail"))!;
    expect(failed).toBeGreaterThanOrEqual(1);
    expect(failed).toBeLessThanOrEqual(3);
    expect(await h.stat("cluster.mixed.upstream_cx_total")).toBe(3 + failed);
    expect(await h.stat("cluster.mixed.upstream_cx_connect_attempts_exceeded")).toBe(0);
    expect(up.connections).toBe(3);
  });

  it("max_connections: a connection over the breaker is closed at once and counts upstream_cx_overflow", async () => {
    const up = await echo();
    const h = await proxy(
      [tcpProxyListener("tcp", { stat_prefix: "cb", cluster: "echo" })],
      [cluster("echo", [up.port], { circuit_breakers: { thresholds: [{ max_connections: 1 }] } })],
    );
    const held = net.connect({ host: "127.0.0.1", port: h.port });
    held.on("error", () => {});
    cleanups.push(() => void held.destroy());
    await waitFor(async () => (await h.stat("cluster.echo.upstream_cx_active")) === 1, "the first connection upstream");
    expect(await h.stat("cluster.echo.circuit_breakers.default.cx_open")).toBe(1);
    const refused = await tcpExchange(h.port, "second", { keepOpen: true });
    expect(refused.data.length).toBe(0);
    expect(await h.stat("cluster.echo.upstream_cx_overflow")).toBe(1);
    expect(up.connections).toBe(1);
    // once the first one is gone, a new connection gets through
    held.destroy();
    await waitFor(async () => (await h.stat("cluster.echo.upstream_cx_active")) === 0, "the first connection to close");
    expect(await h.stat("cluster.echo.circuit_breakers.default.cx_open")).toBe(0);
    expect((await tcpExchange(h.port, "third")).data.toString()).toBe("third");
  });

  it("max_pending_requests bounds the connections waiting to connect: over it, the attempt fails (URX once spent)", async () => {
    const up = await echo();
    const h = await proxy(
      [tcpProxyListener("tcp", { stat_prefix: "pending", cluster: "echo" })],
      [cluster("echo", [up.port], { circuit_breakers: { thresholds: [{ max_pending_requests: 0 }] } })],
    );
    const r = await tcpExchange(h.port, "x", { keepOpen: true });
    expect(r.data.length).toBe(0);
    expect(await h.stat("cluster.echo.upstream_rq_pending_overflow")).toBe(1);
    expect(await h.stat("cluster.echo.upstream_cx_connect_attempts_exceeded")).toBe(1);
    expect(await h.stat("cluster.echo.upstream_cx_total")).toBe(0);
    expect(up.connections).toBe(0);
  });

  it("one TLS listener serves an HTTP chain and a TCP chain, chosen by SNI", async () => {
    const web = await startUpstream((_req, res) => res.end("from http"));
    cleanups.push(() => web.close());
    const up = await echo({ greeting: "tcp:" });
    const httpChain: FilterChain = {
      filter_chain_match: { server_names: ["www.example.com"] },
      filters: [
        {
          name: "envoy.filters.network.http_connection_manager",
          typed_config: { "@type": HCM_TYPE, stat_prefix: "web", route_config: { virtual_hosts: [{ name: "all", domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster: "web" } }] }] } },
        },
      ],
      transport_socket: downstreamTls("front"),
    };
    const tcpChain = tcpProxyChain({ stat_prefix: "db", cluster: "echo" }, { filter_chain_match: { server_names: ["db.example.com"] }, transport_socket: downstreamTls("front") });
    const l: Listener = { name: "mixed", address: { socket_address: { address: "127.0.0.1", port_value: 0 } }, filter_chains: [httpChain, tcpChain] };
    const h = await proxy([l], [cluster("web", [web.port]), cluster("echo", [up.port])]);
    const body = await new Promise<string>((resolve, reject) => {
      const req = https.request({ host: "127.0.0.1", port: h.port, path: "/", servername: "www.example.com", ca: certs.read("ca.crt"), agent: false }, (res) => {
        let b = "";
        res.on("data", (d) => (b += d));
        res.on("end", () => resolve(b));
      });
      req.on("error", reject);
      req.end();
    });
    expect(body).toBe("from http");
    const r = await tcpExchange(h.port, "select 1", { tls: { servername: "db.example.com", ca: certs.read("ca.crt") } });
    expect(r.data.toString()).toBe("tcp:select 1");
    expect(await h.stat("http.web.downstream_rq_2xx")).toBe(1);
    expect(await h.stat("tcp.db.downstream_cx_total")).toBe(1);
  });

  it("access_log: one line per connection, written when it closes, with the connection's operators", async () => {
    const up = await echo();
    const dead = await deadPort();
    const logFile = path.join(logDir, "tcp.log");
    const defaultFile = path.join(logDir, "tcp-default.log");
    const format = "%DOWNSTREAM_REMOTE_ADDRESS% %UPSTREAM_CLUSTER% %UPSTREAM_HOST% %BYTES_RECEIVED% %BYTES_SENT% %RESPONSE_FLAGS% %UPSTREAM_REQUEST_ATTEMPT_COUNT% %CONNECTION_ID% %DURATION%\n";
    const accessLog = [
      { name: "envoy.access_loggers.file", typed_config: { "@type": FILE_ACCESS_LOG_TYPE, path: logFile, log_format: { text_format_source: { inline_string: format } } } },
      { name: "envoy.access_loggers.file", typed_config: { "@type": FILE_ACCESS_LOG_TYPE, path: defaultFile } },
    ];
    const h = await proxy(
      [tcpProxyListener("ok", { stat_prefix: "ok", cluster: "echo", access_log: accessLog }), tcpProxyListener("bad", { stat_prefix: "bad", cluster: "dead", access_log: accessLog })],
      [cluster("echo", [up.port]), cluster("dead", [dead])],
    );
    await tcpExchange(h.portOf("ok"), "hello");
    await tcpExchange(h.portOf("bad"), "", { keepOpen: true });
    await waitFor(async () => {
      await h.proxy.accessLogs.flush();
      return fs.existsSync(logFile) && fs.readFileSync(logFile, "utf8").split("\n").length === 3;
    }, "two log lines");
    const [ok, bad] = fs.readFileSync(logFile, "utf8").trim().split("\n");
    expect(ok).toMatch(new RegExp(`^127\\.0\\.0\\.1:\\d+ echo 127\\.0\\.0\\.1:${up.port} 5 5 - 1 \\d+ \\d+$`));
    expect(bad).toMatch(new RegExp(`^127\\.0\\.0\\.1:\\d+ dead 127\\.0\\.0\\.1:${dead} 0 0 UF,URX 1 \\d+ \\d+$`));
    // Envoy's default format on a connection: the HTTP parts unset, response code 0
    const [line] = fs.readFileSync(defaultFile, "utf8").trim().split("\n");
    expect(line).toMatch(new RegExp(`^\\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\] "- - -" 0 - 5 5 \\d+ - "-" "-" "-" "-" "127\\.0\\.0\\.1:${up.port}"$`));
  });

  it("a removed listener's TCP connections are closed when the drain time is over", async () => {
    const up = await echo();
    const h = await proxy([tcpProxyListener("tcp", { stat_prefix: "drain", cluster: "echo" })], [cluster("echo", [up.port])]);
    const held = tcpExchange(h.port, "still here", { keepOpen: true, timeoutMs: 10_000 });
    await waitFor(async () => (await h.stat("cluster.echo.upstream_cx_active")) === 1, "the connection upstream");
    const before = Date.now();
    await h.proxy.apply({ listeners: [], clusters: [cluster("echo", [up.port])] }, "v2");
    const r = await held;
    // startProxy's drain time is 200 ms
    expect(Date.now() - before).toBeGreaterThanOrEqual(150);
    expect(r.data.toString()).toBe("still here");
    await waitFor(async () => (await h.stat("cluster.echo.upstream_cx_active")) === 0, "the upstream connection to close");
  });
});

describe("tcp_proxy config", () => {
  const bootstrap = (filter: unknown) => ({
    static_resources: {
      listeners: [{ name: "l", address: { socket_address: { address: "127.0.0.1", port_value: 0 } }, filter_chains: [{ filters: [filter] }] }],
      clusters: [cluster("echo", [1])],
    },
  });
  const errors = (doc: unknown) => {
    const r = validateBootstrap(doc);
    return r.ok ? [] : r.errors;
  };
  const at = "static_resources.listeners[0].filter_chains[0].filters[0]";

  it("another network filter is refused with one line naming it", () => {
    const e = errors(bootstrap({ name: "envoy.filters.network.redis_proxy", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.network.redis_proxy.v3.RedisProxy", stat_prefix: "r", settings: {} } }));
    expect(e).toHaveLength(1);
    expect(e[0].path).toBe(at);
    expect(e[0].message).toMatch(/^envoy\.filters\.network\.redis_proxy is not supported by Signalbox/);
  });

  it("an unsupported tcp_proxy field is refused with one line naming its path", () => {
    const e = errors(bootstrap({ name: "tcp", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy", stat_prefix: "t", cluster: "echo", tunneling_config: { hostname: "x:443" } } }));
    expect(e).toEqual([{ path: `${at}.typed_config.tunneling_config`, message: "tunneling_config is not supported by Signalbox" }]);
  });

  it("an HTTP-only operator in a tcp_proxy access log, an unknown cluster, two filters in a chain: one line each", () => {
    const tcp = (extra: Record<string, unknown>) => ({ name: "tcp", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy", stat_prefix: "t", cluster: "echo", ...extra } });
    const log = [{ typed_config: { "@type": FILE_ACCESS_LOG_TYPE, path: "/dev/null", log_format: { text_format: "%REQ(:METHOD)% %BYTES_SENT%" } } }];
    expect(errors(bootstrap(tcp({ access_log: log })))).toEqual([
      { path: `${at}.typed_config.access_log[0].typed_config.log_format.text_format`, message: "command operator %REQ(:METHOD)% is HTTP-only: a tcp_proxy access log cannot use it" },
    ]);
    expect(errors(bootstrap(tcp({ cluster: "nope" })))).toEqual([{ path: `${at}.typed_config.cluster`, message: 'unknown cluster "nope"' }]);
    const doc = bootstrap(tcp({}));
    (doc.static_resources.listeners[0].filter_chains[0].filters as unknown[]).push(tcp({}));
    const two = errors(doc);
    expect(two).toHaveLength(1);
    expect(two[0].path).toBe(at);
    expect(two[0].message).toMatch(/exactly one network filter per filter chain/);
  });
});
