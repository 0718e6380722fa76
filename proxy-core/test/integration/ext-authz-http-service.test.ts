// ext_authz with an http_service (ext_authz_http_impl.cc): what the authorization request carries (the original
// method and path behind path_prefix, the allowed headers and no others, the body when asked), what an allowed
// answer changes upstream and downstream, how a denial reaches the client, errors, timeouts and
// failure_mode_allow, the authorization cluster's circuit breaker, per-route settings, and the stats.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ProxyServer } from "../../src/server";
import { cluster, listener, request, startUpstream, waitFor, withHttpFilters, type Upstream } from "./harness";
import { startHttpAuthz, type HttpAuthz } from "./ext-authz-servers";

const EXT_AUTHZ = "type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz";
const PER_ROUTE = "type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute";
const FILE_LOG = "type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Backend extends Upstream {
  got: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[];
}

async function backend(): Promise<Backend> {
  const got: Backend["got"] = [];
  const u = await startUpstream((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      got.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.setHeader("x-from-backend", "1");
      res.end(`backend ${body.length}`);
    });
  });
  cleanups.push(() => u.close());
  return Object.assign(u, { got });
}

async function authz(answer: Parameters<typeof startHttpAuthz>[0]): Promise<HttpAuthz> {
  const a = await startHttpAuthz(answer);
  cleanups.push(() => a.close());
  return a;
}

const ok = (_req: http.IncomingMessage, res: http.ServerResponse) => res.end();

/** A proxy with one ext_authz filter (http_service to cluster "authz") in front of cluster "backend". */
async function proxy(a: Upstream, b: Upstream, filter: Record<string, unknown> = {}, opts: { routes?: Record<string, unknown>[]; authzCluster?: Record<string, unknown>; log?: string } = {}) {
  const routes = opts.routes ?? [{ match: { prefix: "/" }, route: { cluster: "backend" } }];
  const { http_service, ...rest } = filter;
  const service = { server_uri: { uri: "http://authz", cluster: "authz", timeout: "1s" }, ...(http_service as object | undefined) };
  const l = withHttpFilters(listener("l", routes as never), [{ name: "envoy.filters.http.ext_authz", typed_config: { "@type": EXT_AUTHZ, http_service: service, ...rest } }]);
  if (opts.log !== undefined)
    Object.assign(l.filter_chains[0].filters[0].typed_config, {
      access_log: [{ name: "envoy.access_loggers.file", typed_config: { "@type": FILE_LOG, path: opts.log, log_format: { text_format_source: { inline_string: "%RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS%\n" } } } }],
    });
  const p = new ProxyServer({ drainMs: 200 });
  await p.apply({ listeners: [l], clusters: [cluster("backend", [b.port]), cluster("authz", [a.port], opts.authzCluster ?? {})] }, "v1");
  cleanups.push(() => p.shutdown(200));
  return { port: p.listeners.active.get("l")!.port, stat: (n: string) => p.store.counter(n).value, proxy: p };
}

