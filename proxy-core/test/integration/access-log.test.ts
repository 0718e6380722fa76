// HCM access_log end to end (Envoy's docs: observability/access_log/usage.rst): a real proxy, real upstreams on
// 127.0.0.1, log files in a temporary directory, and the real CLI for the stdout logger. Lines are read after an
// explicit flush, except where the 1 s flush timer or the shutdown flush is what is tested.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { FILE_ACCESS_LOG_TYPE, STDOUT_ACCESS_LOG_TYPE, validateResources, type AccessLog, type Cluster, type Listener, type Route } from "../../src/config/index";
import { AccessLogEntry } from "../../src/access-log/entry";
import type { ZipkinSpan } from "../../src/protocol";
import { ProxyServer, type ProxyServerOptions } from "../../src/server";
import { burst, cluster, deadPort, listener, request, sleep, startUpstream, waitFor, type Upstream } from "./harness";
import { freePort, runCli } from "../fixtures/cli";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-access-log-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let files = 0;
const logPath = () => path.join(dir, `access-${++files}.log`);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The upstream: paths with `/slow` answer after 300 ms, `/sleep` after 2 s, `/err` with 500, `/always503` with 503,
 *  anything else with `hello world!` (12 bytes). */
async function upstream(): Promise<Upstream> {
  const u = await startUpstream((req, res) => {
    req.resume();
    const url = req.url ?? "/";
    const answer = () => (url.includes("/err") ? ((res.statusCode = 500), res.end("oops")) : res.end("hello world!"));
    req.on("end", () => {
      if (url.includes("/slow")) setTimeout(answer, 300);
      else if (url.includes("/sleep")) setTimeout(answer, 2000);
      else if (url.includes("/always503")) {
        res.statusCode = 503;
        res.end();
      } else answer();
    });
  });
  cleanups.push(() => u.close());
  return u;
}

const file = (p: string, format?: string, filter?: AccessLog["filter"]): AccessLog => ({
  name: "envoy.access_loggers.file",
  ...(filter ? { filter } : {}),
  typed_config: { "@type": FILE_ACCESS_LOG_TYPE, path: p, ...(format !== undefined ? { log_format: { text_format_source: { inline_string: format } } } : {}) },
});

function withAccessLog(l: Listener, logs: AccessLog[], extra: Record<string, unknown> = {}): Listener {
  Object.assign(l.filter_chains[0].filters[0].typed_config, { access_log: logs, ...extra });
  return l;
}

async function start(listeners: Listener[], clusters: Cluster[], opts: ProxyServerOptions = {}) {
  const proxy = new ProxyServer({ drainMs: 200, ...opts });
  await proxy.apply({ listeners, clusters }, "v1");
  cleanups.push(() => proxy.shutdown(200));
  return {
    proxy,
    port: proxy.listeners.active.get(listeners[0].name)!.port,
    stat: (name: string) => proxy.store.counter(name).value,
    gauge: (name: string) => proxy.store.gauge(name).value,
  };
}

