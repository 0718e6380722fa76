// Deprecated fields Envoy v3 still honours: each is read as its replacement and reported once, with its path,
// in the result's warnings; the parsed value only holds the replacement, so it validates again without warnings.
// Also the cluster protocol options, layered_runtime, and refused extensions named in one line.
import { describe, expect, it } from "vitest";
import { HCM_TYPE, HTTP_PROTOCOL_OPTIONS, HTTP_PROTOCOL_OPTIONS_TYPE, isHttp2Only, validateBootstrap, validateResources } from "../../src/config/index";

const R = "listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0]";
const ep = (port: number) => ({ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: port } } } });
const resources = (route: Record<string, unknown>, clusters: Record<string, unknown>[] = [{ name: "a" }, { name: "b" }]) => ({
  listeners: [{
    name: "main",
    address: { socket_address: { address: "127.0.0.1", port_value: 8080 } },
    filter_chains: [{ filters: [{ name: "envoy.filters.network.http_connection_manager", typed_config: {
      "@type": HCM_TYPE, stat_prefix: "s", route_config: { virtual_hosts: [{ name: "all", domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster: "a" }, ...route }] }] },
    } }] }],
  }],
  clusters: clusters.map((c) => ({ load_assignment: { cluster_name: String(c.name), endpoints: [{ lb_endpoints: [ep(1)] }] }, ...c })),
});