describe("ext_authz http_service: the authorization request", () => {
  // (undici leaves Content-Length: 0 out for methods without a payload, GET or DELETE, as RFC 9110 §8.6 advises)
  it("has the original method and path behind path_prefix, the allowed headers and only those, Content-Length 0", async () => {
    const a = await authz(ok);
    const b = await backend();
    const { port } = await proxy(a, b, {
      http_service: { path_prefix: "/check", authorization_request: { headers_to_add: [{ key: "x-added", value: "by-filter" }, { key: "x-allowed", value: "overwritten" }] } },
      allowed_headers: { patterns: [{ exact: "x-allowed" }, { prefix: "x-pass-" }] },
    });
    const r = await request(port, "/orders/7?full=1", {
      method: "PUT",
      headers: { authorization: "Bearer t", "x-allowed": "yes", "x-pass-one": "1", "x-secret": "no", cookie: "c=1" },
    });
    expect(r.status).toBe(200);
    const c = a.checks[0];
    expect(c.method).toBe("PUT");
    expect(c.path).toBe("/check/orders/7?full=1");
    const names = Object.keys(c.headers).sort();
    expect(names).toEqual(["authorization", "content-length", "host", "x-added", "x-allowed", "x-pass-one"].concat(names.includes("connection") ? ["connection"] : []).sort());
    expect(c.headers).toMatchObject({ host: `127.0.0.1:${port}`, authorization: "Bearer t", "content-length": "0", "x-pass-one": "1", "x-added": "by-filter", "x-allowed": "overwritten" });
    expect(c.body).toBe("");
    // the upstream gets the request as the client sent it
    expect(b.got[0]).toMatchObject({ method: "PUT", url: "/orders/7?full=1" });
    expect(b.got[0].headers["x-secret"]).toBe("no");
  });

  it("with_request_body: the body and its length; past max_request_bytes 413 without a check", async () => {
    const a = await authz(ok);
    const b = await backend();
    const { port, stat } = await proxy(a, b, { with_request_body: { max_request_bytes: 10 } });
    const r = await request(port, "/up", { method: "POST", body: "0123456789" });
    expect(r.status).toBe(200);
    expect(a.checks[0]).toMatchObject({ body: "0123456789", headers: { "content-length": "10", "x-envoy-auth-partial-body": "false" } });
    expect(b.got[0].body).toBe("0123456789");
    const big = await request(port, "/up", { method: "POST", body: "0123456789A" });
    expect(big.status).toBe(413);
    expect(big.body).toBe("Payload Too Large");
    expect(a.checks).toHaveLength(1);
    expect(stat("http.ingress_http.downstream_rq_too_large")).toBe(1);
  });

  it("with allow_partial_message the check gets the first max_request_bytes and the upstream the whole body", async () => {
    const a = await authz(ok);
    const b = await backend();
    const { port } = await proxy(a, b, { with_request_body: { max_request_bytes: 4, allow_partial_message: true } });
    const body = "x".repeat(100_000);
    const r = await request(port, "/up", { method: "POST", body });
    expect(r.status).toBe(200);
    expect(a.checks[0]).toMatchObject({ body: "xxxx", headers: { "content-length": "4", "x-envoy-auth-partial-body": "true" } });
    expect(b.got[0].body).toBe(body);
  });
});

