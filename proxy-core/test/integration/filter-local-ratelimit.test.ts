// envoy.filters.http.local_ratelimit on the chain: the 429 local reply (body, flag RL, details, headers),
// enforcement off, x-ratelimit-* headers, buckets per route config, per connection and refilled over time,
// status overrides, the <stat_prefix>.http_local_rate_limit.* stats, and the refusals.
import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { cluster, listener, request, sleep, startProxy, startUpstream, withHttpFilters, type Harness, type HttpListener, type Upstream } from "./harness";
import { FIRST_FILTER, FIRST_ROUTE, accessLogLines, refusals, virtualHostOf, withAccessLog } from "./filter-kit";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const TYPE = "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit";
const ALWAYS = { default_value: { numerator: 100, denominator: "HUNDRED" }, runtime_key: "local_rate_limit_enabled" };
const NEVER = { default_value: { numerator: 0 } };

const bucket = (max: number, fill = "1000s", perFill = 1) => ({ max_tokens: max, tokens_per_fill: perFill, fill_interval: fill });
const rl = (extra: Record<string, unknown>) => ({ "@type": TYPE, stat_prefix: "http_local_rate_limiter", filter_enabled: ALWAYS, filter_enforced: ALWAYS, ...extra });

async function upstream(): Promise<Upstream> {
  const u = await startUpstream((req, res) => res.end(`ok ${req.headers["x-would-be-limited"] ?? "-"}`));
  cleanups.push(() => u.close());
  return u;
}

async function proxyWith(l: HttpListener, u: Upstream): Promise<Harness> {
  const h = await startProxy([l], [cluster("c", [u.port])]);
  cleanups.push(() => h.close());
  return h;
}

const filter = (config: Record<string, unknown>) => [{ name: "envoy.filters.http.local_ratelimit", typed_config: config }];
const all = () => [{ match: { prefix: "/" }, route: { cluster: "c" } }];

