// envoy.filters.http.fault on the chain: fixed and header-controlled delays and aborts with their percentages,
// delay then abort, gRPC aborts, the restrictions (headers, upstream cluster, downstream node), per-route
// HTTPFault, max_active_faults, a delayed request whose client leaves, flags DI/FI, the http.<p>.fault.* stats.
import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { cluster, listener, request, sleep, startProxy, startUpstream, waitFor, withHttpFilters, type Harness, type HttpListener, type Upstream } from "./harness";
import { FIRST_FILTER, accessLogLines, refusals, withAccessLog } from "./filter-kit";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const TYPE = "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault";
const ALL = { numerator: 100 };

async function upstream(): Promise<Upstream> {
  const u = await startUpstream((_req, res) => res.end("upstream"));
  cleanups.push(() => u.close());
  return u;
}

async function faultProxy(config: Record<string, unknown>, routes?: Record<string, unknown>[], log = false): Promise<{ h: Harness; u: Upstream; log: string | null }> {
  const u = await upstream();
  const l: HttpListener = withHttpFilters(listener("l", (routes ?? [{ match: { prefix: "/" }, route: { cluster: "c" } }]) as never), [{ name: "envoy.filters.http.fault", typed_config: { "@type": TYPE, ...config } }]);
  const path = log ? withAccessLog(l) : null;
  const h = await startProxy([l], [cluster("c", [u.port]), cluster("other", [u.port])]);
  cleanups.push(() => h.close());
  return { h, u, log: path };
}

const fault = (n: string) => `http.ingress_http.fault.${n}`;

async function timed(p: Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await p;
  return performance.now() - t0;
}

describe("fault: fixed faults", () => {
  it("a fixed delay holds the request, then it goes upstream; flag DI, delays_injected, active_faults back to 0", async () => {
    const { h, u, log } = await faultProxy({ delay: { fixed_delay: "0.2s", percentage: ALL } }, undefined, true);
    const ms = await timed(request(h.port, "/"));
    expect(ms).toBeGreaterThanOrEqual(190);
    expect(u.seen).toHaveLength(1);
    expect(await h.stat(fault("delays_injected"))).toBe(1);
    expect(h.proxy.store.gauge(fault("active_faults")).value).toBe(0);
    expect(await accessLogLines(h.proxy, log!, 1)).toEqual(["200 DI via_upstream"]);
  });

  it("an abort answers locally: status, body `fault filter abort`, flag FI, details fault_filter_abort", async () => {
    const { h, u, log } = await faultProxy({ abort: { http_status: 503, percentage: ALL } }, undefined, true);
    const r = await request(h.port, "/");
    expect([r.status, r.body, r.headers["content-type"]]).toEqual([503, "fault filter abort", "text/plain"]);
    expect(u.seen).toHaveLength(0);
    expect(await h.stat(fault("aborts_injected"))).toBe(1);
    expect(await accessLogLines(h.proxy, log!, 1)).toEqual(["503 FI fault_filter_abort"]);
  });

  it("a delay followed by an abort: both flags", async () => {
    const { h, log } = await faultProxy({ delay: { fixed_delay: "0.1s", percentage: ALL }, abort: { http_status: 500, percentage: ALL } }, undefined, true);
    const t0 = performance.now();
    expect((await request(h.port, "/")).status).toBe(500);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(90);
    expect(await accessLogLines(h.proxy, log!, 1)).toEqual(["500 DI,FI fault_filter_abort"]);
    expect(h.proxy.store.gauge(fault("active_faults")).value).toBe(0);
  });

  it("percentage unset is the proto's 0 %: nothing is injected", async () => {
    const { h } = await faultProxy({ abort: { http_status: 503 } });
    expect((await request(h.port, "/")).status).toBe(200);
  });

  it("a gRPC status answers a gRPC request 200 with grpc-status, any other request 200 with the body", async () => {
    const { h } = await faultProxy({ abort: { grpc_status: 14, percentage: ALL } });
    const grpc = await request(h.port, "/svc/Method", { method: "POST", headers: { "content-type": "application/grpc" }, body: "" });
    expect([grpc.status, grpc.headers["grpc-status"], grpc.headers["grpc-message"], grpc.headers["content-type"], grpc.body]).toEqual([200, "14", "fault filter abort", "application/grpc", ""]);
    const plain = await request(h.port, "/");
    expect([plain.status, plain.body]).toEqual([200, "fault filter abort"]);
  });
});