/** Flushes until `p` holds at least `n` lines (the last stream may still be closing), then returns them. */
async function linesOf(proxy: ProxyServer, p: string, n: number): Promise<string[]> {
  const read = () => (fs.existsSync(p) ? fs.readFileSync(p, "utf8").split("\n").slice(0, -1) : []);
  await waitFor(async () => {
    await proxy.accessLogs.flush();
    return read().length >= n;
  }, `${n} lines in ${p}`);
  return read();
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
const route = (extra: Partial<Route> = {}): Route => ({ match: { prefix: "/" }, route: { cluster: "backend" }, ...extra }) as Route;

describe("access_log: Envoy's formats, written to files", () => {
  it("the default format is exactly Envoy's line; body bytes both ways; ip:port upstream host", async () => {
    const u = await upstream();
    const p = logPath();
    const { proxy, port } = await start([withAccessLog(listener("l", [route()]), [file(p)])], [cluster("backend", [u.port])]);
    expect((await request(port, "/service/1", { headers: { "user-agent": "curl/8.5.0" } })).status).toBe(200);
    expect((await request(port, "/service/2?q=1", { method: "POST", body: "hello", headers: { "user-agent": "curl/8.5.0" } })).status).toBe(200);
    const lines = await linesOf(proxy, p, 2);
    const ts = String.raw`\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\]`;
    const tail = (i: number) => `"127\\.0\\.0\\.1" "curl/8\\.5\\.0" "${escape(u.seen[i].headers["x-request-id"] as string)}" "127\\.0\\.0\\.1:${port}" "127\\.0\\.0\\.1:${u.port}"`;
    // XFF is "127.0.0.1": Signalbox appends the client address, and Envoy logs the request headers as forwarded
    expect(lines[0]).toMatch(new RegExp(`^${ts} "GET /service/1 HTTP/1\\.1" 200 - 0 12 \\d+ \\d+ ${tail(0)}$`));
    expect(lines[1]).toMatch(new RegExp(`^${ts} "POST /service/2\\?q=1 HTTP/1\\.1" 200 - 5 12 \\d+ \\d+ ${tail(1)}$`));
  });

  it("default format, no route → `404 NR 0 0 … - …` with no upstream host", async () => {
    const u = await upstream();
    const p = logPath();
    const { proxy, port } = await start([withAccessLog(listener("l", [route({ match: { prefix: "/api" } })]), [file(p)])], [cluster("backend", [u.port])]);
    expect((await request(port, "/nowhere")).status).toBe(404);
    const [line] = await linesOf(proxy, p, 1);
    expect(line).toMatch(/^\[[^\]]+\] "GET \/nowhere HTTP\/1\.1" 404 NR 0 0 \d+ - "127\.0\.0\.1" "-" "[0-9a-f-]{36}" "127\.0\.0\.1:\d+" "-"$/);
  });

  it("json_format: nested objects and lists, typed numbers, null for unset values, sorted keys, one line each", async () => {
    const u = await upstream();
    const p = logPath();
    const log: AccessLog = {
      name: "envoy.access_loggers.file",
      typed_config: {
        "@type": FILE_ACCESS_LOG_TYPE,
        path: p,
        log_format: {
          json_format: {
            status: "%RESPONSE_CODE%",
            upstream: { host: "%UPSTREAM_HOST%", cluster: "%UPSTREAM_CLUSTER%", attempts: "%UPSTREAM_REQUEST_ATTEMPT_COUNT%" },
            bytes: ["%BYTES_RECEIVED%", "%BYTES_SENT%"],
            duration_ms: "%DURATION%",
            summary: "%REQ(:METHOD)% %RESPONSE_CODE%",
            missing: "%REQ(x-not-sent)%",
            route: "%ROUTE_NAME%",
            schema: 2,
          },
        },
      },
    };
    const { proxy, port } = await start([withAccessLog(listener("l", [route({ name: "all-traffic" })]), [log])], [cluster("backend", [u.port])]);
    await request(port, "/json");
    const [line] = await linesOf(proxy, p, 1);
    const entry = JSON.parse(line);
    expect(entry).toEqual({
      status: 200,
      upstream: { host: `127.0.0.1:${u.port}`, cluster: "backend", attempts: 1 },
      bytes: [0, 12],
      duration_ms: expect.any(Number),
      summary: "GET 200",
      missing: null,
      route: "all-traffic",
      schema: 2,
    });
    expect(Object.keys(entry)).toEqual(["bytes", "duration_ms", "missing", "route", "schema", "status", "summary", "upstream"]);
  });

  it("filters: status_code, duration, response_flag, and/or pick the lines each file gets", async () => {
    const u = await upstream();
    const cmp = (op: "EQ" | "GE" | "LE", v: number) => ({ comparison: { op, value: { default_value: v, runtime_key: "access_log.min_status" } } });
    const paths = { errors: logPath(), slow: logPath(), noRoute: logPath(), flagOrSlow: logPath(), fastOk: logPath() };
    const fmt = "%REQ(:PATH)% %RESPONSE_CODE%\n";
    const logs = [
      file(paths.errors, fmt, { status_code_filter: cmp("GE", 400) }),
      file(paths.slow, fmt, { duration_filter: cmp("GE", 250) }),
      file(paths.noRoute, fmt, { response_flag_filter: { flags: ["NR"] } }),
      file(paths.flagOrSlow, fmt, { or_filter: { filters: [{ response_flag_filter: {} }, { duration_filter: cmp("GE", 250) }] } }),
      file(paths.fastOk, fmt, { and_filter: { filters: [{ status_code_filter: cmp("EQ", 200) }, { duration_filter: cmp("LE", 200) }, { not_health_check_filter: {} }] } }),
    ];
    const { proxy, port } = await start([withAccessLog(listener("l", [route({ match: { prefix: "/api" } })]), logs)], [cluster("backend", [u.port])]);
    for (const p of ["/api/ok", "/api/slow", "/api/err", "/missing"]) await request(port, p);
    await linesOf(proxy, paths.flagOrSlow, 2);
    const read = (p: string) => fs.readFileSync(p, "utf8");
    expect(read(paths.errors)).toBe("/api/err 500\n/missing 404\n");
    expect(read(paths.slow)).toBe("/api/slow 200\n");
    expect(read(paths.noRoute)).toBe("/missing 404\n");
    expect(read(paths.flagOrSlow)).toBe("/api/slow 200\n/missing 404\n");
    expect(read(paths.fastOk)).toBe("/api/ok 200\n");
  });

  it("response flags and details: UO overflow, UT timeout, UF refused, URX retries, UF,URX — the same flags tracing reports", async () => {
    const u = await upstream();
    const dead = await deadPort();
    const p = logPath();
    const fmt = "%REQ(:PATH)% %RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_FLAGS_LONG% %RESPONSE_CODE_DETAILS% %UPSTREAM_TRANSPORT_FAILURE_REASON% %UPSTREAM_REQUEST_ATTEMPT_COUNT% %TRACE_ID%\n";
    const routes = [
      route({ match: { prefix: "/full" }, route: { cluster: "full" } }),
      route({ match: { prefix: "/sleep" }, route: { cluster: "backend", timeout: "0.2s" } }),
      route({ match: { prefix: "/dead-retried" }, route: { cluster: "dead", retry_policy: { retry_on: "connect-failure", num_retries: 1, retry_back_off: { base_interval: "0.01s" } } } }),
      route({ match: { prefix: "/dead" }, route: { cluster: "dead" } }),
      route({ match: { prefix: "/always503" }, route: { cluster: "backend", retry_policy: { retry_on: "5xx", num_retries: 1, retry_back_off: { base_interval: "0.01s" } } } }),
      route({ match: { prefix: "/ok" } }),
    ];
    const l = withAccessLog(listener("l", routes), [file(p, fmt)], { tracing: {} });
    const clusters = [
      cluster("backend", [u.port]),
      cluster("full", [u.port], { circuit_breakers: { thresholds: [{ max_pending_requests: 0, max_requests: 0 }] } }),
      cluster("dead", [dead]),
    ];
    const { proxy, port } = await start([l], clusters);
    proxy.spans.enabled = true;
    const paths = ["/full", "/sleep", "/dead", "/dead-retried", "/always503", "/ok", "/nope"];
    for (const path of paths) await request(port, path);
    const lines = await linesOf(proxy, p, paths.length);
    const byPath = Object.fromEntries(lines.map((line) => [line.split(" ")[0], line]));
    const tid = "[0-9a-f]{16}";
    expect(byPath["/full"]).toMatch(new RegExp(`^/full 503 UO UpstreamOverflow upstream_reset_before_response_started\\{overflow\\} - 1 ${tid}$`));
    expect(byPath["/sleep"]).toMatch(new RegExp(`^/sleep 504 UT UpstreamRequestTimeout upstream_response_timeout - 1 ${tid}$`));
    expect(byPath["/dead"]).toMatch(
      new RegExp(`^/dead 503 UF UpstreamConnectionFailure upstream_reset_before_response_started\\{remote_connection_failure,delayed_connect_error:_Connection_refused\\} delayed_connect_error:_Connection_refused 1 ${tid}$`),
    );
    expect(byPath["/dead-retried"]).toMatch(/^\/dead-retried 503 UF,URX UpstreamConnectionFailure,UpstreamRetryLimitExceeded \S+ \S+ 2 /);
    expect(byPath["/always503"]).toMatch(new RegExp(`^/always503 503 URX UpstreamRetryLimitExceeded via_upstream - 2 ${tid}$`));
    expect(byPath["/ok"]).toMatch(new RegExp(`^/ok 200 - - via_upstream - 1 ${tid}$`));
    expect(byPath["/nope"]).toMatch(new RegExp(`^/nope 404 NR NoRouteFound route_not_found - 0 ${tid}$`));
    // the server spans carry the very same flags
    const spans = (proxy.spans.take() ?? []).filter((s: ZipkinSpan) => s.kind === "SERVER");
    const spanFlags = Object.fromEntries(spans.map((s) => [new URL(s.tags["http.url"]).pathname, s.tags.response_flags]));
    for (const line of lines) expect(spanFlags[line.split(" ")[0]]).toBe(line.split(" ")[2]);
  });

  it("a client that leaves before the response: RESPONSE_CODE 0, DC, downstream_remote_disconnect", async () => {
    const u = await upstream();
    const p = logPath();
    const fmt = "%REQ(:PATH)% %RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %BYTES_SENT%\n";
    const { proxy, port } = await start([withAccessLog(listener("l", [route()]), [file(p, fmt)])], [cluster("backend", [u.port])]);
    const req = http.request({ host: "127.0.0.1", port, path: "/slow/leaving", agent: false });
    req.on("error", () => {});
    req.end();
    await waitFor(() => u.seen.length === 1, "the request upstream");
    req.destroy();
    expect(await linesOf(proxy, p, 1)).toEqual(["/slow/leaving 0 DC downstream_remote_disconnect 0"]);
  });

  it("a swap keeps writing to the files both configs use; a file only the old config used is closed after the drain", async () => {
    const u = await upstream();
    const [a, b] = [logPath(), logPath()];
    const { proxy, port } = await start([withAccessLog(listener("l", [route()]), [file(a, "v1 %REQ(:PATH)%\n")])], [cluster("backend", [u.port])]);
    await request(port, "/one");
    await proxy.apply({ listeners: [withAccessLog(listener("l", [route()]), [file(a, "v2 %REQ(:PATH)%\n"), file(b, "v2 %REQ(:PATH)%\n")])], clusters: [cluster("backend", [u.port])] }, "v2");
    await request(port, "/two");
    await linesOf(proxy, b, 1);
    await proxy.apply({ listeners: [withAccessLog(listener("l", [route()]), [file(b, "v3 %REQ(:PATH)%\n")])], clusters: [cluster("backend", [u.port])] }, "v3");
    await sleep(300);
    await request(port, "/three");
    await linesOf(proxy, b, 2);
    expect(fs.readFileSync(a, "utf8")).toBe("v1 /one\nv2 /two\n");
    expect(fs.readFileSync(b, "utf8")).toBe("v2 /two\nv3 /three\n");
  });

  it("the 1 s flush timer writes without being asked, with Envoy's filesystem.* stats", async () => {
    const u = await upstream();
    const p = logPath();
    const { port, stat, gauge } = await start([withAccessLog(listener("l", [route()]), [file(p, "%RESPONSE_CODE%\n")])], [cluster("backend", [u.port])]);
    await request(port, "/timer");
    await sleep(100);
    expect(fs.readFileSync(p, "utf8")).toBe("");
    expect(gauge("filesystem.write_total_buffered")).toBe(4);
    await waitFor(() => fs.readFileSync(p, "utf8") === "200\n", "the timer flush", 3000);
    expect(stat("filesystem.write_buffered")).toBe(1);
    expect(stat("filesystem.flushed_by_timer")).toBe(1);
    await waitFor(() => stat("filesystem.write_completed") === 1, "write_completed");
    expect(gauge("filesystem.write_total_buffered")).toBe(0);
  });
});