describe("ext_authz http_service: the answer", () => {
  it("200: allowed_upstream_headers overwrite, _to_append add, x-envoy-auth-headers-to-remove drops; _on_success reach the client", async () => {
    const a = await authz((_req, res) => {
      res.setHeader("x-current-user", "john");
      res.setHeader("x-append", "from-authz");
      res.setHeader("x-unlisted", "no");
      res.setHeader("x-on-success", "welcome");
      res.setHeader("x-envoy-auth-headers-to-remove", "x-drop, x-drop-too");
      res.end("ignored body");
    });
    const b = await backend();
    const { port, stat } = await proxy(a, b, {
      http_service: {
        authorization_response: {
          allowed_upstream_headers: { patterns: [{ exact: "x-current-user" }] },
          allowed_upstream_headers_to_append: { patterns: [{ exact: "x-append" }] },
          allowed_client_headers_on_success: { patterns: [{ exact: "x-on-success" }] },
        },
      },
    });
    const r = await request(port, "/", { headers: { "x-current-user": "spoofed", "x-append": "client", "x-drop": "1", "x-drop-too": "2" } });
    expect(r.status).toBe(200);
    expect(r.headers["x-on-success"]).toBe("welcome");
    expect(r.headers["x-from-backend"]).toBe("1");
    const h = b.got[0].headers;
    expect(h["x-current-user"]).toBe("john");
    expect(h["x-append"]).toBe("client, from-authz");
    expect(h["x-unlisted"]).toBeUndefined();
    expect(h["x-drop"]).toBeUndefined();
    expect(h["x-drop-too"]).toBeUndefined();
    expect(stat("http.ingress_http.ext_authz.ok")).toBe(1);
    expect(stat("cluster.backend.ext_authz.ok")).toBe(1);
  });

  it("a denial passes the service's status, headers and body to the client, flagged UAEX; the upstream is not contacted", async () => {
    const a = await authz((_req, res) => {
      res.writeHead(401, { "www-authenticate": "Bearer", "content-type": "application/json", "x-reason": "expired", "set-cookie": ["a=1", "b=2"] });
      res.end('{"error":"nope"}');
    });
    const b = await backend();
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ext-authz-")), "access.log");
    const { port, stat, proxy: p } = await proxy(a, b, {}, { log });
    const r = await request(port, "/private");
    expect(r.status).toBe(401);
    expect(r.body).toBe('{"error":"nope"}');
    expect(r.headers["www-authenticate"]).toBe("Bearer");
    // the service's content-type replaces the local reply's text/plain
    expect(r.headers["content-type"]).toBe("application/json");
    expect(r.headers["x-reason"]).toBe("expired");
    expect(r.headers["set-cookie"]).toEqual(["a=1", "b=2"]);
    expect(r.headers.server).toBe("envoy");
    expect(b.got).toHaveLength(0);
    expect(stat("http.ingress_http.ext_authz.denied")).toBe(1);
    expect(stat("cluster.backend.ext_authz.denied")).toBe(1);
    expect(stat("cluster.backend.upstream_rq_401")).toBe(1);
    expect(stat("http.ingress_http.downstream_rq_4xx")).toBe(1);
    await waitFor(async () => (await p.accessLogs.flush(), fs.existsSync(log) && fs.readFileSync(log, "utf8").length > 0), "the access log line");
    expect(fs.readFileSync(log, "utf8")).toBe("401 UAEX ext_authz_denied\n");
  });

  it("allowed_client_headers: only those, plus WWW-Authenticate and Location", async () => {
    const a = await authz((_req, res) => {
      res.writeHead(302, { location: "/login", "www-authenticate": "Basic", "x-listed": "1", "x-other": "2" });
      res.end();
    });
    const b = await backend();
    const { port } = await proxy(a, b, { http_service: { authorization_response: { allowed_client_headers: { patterns: [{ exact: "x-listed" }] } } } });
    const r = await request(port, "/");
    expect(r.status).toBe(302);
    expect(r.headers).toMatchObject({ location: "/login", "www-authenticate": "Basic", "x-listed": "1" });
    expect(r.headers["x-other"]).toBeUndefined();
  });

  it("a 5xx answer is an error: status_on_error (403) with an empty body, never the service's 500", async () => {
    const a = await authz((_req, res) => ((res.statusCode = 500), res.end("boom")));
    const b = await backend();
    const { port, stat } = await proxy(a, b);
    const r = await request(port, "/");
    expect(r.status).toBe(403);
    expect(r.body).toBe("");
    expect(stat("http.ingress_http.ext_authz.error")).toBe(1);
    expect(stat("cluster.backend.ext_authz.error")).toBe(1);
    expect(b.got).toHaveLength(0);
  });
});