function accepted(input: unknown) {
  const r = validateResources(input);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.path}: ${e.message}`).join("\n"));
  // the parsed value is canonical: it validates again, to itself, with no warnings
  const again = validateResources(r.value);
  expect(again).toEqual({ ok: true, value: r.value, warnings: [] });
  return r;
}
function refused(input: unknown) {
  const r = validateResources(input);
  return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
}
const routeOf = (r: ReturnType<typeof accepted>) => {
  const f = r.value.listeners[0].filter_chains[0].filters[0].typed_config;
  return (f as { route_config: { virtual_hosts: { routes: Record<string, unknown>[] }[] } }).route_config.virtual_hosts[0].routes[0];
};

describe("HeaderValueOption append (→ append_action)", () => {
  it("true is APPEND_IF_EXISTS_OR_ADD, false OVERWRITE_IF_EXISTS_OR_ADD, a wrapper too; one warning each", () => {
    const r = accepted(resources({
      request_headers_to_add: [{ header: { key: "x-a", value: "1" }, append: true }, { header: { key: "x-b", value: "2" }, append: { value: false } }],
    }));
    expect(routeOf(r).request_headers_to_add).toEqual([
      { header: { key: "x-a", value: "1" }, append_action: "APPEND_IF_EXISTS_OR_ADD" },
      { header: { key: "x-b", value: "2" }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" },
    ]);
    expect(r.warnings).toEqual([
      { path: `${R}.request_headers_to_add[0].append`, message: "append is deprecated: read as append_action: APPEND_IF_EXISTS_OR_ADD (write it that way)" },
      { path: `${R}.request_headers_to_add[1].append`, message: "append is deprecated: read as append_action: OVERWRITE_IF_EXISTS_OR_ADD (write it that way)" },
    ]);
  });

  it("is refused beside an append_action other than the default, as Envoy's header parser does", () => {
    expect(refused(resources({ response_headers_to_add: [{ header: { key: "x", value: "1" }, append: false, append_action: "ADD_IF_ABSENT" }] }))).toEqual([
      `${R}.response_headers_to_add[0].append: append and append_action are both set, which Envoy refuses (append is deprecated: keep append_action)`,
    ]);
    // beside the default value Envoy cannot tell it was set, and `append` decides
    const r = accepted(resources({ response_headers_to_add: [{ header: { key: "x", value: "1" }, append: false, append_action: "APPEND_IF_EXISTS_OR_ADD" }] }));
    expect((routeOf(r).response_headers_to_add as { append_action: string }[])[0].append_action).toBe("OVERWRITE_IF_EXISTS_OR_ADD");
  });
});

describe("HeaderMatcher exact_match … safe_regex_match (→ string_match)", () => {
  it("each becomes the same string_match, with a warning naming it", () => {
    const headers = [
      { name: "a", exact_match: "x" },
      { name: "b", prefix_match: "p" },
      { name: "c", suffix_match: "s" },
      { name: "d", contains_match: "c" },
      { name: "e", safe_regex_match: { regex: "[0-9]+" }, invert_match: true },
    ];
    const r = accepted(resources({ match: { prefix: "/", headers } }));
    expect((routeOf(r).match as { headers: unknown[] }).headers).toEqual([
      { name: "a", string_match: { exact: "x" } },
      { name: "b", string_match: { prefix: "p" } },
      { name: "c", string_match: { suffix: "s" } },
      { name: "d", string_match: { contains: "c" } },
      { name: "e", string_match: { safe_regex: { regex: "[0-9]+" } }, invert_match: true },
    ]);
    expect(r.warnings.map((w) => w.path)).toEqual(["exact_match", "prefix_match", "suffix_match", "contains_match", "safe_regex_match"].map((k, i) => `${R}.match.headers[${i}].${k}`));
    expect(r.warnings[0].message).toBe("exact_match is deprecated: read as string_match.exact (write it that way)");
  });

  it("two specifiers are refused (one oneof in the proto); an empty prefix_match too (min_len 1)", () => {
    expect(refused(resources({ match: { prefix: "/", headers: [{ name: "a", exact_match: "x", string_match: { exact: "x" } }] } }))).toEqual([
      `${R}.match.headers[0]: at most one of string_match, present_match, exact_match, prefix_match, suffix_match, contains_match, safe_regex_match may be set (got string_match, exact_match)`,
    ]);
    expect(refused(resources({ match: { prefix: "/", headers: [{ name: "a", prefix_match: "" }] } }))).toHaveLength(1);
  });
});

describe("RegexMatcher google_re2, WeightedCluster total_weight", () => {
  it("google_re2 (and its max_program_size) are accepted, dropped and reported", () => {
    const r = accepted(resources({ match: { safe_regex: { google_re2: { max_program_size: 1000 }, regex: "/v[0-9]+" } } }));
    expect(routeOf(r).match).toEqual({ safe_regex: { regex: "/v[0-9]+" } });
    expect(r.warnings).toEqual([{ path: `${R}.match.safe_regex.google_re2`, message: expect.stringMatching(/^google_re2 is deprecated .*max_program_size is ignored/) }]);
  });

  it("total_weight is ignored: the split follows the sum of the weights, as current Envoy's does", () => {
    const r = accepted(resources({ route: { weighted_clusters: { total_weight: 100, clusters: [{ name: "a", weight: 30 }, { name: "b", weight: { value: 60 } }] } } }));
    expect(routeOf(r).route).toEqual({ weighted_clusters: { clusters: [{ name: "a", weight: 30 }, { name: "b", weight: 60 }] } });
    expect(r.warnings).toEqual([{ path: `${R}.route.weighted_clusters.total_weight`, message: "total_weight is deprecated and ignored: traffic is split by the sum of the weights (90), as current Envoy does" }]);
  });
});

describe("cluster protocol options", () => {
  const h2 = { [HTTP_PROTOCOL_OPTIONS]: { "@type": HTTP_PROTOCOL_OPTIONS_TYPE, explicit_http_config: { http2_protocol_options: {} } } };
  const C = "clusters[1]";

  it("HTTP/2 options make a cluster HTTP/2-only: fine unused, one line per route that sends HTTP traffic to it", () => {
    const r = accepted(resources({}, [{ name: "a" }, { name: "grpc", typed_extension_protocol_options: h2 }]));
    expect(isHttp2Only(r.value.clusters[1])).toBe(true);
    expect(isHttp2Only(r.value.clusters[0])).toBe(false);
    const msg = "cluster grpc is HTTP/2-only (explicit_http_config.http2_protocol_options); Signalbox forwards HTTP/1.1 upstream, so only gRPC services (ext_authz) can use it";
    expect(refused(resources({ route: { cluster: "grpc" } }, [{ name: "a" }, { name: "grpc", typed_extension_protocol_options: h2 }]))).toEqual([`${R}.route.cluster: ${msg}`]);
    expect(refused(resources({ route: { weighted_clusters: { clusters: [{ name: "a", weight: 1 }, { name: "grpc", weight: 1 }] } } }, [{ name: "a" }, { name: "grpc", typed_extension_protocol_options: h2 }]))).toEqual([
      `${R}.route.weighted_clusters.clusters[1].name: ${msg}`,
    ]);
  });

  it("HTTP/1.1 options change nothing; other options and other extensions are refused by name, one line each", () => {
    accepted(resources({}, [{ name: "a", typed_extension_protocol_options: { [HTTP_PROTOCOL_OPTIONS]: { "@type": HTTP_PROTOCOL_OPTIONS_TYPE, explicit_http_config: { http_protocol_options: {} } } } }]));
    const P = `${C.replace("1", "0")}.typed_extension_protocol_options`;
    const one = (opts: unknown) => refused(resources({}, [{ name: "a", typed_extension_protocol_options: opts }]));
    expect(one({ [HTTP_PROTOCOL_OPTIONS]: { "@type": HTTP_PROTOCOL_OPTIONS_TYPE, auto_config: {} } })).toEqual([`${P}["${HTTP_PROTOCOL_OPTIONS}"].auto_config: auto_config is not supported by Signalbox`]);
    expect(one({ [HTTP_PROTOCOL_OPTIONS]: { "@type": HTTP_PROTOCOL_OPTIONS_TYPE, explicit_http_config: { http3_protocol_options: {} } } })).toEqual([
      `${P}["${HTTP_PROTOCOL_OPTIONS}"].explicit_http_config.http3_protocol_options: http3_protocol_options is not supported by Signalbox`,
    ]);
    expect(one({ [HTTP_PROTOCOL_OPTIONS]: { "@type": HTTP_PROTOCOL_OPTIONS_TYPE, explicit_http_config: { http2_protocol_options: { max_concurrent_streams: 10 } } } })).toEqual([
      `${P}["${HTTP_PROTOCOL_OPTIONS}"].explicit_http_config.http2_protocol_options.max_concurrent_streams: max_concurrent_streams is not supported by Signalbox`,
    ]);
    expect(one({ "envoy.filters.network.thrift_proxy": { "@type": "type.googleapis.com/envoy.extensions.filters.network.thrift_proxy.v3.ThriftProtocolOptions" } })).toEqual([
      `${P}["envoy.filters.network.thrift_proxy"]: envoy.filters.network.thrift_proxy is not supported by Signalbox`,
    ]);
  });

  it("the deprecated http2_protocol_options means the same, with a warning; beside typed options it is ignored, as in Envoy", () => {
    const r = accepted(resources({}, [{ name: "a" }, { name: "grpc", http2_protocol_options: {} }]));
    expect(r.value.clusters[1].typed_extension_protocol_options).toEqual(h2);
    expect(r.warnings).toEqual([{ path: `${C}.http2_protocol_options`, message: expect.stringMatching(/^http2_protocol_options is deprecated: read as typed_extension_protocol_options/) }]);
    const both = accepted(resources({}, [{ name: "a" }, { name: "grpc", http2_protocol_options: {}, typed_extension_protocol_options: h2 }]));
    expect(both.warnings[0].message).toMatch(/deprecated and ignored: typed_extension_protocol_options is set/);
    expect(refused(resources({}, [{ name: "a" }, { name: "x", http2_protocol_options: {}, http_protocol_options: {} }]))).toEqual([
      `${C}.http2_protocol_options: Both HTTP1 and HTTP2 options may only be configured with non-default 'protocol_selection' values (Envoy's words): keep one`,
    ]);
  });

  it("dns_refresh_rate is still honoured, with a warning", () => {
    // the field itself stays (Signalbox has no replacement for it), so it warns at every load
    const r = validateResources(resources({}, [{ name: "a", type: "STRICT_DNS", dns_refresh_rate: { seconds: 10 } }]));
    expect(r.ok && r.value.clusters[0].dns_refresh_rate).toBe("10s");
    expect(r.ok && r.warnings.map((w) => w.path)).toEqual(["clusters[0].dns_refresh_rate"]);
  });
});