describe("access_log: refusals and failures", () => {
  const A = "listeners[0].filter_chains[0].filters[0].typed_config.access_log[0]";
  const resources = (logs: unknown[]) => ({ listeners: [withAccessLog(listener("l", [route()]), logs as AccessLog[])], clusters: [cluster("backend", [1])] });
  const issues = (logs: unknown[]) => {
    const r = validateResources(resources(logs));
    return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
  };

  it("an unknown command operator and an unknown logger type are refused at load with their path", async () => {
    expect(issues([file("/tmp/x.log", "%RESPONSE_CODE% %NOT_AN_OPERATOR%\n")])).toEqual([`${A}.typed_config.log_format.text_format_source.inline_string: unknown command operator %NOT_AN_OPERATOR%`]);
    expect(issues([{ name: "envoy.access_loggers.http_grpc", typed_config: { "@type": "type.googleapis.com/envoy.extensions.access_loggers.grpc.v3.HttpGrpcAccessLogConfig" } }])).toEqual([
      `${A}.typed_config.@type: envoy.access_loggers.http_grpc is not supported (supported: envoy.access_loggers.file, envoy.access_loggers.stdout, envoy.access_loggers.stderr)`,
    ]);
    expect(issues([{ name: "x", filter: { runtime_filter: { runtime_key: "k" } }, typed_config: { "@type": STDOUT_ACCESS_LOG_TYPE } }])).toEqual([`${A}.filter.runtime_filter: runtime_filter is not supported by Signalbox`]);
    // the same refusal through a running worker, which keeps serving what it had
    const u = await upstream();
    const { proxy, port } = await start([listener("l", [route()])], [cluster("backend", [u.port])]);
    const bad = resources([{ name: "x", typed_config: { "@type": STDOUT_ACCESS_LOG_TYPE, log_format: { json_format: { a: "%UNKNOWN_THING%" } } } }]);
    await expect(proxy.apply(bad, "v2")).rejects.toThrow(`${A}.typed_config.log_format.json_format.a: unknown command operator %UNKNOWN_THING%`);
    expect((await request(port, "/")).status).toBe(200);
  });

  it("a file that cannot be opened refuses the config (Envoy: unable to open file); the old config keeps serving", async () => {
    const u = await upstream();
    const { proxy, port } = await start([listener("l", [route()])], [cluster("backend", [u.port])]);
    const missing = path.join(dir, "no-such-dir", "access.log");
    const next = { listeners: [withAccessLog(listener("l", [route()]), [file(missing)])], clusters: [cluster("backend", [u.port])] };
    await expect(proxy.apply(next, "v2")).rejects.toThrow(`listener l: stat_prefix ingress_http: access_log[0]: cannot open access log file ${missing}: ENOENT`);
    expect(proxy.version).toBe("v1");
    expect((await request(port, "/")).status).toBe(200);
  });

  it.runIf(fs.existsSync("/dev/full"))("a file whose writes fail (/dev/full) counts write_failed and dropped lines; requests are unaffected", async () => {
    const u = await upstream();
    const { proxy, port, stat } = await start([withAccessLog(listener("l", [route()]), [file("/dev/full")])], [cluster("backend", [u.port])]);
    for (let i = 0; i < 3; i++) expect((await request(port, `/full-disk/${i}`)).status).toBe(200);
    await waitFor(async () => {
      await proxy.accessLogs.flush();
      return stat("server.access_log_dropped_lines") === 3;
    }, "3 dropped lines");
    expect(stat("filesystem.write_failed")).toBeGreaterThanOrEqual(1);
    expect(stat("filesystem.write_completed")).toBe(0);
    expect((await request(port, "/still-serving")).status).toBe(200);
  });
});

