// Header mutations (Envoy docs: Custom request/response headers, configuration/http/http_conn_man/headers), redirect
// locations (RedirectAction in config/route/v3/route_components.proto), retry back-off and accounting (Envoy docs:
// Router filter, configuration/http/http_filters/router_filter; source/common/router/retry_state_impl.cc).
import { describe, expect, it } from "vitest";
import { EventEmitter } from "node:events";
import { HeaderMutation, applyMutations } from "../../src/router/header-mutation";
import { redirectLocation } from "../../src/router/redirect";
import { compileRoute } from "../../src/router/route-compile";
import { Decision, RetryPolicy, RetryState, parseRetryOn } from "../../src/router/retry-state";
import { routerStatsFor } from "../../src/router/router-stats";
import { Cluster } from "../../src/upstream/cluster";
import { StatsStore } from "../../src/stats/store";
import type { Route } from "../../src/config/schema";

const ctx = { requestHeaders: ["X-B3-TraceId", "abc", "x-multi", "1", "x-multi", "2"], downstreamRemoteAddress: "10.0.0.1:5555", upstreamHost: "127.0.0.1:8080" };

describe("header mutations", () => {
  it("append actions, keep_empty_value and remove-before-add", () => {
    const m = HeaderMutation.compile(
      [
        { header: { key: "x-a", value: "new" } },
        { header: { key: "x-b", value: "new" }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" },
        { header: { key: "x-c", value: "new" }, append_action: "ADD_IF_ABSENT" },
        { header: { key: "x-d", value: "new" }, append_action: "ADD_IF_ABSENT" },
        { header: { key: "x-e", value: "new" }, append_action: "OVERWRITE_IF_EXISTS" },
        { header: { key: "x-f", value: "new" }, append_action: "OVERWRITE_IF_EXISTS" },
        { header: { key: "x-empty", value: "" } },
        { header: { key: "x-kept-empty", value: "" }, keep_empty_value: true },
        { header: { key: "x-gone", value: "re-added" } },
      ],
      ["x-gone"],
    )!;
    const h = ["X-A", "old", "X-B", "old", "x-c", "old", "x-e", "old", "x-gone", "old"];
    m.apply(h, ctx);
    const pairs = [];
    for (let i = 0; i < h.length; i += 2) pairs.push(`${h[i].toLowerCase()}=${h[i + 1]}`);
    expect(pairs.sort()).toEqual(["x-a=new", "x-a=old", "x-b=new", "x-c=old", "x-d=new", "x-e=new", "x-gone=re-added", "x-kept-empty="].sort());
  });

  it("format operators %REQ()%, %DOWNSTREAM_REMOTE_ADDRESS%, %UPSTREAM_HOST%, %%", () => {
    const m = HeaderMutation.compile([{ header: { key: "x-v", value: "t=%REQ(x-b3-traceid)% m=%REQ(x-multi)% none=%REQ(x-none)% from %DOWNSTREAM_REMOTE_ADDRESS% to %UPSTREAM_HOST% 100%%" } }], [])!;
    const h: string[] = [];
    m.apply(h, ctx);
    expect(h).toEqual(["x-v", "t=abc m=1,2 none= from 10.0.0.1:5555 to 127.0.0.1:8080 100%"]);
  });

  it("levels apply innermost first, so the outermost (route configuration) wins an overwrite", () => {
    const at = (v: string) => HeaderMutation.compile([{ header: { key: "x-level", value: v }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" }], []);
    const h: string[] = [];
    applyMutations([at("route"), null, at("global")], h, ctx);
    expect(h).toEqual(["x-level", "global"]);
  });
});

describe("redirect location", () => {
  const loc = (redirect: Route["redirect"], host: string, path: string, match: Route["match"] = { prefix: "/" }, scheme = "http") => {
    const r = compileRoute({ match, redirect }, 0, { vhostRetryPolicy: null, request: [], response: [] });
    return redirectLocation(r, r.redirect!, scheme, host, path);
  };
  it("https_redirect keeps host, path and query; default 301", () => {
    expect(loc({ https_redirect: true }, "h", "/p?q=1")).toBe("https://h/p?q=1");
    expect(compileRoute({ match: { prefix: "/" }, redirect: { https_redirect: true } }, 0, { vhostRetryPolicy: null, request: [], response: [] }).redirect!.status).toBe(301);
  });
  it("drops the old scheme's default port, replaces any port with port_redirect", () => {
    expect(loc({ https_redirect: true }, "h:80", "/")).toBe("https://h/");
    expect(loc({ https_redirect: true }, "h:8080", "/")).toBe("https://h:8080/");
    expect(loc({ port_redirect: 8443 }, "h:8080", "/")).toBe("http://h:8443/");
    expect(loc({ host_redirect: "new.example.com", port_redirect: 81 }, "h", "/")).toBe("http://new.example.com:81/");
  });
  it("path_redirect keeps the query unless it has its own; strip_query; prefix_rewrite", () => {
    expect(loc({ path_redirect: "/new" }, "h", "/old?a=1")).toBe("http://h/new?a=1");
    expect(loc({ path_redirect: "/new?b=2" }, "h", "/old?a=1")).toBe("http://h/new?b=2");
    expect(loc({ path_redirect: "/new", strip_query: true }, "h", "/old?a=1")).toBe("http://h/new");
    expect(loc({ prefix_rewrite: "/v2/", response_code: "FOUND" }, "h", "/v1/x?a=1", { prefix: "/v1/" })).toBe("http://h/v2/x?a=1");
    expect(loc({ scheme_redirect: "https", host_redirect: "x" }, "h", "/p")).toBe("https://x/p");
  });
});

describe("retry state", () => {
  const store = new StatsStore();
  const cluster = new Cluster({ name: "c", circuit_breakers: { thresholds: [{ max_retries: 1 }] } }, store.scope("cluster.c"), new EventEmitter());
  const stats = routerStatsFor(cluster);

  it("retry_on tokens", () => {
    const s = new RetryState(new RetryPolicy({ retriable_status_codes: [429] }), parseRetryOn("gateway-error,retriable-4xx,retriable-status-codes,bogus"), 1, cluster, stats);
    expect([500, 502, 503, 504, 409, 429, 404].map((c) => s.wouldRetryStatus(c, false))).toEqual([false, true, true, true, true, true, false]);
    expect(s.wouldRetryStatus(503, true)).toBe(false);
    expect(s.wouldRetryReset(false)).toBe(true);
    const cf = new RetryState(new RetryPolicy(undefined), parseRetryOn("connect-failure"), 1, cluster, stats);
    expect(cf.wouldRetryReset(true)).toBe(true);
    expect(cf.wouldRetryReset(false)).toBe(false);
    expect(cf.wouldRetryPerTryTimeout()).toBe(false);
  });

  it("accounting order: limit, circuit breaker (slot held until the next decision), success", () => {
    const s = new RetryState(new RetryPolicy({ retry_on: "5xx", num_retries: 2 }), parseRetryOn("5xx"), 2, cluster, stats);
    const s2 = new RetryState(new RetryPolicy({ retry_on: "5xx" }), parseRetryOn("5xx"), 1, cluster, stats);
    expect(s.decide(true)).toBe(Decision.Retry);
    expect(cluster.resources.retries.count).toBe(1);
    expect(s2.decide(true)).toBe(Decision.Overflow); // max_retries 1 in use by s
    expect(stats.upstream_rq_retry_overflow.value).toBe(1);
    expect(s.decide(false)).toBe(Decision.No);
    expect(stats.upstream_rq_retry_success.value).toBe(1);
    expect(cluster.resources.retries.count).toBe(0);
    expect(s.decide(true)).toBe(Decision.Retry);
    s.release();
    expect(s.decide(true)).toBe(Decision.LimitExceeded);
    expect(stats.upstream_rq_retry_limit_exceeded.value).toBe(1);
    expect(stats.upstream_rq_retry.value).toBe(2);
  });

  it("fully jittered exponential back-off within [0, (2^n − 1) × base), capped at max (defaults 25 ms / 250 ms)", () => {
    const p = new RetryPolicy({ retry_on: "5xx" });
    expect([p.baseIntervalMs, p.maxIntervalMs]).toEqual([25, 250]);
    const bounds = [25, 75, 175, 250, 250];
    for (let trial = 0; trial < 200; trial++) {
      const s = new RetryState(p, 1, 5, cluster, stats);
      for (const b of bounds) {
        const d = s.backOffMs();
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(b);
      }
    }
    const custom = new RetryPolicy({ retry_on: "5xx", retry_back_off: { base_interval: "0.1s", max_interval: "0.15s" } });
    expect([custom.baseIntervalMs, custom.maxIntervalMs]).toEqual([100, 150]);
  });
});
