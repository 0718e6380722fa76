// Retries and timeouts end to end: retry_on conditions, retry limits, back-off and the x-envoy-* request headers
// (Envoy docs: Router filter, configuration/http/http_filters/router_filter; the decisions follow
// source/common/router/retry_state_impl.cc), a cluster circuit breaker's max_retries, route and per-try timeouts,
// and the exact local replies they end in (source/common/router/router.cc). Real proxy, real node:http upstreams
// answering from a script. Timing assertions only use generous upper bounds.
import { afterEach, describe, expect, it } from "vitest";
import type http from "node:http";
import { cluster, deadPort, listener, request, startProxy, startUpstream, type Harness, type Upstream } from "./harness";
import { LocalBodies, RETRIED_RESET_PREFIX } from "../../src/router/local-reply";
import type { Cluster, Listener, Route } from "../../src/config/schema";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
/** An upstream that answers its n-th request with script[n] (the last entry repeats). */
async function scripted(script: (number | Handler)[]): Promise<Upstream & { times: number[] }> {
  const times: number[] = [];
  const held: http.ServerResponse[] = [];
  const u = await startUpstream((req, res) => {
    times.push(performance.now());
    const step = script[Math.min(times.length - 1, script.length - 1)];
    if (typeof step === "function") return step(req, res);
    if (step === 0) return void held.push(res); // never answers
    res.statusCode = step;
    res.end(`upstream ${step} #${times.length}`);
  });
  cleanups.push(() => {
    for (const r of held) r.destroy();
    return u.close();
  });
  return Object.assign(u, { times });
}
async function proxy(routes: Route[], clusters: Cluster[], vhost: Record<string, unknown> = {}): Promise<Harness> {
  const l: Listener = listener("l", routes);
  Object.assign((l.filter_chains[0].filters[0].typed_config as { route_config: { virtual_hosts: object[] } }).route_config.virtual_hosts[0], vhost);
  const h = await startProxy([l], clusters);
  cleanups.push(() => h.close());
  return h;
}
const route = (action: Record<string, unknown>): Route => ({ match: { prefix: "/" }, route: { cluster: "c", ...action } }) as Route;