describe("access log sample for the console", () => {
  it("stays empty while nobody consumes it", async () => {
    const u = await upstream();
    const { proxy, port } = await start([listener("l", [route()])], [cluster("backend", [u.port])]);
    for (let i = 0; i < 3; i++) await request(port, "/");
    expect(proxy.accessLogSample.take()).toBeNull();
    expect(proxy.accessLogSample.dropped).toBe(0);
  });

  it("keeps at most perSecond entries a second, counts the rest as dropped; entries match the protocol schema", async () => {
    const u = await upstream();
    const l = withAccessLog(listener("l", [route({ name: "r" })]), [], { tracing: {} });
    const { proxy, port } = await start([l], [cluster("backend", [u.port])], { accessLogSample: { perSecond: 5 } });
    proxy.accessLogSample.enabled = true;
    // a burst at the start of a second, so it all falls in one rate window
    await waitFor(() => Date.now() % 1000 < 100, "the start of a second");
    const replies = await burst(port, 12, (i) => `/sample/${i}`);
    expect(replies.every((r) => r.status === 200)).toBe(true);
    await sleep(50);
    const entries = proxy.accessLogSample.take()!;
    expect(entries).toHaveLength(5);
    expect(proxy.accessLogSample.dropped).toBe(7);
    for (const e of entries) {
      expect(AccessLogEntry.parse(e)).toEqual(e);
      expect(e).toMatchObject({ listener: "l", statPrefix: "ingress_http", method: "GET", protocol: "HTTP/1.1", status: 200, responseFlags: "-", responseCodeDetails: "via_upstream", bytesReceived: 0, bytesSent: 12 });
      expect(e).toMatchObject({ upstreamHost: `127.0.0.1:${u.port}`, upstreamCluster: "backend", routeName: "r", authority: `127.0.0.1:${port}` });
      expect(e.path).toMatch(/^\/sample\/\d+$/);
      expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(e.traceId).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(proxy.accessLogSample.take()).toBeNull();
  });
});

describe("stdout logger through the CLI", () => {
  it("envoy-demo's StdoutAccessLog and a file logger on /dev/stdout write to stdout; SIGTERM flushes before exit", async () => {
    const u = await upstream();
    const port = await freePort();
    const config = path.join(dir, "envoy-demo.yaml");
    fs.writeFileSync(
      config,
      `static_resources:
  listeners:
  - name: listener_0
    address: {socket_address: {address: 127.0.0.1, port_value: ${port}}}
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: ingress_http
          access_log:
          - name: envoy.access_loggers.stdout
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog
          - name: envoy.access_loggers.file
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
              path: /dev/stdout
              log_format: {text_format_source: {inline_string: "DEVSTDOUT %RESPONSE_CODE% %RESPONSE_FLAGS%\\n"}}
          http_filters:
          - name: envoy.filters.http.router
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
          route_config:
            name: local_route
            virtual_hosts:
            - name: local_service
              domains: ["*"]
              routes:
              - match: {prefix: "/"}
                route: {host_rewrite_literal: www.envoyproxy.io, cluster: service_envoyproxy_io}
  clusters:
  - name: service_envoyproxy_io
    type: STATIC
    load_assignment:
      cluster_name: service_envoyproxy_io
      endpoints:
      - lb_endpoints:
        - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${u.port}}}}
`,
    );
    const cli = runCli(["-c", config], { stdout: "pipe" });
    cleanups.push(() => cli.kill());
    await waitFor(() => /started/.test(cli.stderr()), "the CLI to start", 20_000);
    expect((await request(port, "/demo", { headers: { "user-agent": "curl/8.5.0" } })).status).toBe(200);
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
    const out = cli.stdout().split("\n");
    expect(out).toContain("DEVSTDOUT 200 -");
    const line = out.find((l) => l.startsWith("["));
    expect(line).toMatch(new RegExp(`^\\[[^\\]]+\\] "GET /demo HTTP/1\\.1" 200 - 0 12 \\d+ \\d+ "127\\.0\\.0\\.1" "curl/8\\.5\\.0" "[0-9a-f-]{36}" "www\\.envoyproxy\\.io" "127\\.0\\.0\\.1:${u.port}"$`));
  });
});