describe("local rate limit: the filter's bucket", () => {
  it("past max_tokens: 429 local_rate_limited with response_headers_to_add, flag RL; stats enabled/ok/rate_limited/enforced", async () => {
    const u = await upstream();
    const l = withHttpFilters(listener("l", all()), filter(rl({ token_bucket: bucket(2), response_headers_to_add: [{ header: { key: "x-local-rate-limit", value: "true" }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" }] })));
    const log = withAccessLog(l);
    const h = await proxyWith(l, u);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await request(h.port, "/x"));
    expect(statuses.map((r) => r.status)).toEqual([200, 200, 429]);
    const limited = statuses[2];
    expect(limited.body).toBe("local_rate_limited");
    expect(limited.headers["content-type"]).toBe("text/plain");
    expect(limited.headers["x-local-rate-limit"]).toBe("true");
    // Envoy's source sets no x-envoy-ratelimited on this reply (only the global ratelimit filter does)
    expect(limited.headers["x-envoy-ratelimited"]).toBeUndefined();
    expect(statuses[0].headers["x-local-rate-limit"]).toBeUndefined();
    expect(u.seen).toHaveLength(2);
    const stat = (n: string) => h.stat(`http_local_rate_limiter.http_local_rate_limit.${n}`);
    expect([await stat("enabled"), await stat("ok"), await stat("rate_limited"), await stat("enforced")]).toEqual([3, 2, 1, 1]);
    expect(await accessLogLines(h.proxy, log, 3)).toEqual(["200 - via_upstream", "200 - via_upstream", "429 RL local_rate_limited"]);
  });

  it("filter_enabled's runtime_key is read per request: an admin-layer value turns limiting on and off without a reload", async () => {
    const u = await upstream();
    const l = withHttpFilters(listener("l", all()), filter(rl({ token_bucket: bucket(1), filter_enabled: { default_value: { numerator: 0 }, runtime_key: "rl.on" } })));
    const h = await proxyWith(l, u);
    h.proxy.runtime.load([{ name: "admin", admin_layer: {} }]);
    const statuses = async () => [(await request(h.port, "/a")).status, (await request(h.port, "/b")).status];
    expect(await statuses()).toEqual([200, 200]);
    expect(h.proxy.runtime.mergeValues([["rl.on", "100"]])).toBeNull();
    expect(await statuses()).toEqual([200, 429]);
    expect(h.proxy.runtime.mergeValues([["rl.on", ""]])).toBeNull();
    expect(await statuses()).toEqual([200, 200]);
  });

  it("filter_enforced 0 %: a request without a token goes on, with request_headers_to_add_when_not_enforced", async () => {
    const u = await upstream();
    const config = rl({ token_bucket: bucket(1), filter_enforced: NEVER, request_headers_to_add_when_not_enforced: [{ header: { key: "x-would-be-limited", value: "yes" } }] });
    const h = await proxyWith(withHttpFilters(listener("l", all()), filter(config)), u);
    expect((await request(h.port, "/")).body).toBe("ok -");
    expect((await request(h.port, "/")).body).toBe("ok yes");
    expect(await h.stat("http_local_rate_limiter.http_local_rate_limit.rate_limited")).toBe(1);
    expect(await h.stat("http_local_rate_limiter.http_local_rate_limit.enforced")).toBe(0);
  });

  it("filter_enabled unset (0 %): the bucket is never consulted", async () => {
    const u = await upstream();
    const config = { "@type": TYPE, stat_prefix: "off", token_bucket: bucket(1) };
    const h = await proxyWith(withHttpFilters(listener("l", all()), filter(config)), u);
    for (let i = 0; i < 3; i++) expect((await request(h.port, "/")).status).toBe(200);
    expect(await h.stat("off.http_local_rate_limit.enabled")).toBe(0);
  });

  it("enable_x_ratelimit_headers DRAFT_VERSION_03: x-ratelimit-limit/-remaining/-reset on every consulted response", async () => {
    const u = await upstream();
    const h = await proxyWith(withHttpFilters(listener("l", all()), filter(rl({ token_bucket: bucket(2, "60s"), enable_x_ratelimit_headers: "DRAFT_VERSION_03" }))), u);
    const rs = [await request(h.port, "/"), await request(h.port, "/"), await request(h.port, "/")];
    expect(rs.map((r) => [r.status, r.headers["x-ratelimit-limit"], r.headers["x-ratelimit-remaining"], r.headers["x-ratelimit-reset"]])).toEqual([
      [200, "2", "1", "60"],
      [200, "2", "0", "60"],
      [429, "2", "0", "60"],
    ]);
  });

  it("status: a configured code (by name or number) replaces 429; one below 400 does not", async () => {
    const u = await upstream();
    const h503 = await proxyWith(withHttpFilters(listener("a", all()), filter(rl({ token_bucket: bucket(1), status: { code: "ServiceUnavailable" } }))), u);
    await request(h503.port, "/");
    expect((await request(h503.port, "/")).status).toBe(503);
    const h200 = await proxyWith(withHttpFilters(listener("b", all()), filter(rl({ token_bucket: bucket(1), status: { code: 200 } }))), u);
    await request(h200.port, "/");
    expect((await request(h200.port, "/")).status).toBe(429);
  });

  it("refills tokens_per_fill every fill_interval", async () => {
    const u = await upstream();
    const h = await proxyWith(withHttpFilters(listener("l", all()), filter(rl({ token_bucket: bucket(1, "0.3s") }))), u);
    expect((await request(h.port, "/")).status).toBe(200);
    expect((await request(h.port, "/")).status).toBe(429);
    await sleep(400);
    expect((await request(h.port, "/")).status).toBe(200);
  });

  it("local_rate_limit_per_downstream_connection: each connection has its own bucket", async () => {
    const u = await upstream();
    const h = await proxyWith(withHttpFilters(listener("l", all()), filter(rl({ token_bucket: bucket(1), local_rate_limit_per_downstream_connection: true }))), u);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(() => agent.destroy());
    expect((await request(h.port, "/", { agent })).status).toBe(200);
    expect((await request(h.port, "/", { agent })).status).toBe(429);
    // a new connection, a new bucket
    expect((await request(h.port, "/")).status).toBe(200);
  });
});

describe("local rate limit per route", () => {
  it("a route's config has its own bucket and stats; routes sharing the virtual host's config share its bucket", async () => {
    const u = await upstream();
    const per = (c: { "@type": string; [k: string]: unknown }) => ({ typed_per_filter_config: { "envoy.filters.http.local_ratelimit": c } });
    const routes = [
      { match: { prefix: "/own" }, route: { cluster: "c" }, ...per(rl({ stat_prefix: "own", token_bucket: bucket(1) })) },
      { match: { prefix: "/x" }, route: { cluster: "c" } },
      { match: { prefix: "/y" }, route: { cluster: "c" } },
    ];
    // the filter's own config is off: only the per-route ones limit
    const l = withHttpFilters(listener("l", routes), filter({ "@type": TYPE, stat_prefix: "global" }));
    virtualHostOf(l).typed_per_filter_config = { "envoy.filters.http.local_ratelimit": rl({ stat_prefix: "vhost", token_bucket: bucket(2) }) };
    const h = await proxyWith(l, u);
    const seq = async (paths: string[]) => {
      const out: number[] = [];
      for (const p of paths) out.push((await request(h.port, p)).status);
      return out;
    };
    expect(await seq(["/own", "/own"])).toEqual([200, 429]);
    expect(await seq(["/x", "/y", "/x", "/y"])).toEqual([200, 200, 429, 429]);
    expect(await h.stat("own.http_local_rate_limit.enforced")).toBe(1);
    expect(await h.stat("vhost.http_local_rate_limit.enforced")).toBe(2);
    expect(await h.stat("global.http_local_rate_limit.enabled")).toBe(0);
  });
});

describe("local rate limit: what a config may say", () => {
  it("refuses descriptors, a per-route config without a token bucket, and a fill interval under 50 ms", () => {
    expect(refusals(withHttpFilters(listener("l", all()), filter(rl({ descriptors: [{ entries: [{ key: "k", value: "v" }], token_bucket: bucket(1) }] }))))).toEqual([
      `${FIRST_FILTER}.descriptors: descriptors is not supported by Signalbox`,
    ]);
    expect(refusals(withHttpFilters(listener("l", all()), filter(rl({ token_bucket: bucket(1, "0.01s") }))))).toEqual([`${FIRST_FILTER}.token_bucket.fill_interval: local rate limit token bucket fill timer must be >= 50ms`]);
    const perRoute = [{ match: { prefix: "/" }, route: { cluster: "c" }, typed_per_filter_config: { "envoy.filters.http.local_ratelimit": rl({}) } }];
    expect(refusals(withHttpFilters(listener("l", perRoute), filter(rl({}))))).toEqual([
      `${FIRST_ROUTE}.typed_per_filter_config["envoy.filters.http.local_ratelimit"].token_bucket: local rate limit token bucket must be set for per filter configs`,
    ]);
    expect(refusals(withHttpFilters(listener("l", all()), filter({ "@type": TYPE })))).toEqual([expect.stringMatching(/http_filters\[0\]\.typed_config\.stat_prefix: /)]);
  });
});
