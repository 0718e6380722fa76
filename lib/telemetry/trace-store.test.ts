// Trace search: every filter narrows; status and duration look at SERVER spans; route from the tag or resolved.
import { describe, expect, it } from "vitest";
import type { ZipkinSpan } from "../../proxy-core/src/config/index";
import { bootstrap, cluster, listener, prefixRoute } from "../config/test-fixtures";
import { RouteResolver } from "./route-resolver";
import { TraceStore } from "./trace-store";

const span = (traceId: string, id: string, kind: "SERVER" | "CLIENT", ts: number, durUs: number, tags: Record<string, string>, parentId?: string): ZipkinSpan => ({
  traceId, id, ...(parentId ? { parentId } : {}), name: "op", kind, timestamp: ts, duration: durUs, localEndpoint: { serviceName: "s", port: 8080 }, tags,
});

describe("trace search", () => {
  const store = new TraceStore();
  const routeOf = (s: ZipkinSpan) => (s.tags["http.url"]?.includes("/api") ? "api" : null);
  store.add("n1", [span("t1", "a", "SERVER", 1_000_000, 5000, { "http.status_code": "200", upstream_cluster: "api", "http.url": "http://x/api/1" }), span("t1", "b", "CLIENT", 1_000_100, 4000, { "http.status_code": "200", upstream_cluster: "api" }, "a")], routeOf);
  store.add("n2", [span("t2", "c", "SERVER", 2_000_000, 250_000, { "http.status_code": "503", upstream_cluster: "web", "http.url": "http://x/web", route_name: "web_route" })], routeOf);
  const ids = (f: Parameters<TraceStore["search"]>[0]) => store.search(f).map((t) => t.traceId);

  it("filters by trace id, route, cluster, status, duration and time", () => {
    expect(ids({ limit: 10 })).toEqual(["t2", "t1"]);
    expect(ids({ limit: 10, traceId: "t1" })).toEqual(["t1"]);
    expect(ids({ limit: 10, route: "api" })).toEqual(["t1"]);
    expect(ids({ limit: 10, route: "web_route" })).toEqual(["t2"]);
    expect(ids({ limit: 10, cluster: "web" })).toEqual(["t2"]);
    expect(ids({ limit: 10, path: "/api/1" })).toEqual(["t1"]);
    expect(ids({ limit: 10, path: "/nowhere" })).toEqual([]);
    expect(ids({ limit: 10, status: "5xx" })).toEqual(["t2"]);
    expect(ids({ limit: 10, status: "200" })).toEqual(["t1"]);
    expect(ids({ limit: 10, minDurationMs: 100 })).toEqual(["t2"]);
    expect(ids({ limit: 10, since: 1500, until: 2500 })).toEqual(["t2"]);
    expect(ids({ limit: 10, cluster: "api", status: "5xx" })).toEqual([]);
    expect(ids({ limit: 1 })).toEqual(["t2"]);
    expect(store.search({ limit: 10, traceId: "t1" })[0].spans.map((s) => [s.id, s.node])).toEqual([["a", "n1"], ["b", "n1"]]);
  });
});

describe("route resolver", () => {
  const l = listener("main", 8080, [
    { ...prefixRoute("/api/v1", "c"), name: "v1" },
    { match: { prefix: "/api", headers: [{ name: "x-canary", present_match: true }] }, route: { cluster: "c" }, name: "canary" },
    { ...prefixRoute("/api", "c"), name: "api" },
    { match: { path: "/get", headers: [{ name: ":method", string_match: { exact: "GET" } }] }, route: { cluster: "c" }, name: "get" },
    { ...prefixRoute("/", "c"), name: "rest" },
  ]);
  const r = new RouteResolver(bootstrap([l], [cluster("c", [1])]).static_resources);

  it("finds the first match by listener port, host and path; unknown when a header it cannot see decides", () => {
    expect(r.resolve(8080, "http://example.com/api/v1/x")).toBe("v1");
    expect(r.resolve(8080, "http://example.com:8080/get", "GET")).toBe("get");
    expect(r.resolve(8080, "http://example.com/get", "POST")).toBe("rest");
    expect(r.resolve(8080, "http://example.com/api/x")).toBeNull(); // x-canary may or may not have been sent
    expect(r.resolve(9999, "http://example.com/")).toBeNull();
    expect(r.resolve(8080, "not a url")).toBeNull();
  });
});

describe("access-log sample", () => {
  it("keeps the newest entries of the fleet and filters them", async () => {
    const { AccessLogStore } = await import("./access-log-store");
    const log = new AccessLogStore(3);
    const e = (startTime: number, status: number, path: string, routeName: string | null) => ({
      startTime, listener: "l", statPrefix: "p", method: "GET", authority: "x", path, protocol: "HTTP/1.1", status, responseFlags: "-",
      responseCodeDetails: null, bytesReceived: 0, bytesSent: 1, durationMs: 2, upstreamHost: null, upstreamCluster: "c", routeName, requestId: null, traceId: null,
    });
    log.add("a", [e(1, 200, "/old", "api"), e(2, 503, "/api/x", "api")], 0);
    log.add("b", [e(4, 404, "/web", "web"), e(3, 200, "/api/y", "api")], 7);
    const paths = (f: Parameters<typeof log.list>[0]) => log.list(f).map((r) => r.path);
    expect(paths({ limit: 10 })).toEqual(["/web", "/api/y", "/api/x"]);
    expect(paths({ limit: 10, status: "5xx" })).toEqual(["/api/x"]);
    expect(paths({ limit: 10, status: "404", node: "b" })).toEqual(["/web"]);
    expect(paths({ limit: 10, route: "api", pathContains: "/api/" })).toEqual(["/api/y", "/api/x"]);
    expect(paths({ limit: 1 })).toEqual(["/web"]);
    expect(log.dropped).toBe(7);
    expect(log.list({ limit: 1 })[0]).not.toHaveProperty("statPrefix");
  });
});