describe("retries", () => {
  it("retry_on 5xx: 503, 503, 200 → 200 after 2 retries; the retried responses are counted under retry.", async () => {
    const u = await scripted([503, 503, 200]);
    const h = await proxy([route({ retry_policy: { retry_on: "5xx", num_retries: 2 } })], [cluster("c", [u.port])]);
    const r = await request(h.port, "/");
    expect(r.status).toBe(200);
    expect(r.body).toBe("upstream 200 #3");
    expect(await h.stat("cluster.c.upstream_rq_retry")).toBe(2);
    expect(await h.stat("cluster.c.upstream_rq_retry_success")).toBe(1);
    expect(await h.stat("cluster.c.retry.upstream_rq_503")).toBe(2);
    expect(await h.stat("cluster.c.upstream_rq_200")).toBe(1);
    expect(await h.stat("cluster.c.upstream_rq_503")).toBeUndefined();
    expect(await h.stat("cluster.c.upstream_rq_total")).toBe(3);
    expect(await h.stat("cluster.c.circuit_breakers.default.rq_retry_open")).toBe(0);
  });

  it("num_retries 1 used up → the upstream's own 503 body; upstream_rq_retry_limit_exceeded", async () => {
    const u = await scripted([503]);
    const h = await proxy([route({ retry_policy: { retry_on: "5xx", num_retries: 1 } })], [cluster("c", [u.port])]);
    const r = await request(h.port, "/");
    expect([r.status, r.body]).toEqual([503, "upstream 503 #2"]);
    expect(await h.stat("cluster.c.upstream_rq_retry")).toBe(1);
    expect(await h.stat("cluster.c.upstream_rq_retry_limit_exceeded")).toBe(1);
    expect(await h.stat("cluster.c.upstream_rq_retry_success")).toBe(0);
    expect(await h.stat("cluster.c.upstream_rq_503")).toBe(1);
  });

  it("retriable-4xx retries 409 only; 429 needs retriable-status-codes", async () => {
    const u = await scripted([409, 200]);
    const h = await proxy([route({ retry_policy: { retry_on: "retriable-4xx" } })], [cluster("c", [u.port])]);
    expect((await request(h.port, "/")).status).toBe(200);
    expect(await h.stat("cluster.c.upstream_rq_retry")).toBe(1);

    const t = await scripted([429, 200]);
    const h2 = await proxy([route({ retry_policy: { retry_on: "retriable-4xx" } })], [cluster("c", [t.port])]);
    expect((await request(h2.port, "/")).status).toBe(429);
    const t2 = await scripted([429, 200]);
    const h3 = await proxy([route({ retry_policy: { retry_on: "retriable-status-codes", retriable_status_codes: [429] } })], [cluster("c", [t2.port])]);
    expect((await request(h3.port, "/")).status).toBe(200);
  });

  it("circuit breaker max_retries 0 → the upstream 503 is forwarded as is, upstream_rq_retry_overflow, no x-envoy-overloaded", async () => {
    const u = await scripted([503, 200]);
    const h = await proxy([route({ retry_policy: { retry_on: "5xx", num_retries: 3 } })], [cluster("c", [u.port], { circuit_breakers: { thresholds: [{ max_retries: 0 }] } })]);
    const r = await request(h.port, "/");
    expect([r.status, r.body]).toEqual([503, "upstream 503 #1"]);
    expect(r.headers["x-envoy-overloaded"]).toBeUndefined();
    expect(await h.stat("cluster.c.upstream_rq_retry_overflow")).toBe(1);
    expect(await h.stat("cluster.c.upstream_rq_retry")).toBe(0);
    expect(u.times.length).toBe(1);
  });

  it("no retry policy → no retry; x-envoy-retry-on and x-envoy-max-retries enable it and are not forwarded", async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const u = await scripted([
      (req, res) => (seen.push(req.headers), res.writeHead(503).end("a")),
      (req, res) => (seen.push(req.headers), res.writeHead(503).end("b")),
      (req, res) => (seen.push(req.headers), res.writeHead(503).end("c")),
      (req, res) => (seen.push(req.headers), res.end("ok")),
    ]);
    const h = await proxy([route({})], [cluster("c", [u.port])]);
    expect((await request(h.port, "/")).body).toBe("a");
    const r = await request(h.port, "/", { headers: { "x-envoy-retry-on": "5xx", "x-envoy-max-retries": "2" } });
    expect([r.status, r.body]).toEqual([200, "ok"]);
    expect(seen.length).toBe(4);
    for (const hd of seen) {
      expect(hd["x-envoy-retry-on"]).toBeUndefined();
      expect(hd["x-envoy-max-retries"]).toBeUndefined();
    }
  });

  it("virtual-host retry_policy applies; a route policy replaces it", async () => {
    const u = await scripted([503, 200, 503, 200]);
    const h = await proxy(
      [{ match: { prefix: "/own" }, route: { cluster: "c", retry_policy: { retry_on: "retriable-4xx" } } }, route({})],
      [cluster("c", [u.port])],
      { retry_policy: { retry_on: "gateway-error" } },
    );
    expect((await request(h.port, "/")).status).toBe(200);
    expect((await request(h.port, "/own")).status).toBe(503);
  });

  it("retry_on connect-failure with the previous_hosts predicate: a dead host then the live one → 200", async () => {
    const live = await scripted([200]);
    const dead = await deadPort();
    const h = await proxy(
      [route({ retry_policy: { retry_on: "connect-failure", num_retries: 1, retry_host_predicate: [{ name: "envoy.retry_host_predicates.previous_hosts" }], host_selection_retry_max_attempts: 3 } })],
      [cluster("c", [dead, live.port])],
    );
    // round robin starts at a random host: two requests make sure the dead one is tried first at least once
    for (let i = 0; i < 2; i++) expect((await request(h.port, "/")).status).toBe(200);
    const retries = (await h.stat("cluster.c.upstream_rq_retry"))!;
    expect(retries).toBeGreaterThanOrEqual(1);
    expect(await h.stat("cluster.c.upstream_cx_connect_fail")).toBe(retries);
    expect(live.times.length).toBe(2);
  });

  it("after a retry the final reset reply says `retried and the latest reset reason`", async () => {
    const dead = await deadPort();
    const h = await proxy([route({ retry_policy: { retry_on: "connect-failure", num_retries: 1 } })], [cluster("c", [dead])]);
    const r = await request(h.port, "/");
    expect(r.status).toBe(503);
    expect(r.body).toBe(`${RETRIED_RESET_PREFIX}remote connection failure, transport failure reason: delayed connect error: Connection refused`);
    expect(r.headers["content-type"]).toBe("text/plain");
    expect(await h.stat("cluster.c.upstream_rq_retry_limit_exceeded")).toBe(1);
  });

  it("request bodies are replayed on retry; past per_connection_buffer_limit_bytes retries are abandoned", async () => {
    const bodies: string[] = [];
    const u = await scripted([
      (req, res) => {
        const c: Buffer[] = [];
        req.on("data", (d) => c.push(d)).on("end", () => {
          bodies.push(Buffer.concat(c).toString());
          res.writeHead(bodies.length === 1 ? 503 : 200).end(`got ${Buffer.concat(c).length}`);
        });
      },
    ]);
    const h = await proxy([route({ retry_policy: { retry_on: "5xx" } })], [cluster("c", [u.port], { per_connection_buffer_limit_bytes: 64 * 1024 })]);
    const r = await request(h.port, "/", { method: "POST", body: "hello body" });
    expect([r.status, r.body]).toEqual([200, "got 10"]);
    expect(bodies).toEqual(["hello body", "hello body"]);

    bodies.length = 0;
    const big = Buffer.alloc(200 * 1024, "y");
    const r2 = await request(h.port, "/", { method: "POST", body: big });
    // first attempt answered 503: with the body too large to replay it is forwarded, not retried
    expect(r2.status).toBe(503);
    expect(r2.body).toBe(`got ${big.length}`);
    expect(await h.stat("cluster.c.retry_or_shadow_abandoned")).toBe(1);
  });
});