describe("fault: header-controlled faults", () => {
  const headerFaults = { delay: { header_delay: {}, percentage: ALL }, abort: { header_abort: {}, percentage: ALL } };

  it("without the headers nothing happens; x-envoy-fault-delay-request delays, x-envoy-fault-abort-request aborts", async () => {
    const { h } = await faultProxy(headerFaults);
    expect((await request(h.port, "/")).status).toBe(200);
    expect(await timed(request(h.port, "/", { headers: { "x-envoy-fault-delay-request": "150" } }))).toBeGreaterThanOrEqual(140);
    expect((await request(h.port, "/", { headers: { "x-envoy-fault-abort-request": "418" } })).status).toBe(418);
    // outside [200, 600) or unreadable: no abort
    expect((await request(h.port, "/", { headers: { "x-envoy-fault-abort-request": "700" } })).status).toBe(200);
    expect((await request(h.port, "/", { headers: { "x-envoy-fault-abort-request": "4x8" } })).status).toBe(200);
    expect(await h.stat(fault("aborts_injected"))).toBe(1);
  });

  it("the *-percentage headers may lower the configured percentage, never raise it", async () => {
    const { h } = await faultProxy(headerFaults);
    expect((await request(h.port, "/", { headers: { "x-envoy-fault-abort-request": "418", "x-envoy-fault-abort-request-percentage": "0" } })).status).toBe(200);
    const low = await faultProxy({ abort: { header_abort: {}, percentage: { numerator: 0 } } });
    expect((await request(low.h.port, "/", { headers: { "x-envoy-fault-abort-request": "418", "x-envoy-fault-abort-request-percentage": "100" } })).status).toBe(200);
  });

  it("x-envoy-downstream-service-cluster adds http.<p>.fault.<cluster>.* stats (unless disable_downstream_cluster_stats)", async () => {
    const { h } = await faultProxy(headerFaults);
    await request(h.port, "/", { headers: { "x-envoy-fault-abort-request": "503", "x-envoy-downstream-service-cluster": "web" } });
    expect(await h.stat(fault("web.aborts_injected"))).toBe(1);
    const off = await faultProxy({ ...headerFaults, disable_downstream_cluster_stats: true });
    await request(off.h.port, "/", { headers: { "x-envoy-fault-abort-request": "503", "x-envoy-downstream-service-cluster": "api" } });
    expect(await off.h.stat(fault("api.aborts_injected"))).toBeUndefined();
  });
});

describe("fault: which requests", () => {
  it("headers, upstream_cluster and downstream_nodes must all match", async () => {
    const config = {
      abort: { http_status: 503, percentage: ALL },
      headers: [{ name: "x-chaos", string_match: { exact: "on" } }],
      upstream_cluster: "c",
      downstream_nodes: ["node-a"],
    };
    const routes = [
      { match: { prefix: "/other" }, route: { cluster: "other" } },
      { match: { prefix: "/" }, route: { cluster: "c" } },
    ];
    const { h } = await faultProxy(config, routes);
    const hit = { "x-chaos": "on", "x-envoy-downstream-service-node": "node-a" };
    expect((await request(h.port, "/", { headers: hit })).status).toBe(503);
    expect((await request(h.port, "/", { headers: { ...hit, "x-chaos": "off" } })).status).toBe(200);
    expect((await request(h.port, "/", { headers: { "x-chaos": "on", "x-envoy-downstream-service-node": "node-b" } })).status).toBe(200);
    expect((await request(h.port, "/other", { headers: hit })).status).toBe(200);
  });

  it("per route: the route's HTTPFault replaces the filter's", async () => {
    const routes = [
      { match: { prefix: "/special" }, route: { cluster: "c" }, typed_per_filter_config: { "envoy.filters.http.fault": { "@type": TYPE, abort: { http_status: 418, percentage: ALL } } } },
      { match: { prefix: "/" }, route: { cluster: "c" } },
    ];
    const { h } = await faultProxy({ abort: { http_status: 503, percentage: ALL } }, routes);
    expect((await request(h.port, "/special")).status).toBe(418);
    expect((await request(h.port, "/")).status).toBe(503);
  });
});

describe("fault: active faults", () => {
  it("max_active_faults: past it no fault is injected and faults_overflow counts", async () => {
    const { h, u } = await faultProxy({ max_active_faults: 1, delay: { header_delay: {}, percentage: ALL } });
    const slow = request(h.port, "/", { headers: { "x-envoy-fault-delay-request": "400" } });
    await waitFor(() => h.proxy.store.gauge(fault("active_faults")).value === 1, "one active fault");
    const t = await timed(request(h.port, "/", { headers: { "x-envoy-fault-delay-request": "400" } }));
    expect(t).toBeLessThan(300);
    expect(await h.stat(fault("faults_overflow"))).toBe(1);
    await slow;
    expect(u.seen).toHaveLength(2);
    expect(h.proxy.store.gauge(fault("active_faults")).value).toBe(0);
  });

  it("a delayed request whose client leaves is cancelled: no upstream request later, the gauge goes back to 0", async () => {
    const { h, u } = await faultProxy({ delay: { fixed_delay: "0.5s", percentage: ALL } });
    const req = http.get({ host: "127.0.0.1", port: h.port, path: "/", agent: false });
    req.on("error", () => {});
    await waitFor(() => h.proxy.store.gauge(fault("active_faults")).value === 1, "the delay");
    req.destroy();
    await waitFor(() => h.proxy.store.gauge(fault("active_faults")).value === 0, "the cancelled fault");
    await sleep(700);
    expect(u.seen).toHaveLength(0);
    expect(await h.stat("http.ingress_http.downstream_rq_rx_reset")).toBe(1);
  });
});

describe("fault: what a config may say", () => {
  it("refuses response_rate_limit, a delay or abort without its kind, an abort status outside [200, 600)", () => {
    const l = (c: Record<string, unknown>) => withHttpFilters(listener("l", [{ match: { prefix: "/" }, route: { cluster: "c" } }]), [{ name: "envoy.filters.http.fault", typed_config: { "@type": TYPE, ...c } }]);
    expect(refusals(l({ response_rate_limit: { fixed_limit: { limit_kbps: 1 } } }))).toEqual([`${FIRST_FILTER}.response_rate_limit: response_rate_limit is not supported by Signalbox`]);
    expect(refusals(l({ delay: { percentage: ALL } }))).toEqual([`${FIRST_FILTER}.delay: exactly one of fixed_delay, header_delay is required (got none)`]);
    expect(refusals(l({ abort: { http_status: 600 } }))).toEqual([`${FIRST_FILTER}.abort.http_status: must be in [200, 600)`]);
  });
});
