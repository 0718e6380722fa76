// Validation of HCM `tracing`, route `decorator` and listener `traffic_direction` (Envoy docs: Tracing,
// intro/arch_overview/observability/tracing; the fields Envoy's Zipkin sandbox uses, as in
// proxy-core/examples/zipkin/front-proxy-zipkin.yaml): supported fields pass, everything else is refused with its
// path, and collector_cluster must name a cluster.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { HCM_TYPE, ZIPKIN_TYPE, validateBootstrap, validateResources } from "../../src/config/index";
import { requestIdBucket, traceStatusOf, withTraceStatus, TraceStatus } from "../../src/tracing/sampling";
import { isHexId, newId64 } from "../../src/tracing/ids";

const zipkin = (extra: Record<string, unknown> = {}) => ({
  name: "envoy.tracers.zipkin",
  typed_config: { "@type": ZIPKIN_TYPE, collector_cluster: "zipkin", collector_endpoint: "/api/v2/spans", collector_endpoint_version: "HTTP_JSON", ...extra },
});
const resources = (tracing: unknown, extra: { listener?: Record<string, unknown>; route?: Record<string, unknown> } = {}) => ({
  listeners: [{
    name: "main",
    address: { socket_address: { address: "127.0.0.1", port_value: 10000 } },
    ...extra.listener,
    filter_chains: [{ filters: [{ name: "envoy.filters.network.http_connection_manager", typed_config: {
      "@type": HCM_TYPE, stat_prefix: "ingress_http", tracing,
      route_config: { virtual_hosts: [{ name: "all", domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster: "backend" }, ...extra.route }] }] },
    } }] }],
  }],
  clusters: [{ name: "backend" }, { name: "zipkin" }],
});
const T = "listeners[0].filter_chains[0].filters[0].typed_config.tracing";

function errors(input: unknown) {
  const r = validateResources(input);
  return r.ok ? [] : r.errors;
}

describe("tracing config", () => {
  it("accepts the supported subset (the zipkin example's fields)", () => {
    const input = resources(
      { random_sampling: { value: 1 }, client_sampling: { value: 100 }, overall_sampling: { value: 50 }, provider: zipkin({ trace_id_128bit: true, shared_span_context: false, collector_hostname: "zipkin.local", trace_context_option: "USE_B3_WITH_W3C_PROPAGATION" }) },
      { listener: { traffic_direction: "OUTBOUND" }, route: { decorator: { operation: "checkout", propagate: false } } },
    );
    expect(errors(input)).toEqual([]);
    expect(errors(resources({}))).toEqual([]);
  });

  it("refuses unsupported tracing fields, tracers and values with their paths", () => {
    const e = errors(resources({ custom_tags: [], verbose: true, max_path_tag_length: 256, spawn_upstream_span: true, random_sampling: { value: 101 }, provider: zipkin({ collector_endpoint_version: "HTTP_PROTO", split_spans_for_request: true, trace_context_option: "USE_W3C" }) }));
    const byPath = Object.fromEntries(e.map((x) => [x.path, x.message]));
    expect(byPath[`${T}.custom_tags`]).toBe("custom_tags is not supported by Signalbox");
    expect(byPath[`${T}.verbose`]).toBe("verbose is not supported by Signalbox");
    expect(byPath[`${T}.max_path_tag_length`]).toBe("max_path_tag_length is not supported by Signalbox");
    expect(byPath[`${T}.spawn_upstream_span`]).toBe("spawn_upstream_span is not supported by Signalbox");
    expect(byPath[`${T}.random_sampling.value`]).toMatch(/100/);
    expect(byPath[`${T}.provider.typed_config.collector_endpoint_version`]).toMatch(/^HTTP_PROTO is not supported \(supported: HTTP_JSON\)/);
    expect(byPath[`${T}.provider.typed_config.split_spans_for_request`]).toBe("split_spans_for_request is not supported by Signalbox");
    expect(byPath[`${T}.provider.typed_config.trace_context_option`]).toMatch(/unknown value "USE_W3C"/);
    expect(e).toHaveLength(8);
    const other = errors(resources({ provider: { name: "envoy.tracers.opentelemetry", typed_config: zipkin().typed_config } }));
    expect(other).toEqual([{ path: `${T}.provider.name`, message: expect.stringMatching(/^envoy.tracers.opentelemetry is not supported/) }]);
    const noVersion = errors(resources({ provider: zipkin({ collector_endpoint_version: undefined }) }));
    expect(noVersion).toEqual([{ path: `${T}.provider.typed_config.collector_endpoint_version`, message: "is required" }]);
  });

  it("refuses an unknown collector_cluster, also beside schema errors", () => {
    expect(errors(resources({ provider: zipkin({ collector_cluster: "nowhere" }) }))).toEqual([
      { path: `${T}.provider.typed_config.collector_cluster`, message: 'unknown cluster "nowhere"' },
    ]);
    const doc = { static_resources: resources({ provider: zipkin({ collector_cluster: "nowhere" }) }, { listener: { traffic_direction: "SIDEWAYS" } }) };
    const r = validateBootstrap(doc);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((x) => x.path)).toEqual(
      expect.arrayContaining(["static_resources.listeners[0].traffic_direction", `static_resources.${T}.provider.typed_config.collector_cluster`]),
    );
  });

  it("the zipkin example bootstrap is valid", () => {
    const file = path.resolve(import.meta.dirname, "../../examples/zipkin/front-proxy-zipkin.yaml");
    const r = validateBootstrap(parseYaml(fs.readFileSync(file, "utf8")));
    expect(r.ok ? [] : r.errors).toEqual([]);
  });

  it("refuses unknown decorator fields", () => {
    const e = errors(resources({}, { route: { decorator: { operation: "x", name: "y" } } }));
    expect(e).toEqual([{ path: "listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0].decorator.name", message: "name is not supported by Signalbox" }]);
  });
});

describe("x-request-id trace status and ids", () => {
  it("reads and writes char 14, hashes the first 8 hex chars", () => {
    const rid = "0000270f-1111-4222-8333-444455556666";
    expect(requestIdBucket(rid)).toBe(9999);
    expect(requestIdBucket("0000ffff-x")).toBe(65535 % 10000);
    expect(requestIdBucket("zz")).toBe(-1);
    expect(traceStatusOf(rid)).toBe(TraceStatus.NoTrace);
    expect(withTraceStatus(rid, TraceStatus.Sampled)).toBe("0000270f-1111-b222-8333-444455556666");
    expect(traceStatusOf(withTraceStatus(rid, TraceStatus.Forced))).toBe(TraceStatus.Forced);
    expect(traceStatusOf(withTraceStatus(rid, TraceStatus.Client))).toBe(TraceStatus.Client);
    expect(withTraceStatus(rid, TraceStatus.NoTrace)[14]).toBe("9");
  });

  it("pooled ids are distinct 16-hex strings across buffer refills", () => {
    const ids = new Set(Array.from({ length: 2000 }, () => newId64()));
    expect(ids.size).toBe(2000);
    for (const id of ids) expect(isHexId(id, false)).toBe(true);
  });
});