describe("ext_authz http_service: errors and failure_mode_allow", () => {
  const slow = (ms: number) => (_req: http.IncomingMessage, res: http.ServerResponse) => void setTimeout(() => res.end(), ms);

  it("no answer within server_uri.timeout → 403; status_on_error changes the status", async () => {
    const a = await authz(slow(1000));
    const b = await backend();
    const short = { http_service: { server_uri: { uri: "http://authz", cluster: "authz", timeout: "0.1s" } } };
    const { port, stat } = await proxy(a, b, short);
    const started = Date.now();
    const r = await request(port, "/");
    expect(r.status).toBe(403);
    expect(Date.now() - started).toBeLessThan(900);
    expect(stat("http.ingress_http.ext_authz.error")).toBe(1);
    expect(stat("cluster.authz.upstream_rq_timeout")).toBe(1);
    const other = await proxy(a, b, { ...short, status_on_error: { code: "ServiceUnavailable" } });
    expect((await request(other.port, "/")).status).toBe(503);
  });

  it("failure_mode_allow lets the request through, with x-envoy-auth-failure-mode-allowed when asked", async () => {
    const a = await authz(slow(1000));
    const b = await backend();
    const { port, stat } = await proxy(a, b, { http_service: { server_uri: { uri: "http://authz", cluster: "authz", timeout: "0.1s" } }, failure_mode_allow: true, failure_mode_allow_header_add: true });
    const r = await request(port, "/");
    expect(r.status).toBe(200);
    expect(b.got[0].headers["x-envoy-auth-failure-mode-allowed"]).toBe("true");
    expect(stat("http.ingress_http.ext_authz.error")).toBe(1);
    expect(stat("http.ingress_http.ext_authz.failure_mode_allowed")).toBe(1);
    expect(stat("cluster.backend.ext_authz.failure_mode_allowed")).toBe(1);
  });

  it("the authorization cluster's circuit breaker applies: over max_requests the check overflows into an error", async () => {
    const a = await authz(slow(300));
    const b = await backend();
    const { port, stat } = await proxy(a, b, {}, { authzCluster: { circuit_breakers: { thresholds: [{ max_requests: 1 }] } } });
    const replies = await Promise.all([request(port, "/1"), request(port, "/2")]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 403]);
    expect(a.checks).toHaveLength(1);
    expect(stat("cluster.authz.upstream_rq_pending_overflow")).toBe(1);
    expect(stat("http.ingress_http.ext_authz.error")).toBe(1);
  });

  it("an unreachable service is an error too", async () => {
    const a = await authz(ok);
    const b = await backend();
    await a.close();
    const { port, stat } = await proxy(a, b);
    expect((await request(port, "/")).status).toBe(403);
    expect(stat("cluster.authz.upstream_cx_connect_fail")).toBe(1);
  });
});

describe("ext_authz http_service: per route", () => {
  it("disabled on a route: no check there; other routes are checked; no route at all: no check", async () => {
    const a = await authz((_req, res) => ((res.statusCode = 403), res.end()));
    const b = await backend();
    const routes = [
      { match: { prefix: "/public" }, route: { cluster: "backend" }, typed_per_filter_config: { "envoy.filters.http.ext_authz": { "@type": PER_ROUTE, disabled: true } } },
      { match: { prefix: "/" }, route: { cluster: "backend" } },
    ];
    const { port } = await proxy(a, b, {}, { routes });
    expect((await request(port, "/public/x")).status).toBe(200);
    expect((await request(port, "/private")).status).toBe(403);
    expect(a.checks.map((c) => c.path)).toEqual(["/private"]);
    const noRoute = await proxy(a, b, {}, { routes: [{ match: { prefix: "/only" }, route: { cluster: "backend" } }] });
    expect((await request(noRoute.port, "/elsewhere")).status).toBe(404);
    expect(a.checks).toHaveLength(1);
  });

  it("check_settings.disable_request_body_buffering: the body streams and the check has none", async () => {
    const a = await authz(ok);
    const b = await backend();
    const routes = [{ match: { prefix: "/" }, route: { cluster: "backend" }, typed_per_filter_config: { "envoy.filters.http.ext_authz": { "@type": PER_ROUTE, check_settings: { disable_request_body_buffering: true } } } }];
    const { port } = await proxy(a, b, { with_request_body: { max_request_bytes: 4 } }, { routes });
    expect((await request(port, "/", { method: "POST", body: "longer than four" })).status).toBe(200);
    expect(a.checks[0].body).toBe("");
    expect(a.checks[0].headers["x-envoy-auth-partial-body"]).toBeUndefined();
    expect(b.got[0].body).toBe("longer than four");
  });
});