describe("extensions Signalbox does not implement are named once", () => {
  it("an upstream and a downstream transport socket: one line each, whatever their config holds", () => {
    const alts = { name: "envoy.transport_sockets.alts", typed_config: { "@type": "type.googleapis.com/envoy.extensions.transport_sockets.alts.v3.Alts", handshaker_service: "x" } };
    expect(refused(resources({}, [{ name: "a", transport_socket: alts }]))).toEqual([
      "clusters[0].transport_socket: envoy.transport_sockets.alts (envoy.extensions.transport_sockets.alts.v3.Alts) is not supported by Signalbox",
    ]);
    const input = resources({});
    (input.listeners[0].filter_chains[0] as Record<string, unknown>).transport_socket = alts;
    expect(refused(input)).toEqual(["listeners[0].filter_chains[0].transport_socket: envoy.transport_sockets.alts (envoy.extensions.transport_sockets.alts.v3.Alts) is not supported by Signalbox"]);
  });
});

describe("bootstrap: admin.access_log_path, layered_runtime", () => {
  const boot = (extra: Record<string, unknown>) => ({ static_resources: {}, ...extra });
  const problems = (doc: unknown) => {
    const r = validateBootstrap(doc);
    return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
  };
  const admin = { address: { socket_address: { address: "127.0.0.1", port_value: 9901 } } };

  it("access_log_path: /dev/null is accepted with a warning; a real path is refused (no admin access log)", () => {
    const r = validateBootstrap(boot({ admin: { ...admin, access_log_path: "/dev/null" } }));
    expect(r.ok && r.value.admin).toEqual(admin);
    expect(r.ok && r.warnings.map((w) => w.path)).toEqual(["admin.access_log_path"]);
    expect(problems(boot({ admin: { ...admin, access_log_path: "/tmp/admin.log" } }))).toEqual(["admin.access_log_path: admin access logs are not supported by Signalbox (only access_log_path: /dev/null)"]);
  });

  it("static and admin layers are kept, in order, for the runtime", () => {
    const layers = [{ name: "static", static_layer: { envoy: { resource_limits: { listener: { l: { connection_limit: 10 } } } }, "re2.max_program_size.error_level": 200 } }, { name: "admin", admin_layer: {} }];
    const r = validateBootstrap(boot({ layered_runtime: { layers } }));
    expect(r.ok && r.value.layered_runtime).toEqual({ layers });
  });

  it("disk and RTDS layers are refused by name, one line each; duplicate names and a second admin layer as Envoy refuses them", () => {
    expect(problems(boot({ layered_runtime: { layers: [{ name: "d", disk_layer: { symlink_root: "/srv/runtime" } }, { name: "r", rtds_layer: { name: "x" } }] } }))).toEqual([
      "layered_runtime.layers[0].disk_layer: disk_layer is not supported by Signalbox",
      "layered_runtime.layers[1].rtds_layer: rtds_layer is not supported by Signalbox",
    ]);
    expect(problems(boot({ layered_runtime: { layers: [{ name: "a", admin_layer: {} }, { name: "a", admin_layer: {} }] } }))).toEqual([
      "layered_runtime.layers[1].name: Duplicate layer name: a (also layers[0])",
      "layered_runtime.layers[1].admin_layer: at most one admin_layer may be specified (layers[0] is one)",
    ]);
    expect(problems(boot({ layered_runtime: { layers: [{ name: "none" }] } }))).toEqual(["layered_runtime.layers[0]: exactly one of static_layer, admin_layer is required (got none)"]);
  });
});