describe("timeouts", () => {
  it("route timeout 1 s → 504 `upstream request timeout`, upstream_rq_timeout, no x-envoy-upstream-service-time", async () => {
    const u = await scripted([0]);
    const h = await proxy([route({ timeout: "1s" })], [cluster("c", [u.port])]);
    const t0 = performance.now();
    const r = await request(h.port, "/");
    const took = performance.now() - t0;
    expect(r.status).toBe(504);
    expect(r.body).toBe(LocalBodies.timeout);
    expect(r.headers["content-length"]).toBe("24");
    expect(r.headers["content-type"]).toBe("text/plain");
    expect(r.headers["x-envoy-upstream-service-time"]).toBeUndefined();
    expect(took).toBeGreaterThanOrEqual(950);
    expect(took).toBeLessThan(5000);
    expect(await h.stat("cluster.c.upstream_rq_timeout")).toBe(1);
    expect(await h.stat("cluster.c.upstream_rq_504")).toBe(1);
    expect(await h.stat("http.ingress_http.downstream_rq_5xx")).toBe(1);
  });

  it("x-envoy-upstream-rq-timeout-ms overrides the route timeout and is not forwarded; alt-response → 204", async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const u = await scripted([(req) => void seen.push(req.headers)]);
    const h = await proxy([route({ timeout: "30s" })], [cluster("c", [u.port])]);
    const t0 = performance.now();
    const r = await request(h.port, "/", { headers: { "x-envoy-upstream-rq-timeout-ms": "200" } });
    expect(r.status).toBe(504);
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(seen[0]["x-envoy-upstream-rq-timeout-ms"]).toBeUndefined();
    const alt = await request(h.port, "/", { headers: { "x-envoy-upstream-rq-timeout-ms": "200", "x-envoy-upstream-rq-timeout-alt-response": "1" } });
    expect([alt.status, alt.body]).toEqual([204, ""]);
  });

  it("per_try_timeout 0.5 s × 3 attempts, then 504; upstream_rq_per_try_timeout counts 3", async () => {
    // Envoy's Filter::onPerTryTimeout (source/common/router/router.cc) counts every attempt that times out, the
    // last one included, before it decides whether to retry; the route timeout (10 s) never fires.
    const u = await scripted([0]);
    const h = await proxy([route({ timeout: "10s", retry_policy: { retry_on: "5xx", num_retries: 2, per_try_timeout: "0.5s" } })], [cluster("c", [u.port])]);
    const t0 = performance.now();
    const r = await request(h.port, "/");
    const took = performance.now() - t0;
    expect([r.status, r.body]).toEqual([504, LocalBodies.timeout]);
    expect(took).toBeGreaterThanOrEqual(1450);
    expect(took).toBeLessThan(9000);
    expect(u.times.length).toBe(3);
    expect(await h.stat("cluster.c.upstream_rq_per_try_timeout")).toBe(3);
    expect(await h.stat("cluster.c.upstream_rq_retry")).toBe(2);
    expect(await h.stat("cluster.c.upstream_rq_timeout")).toBe(0);
  });

  it("the global timeout covers all retries: no retry after it fired", async () => {
    const u = await scripted([0]);
    const h = await proxy([route({ timeout: "0.6s", retry_policy: { retry_on: "5xx", num_retries: 5, per_try_timeout: "0.4s" } })], [cluster("c", [u.port])]);
    const r = await request(h.port, "/");
    expect(r.status).toBe(504);
    expect(await h.stat("cluster.c.upstream_rq_timeout")).toBe(1);
    await new Promise((res) => setTimeout(res, 600));
    expect(u.times.length).toBe(2);
  });

  it("default back-off: attempt 2 follows attempt 1 within the 25 ms base interval plus generous scheduling slack", async () => {
    const u = await scripted([503, 200]);
    const h = await proxy([route({ retry_policy: { retry_on: "5xx" } })], [cluster("c", [u.port])]);
    expect((await request(h.port, "/")).status).toBe(200);
    expect(u.times.length).toBe(2);
    expect(u.times[1] - u.times[0]).toBeLessThan(25 + 400);
  });

  it("route idle_timeout → 408 `stream timeout` while waiting for the upstream; downstream_rq_idle_timeout", async () => {
    const u = await scripted([0]);
    const h = await proxy([route({ idle_timeout: "0.3s" })], [cluster("c", [u.port])]);
    const t0 = performance.now();
    const r = await request(h.port, "/");
    expect([r.status, r.body]).toEqual([408, "stream timeout"]);
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(await h.stat("http.ingress_http.downstream_rq_idle_timeout")).toBe(1);
  });

  it("timeout 0s disables the route timeout", async () => {
    const u = await scripted([(_req, res) => void setTimeout(() => res.end("late"), 300)]);
    const h = await proxy([route({ timeout: "0s" })], [cluster("c", [u.port])]);
    expect((await request(h.port, "/")).body).toBe("late");
  });
});
