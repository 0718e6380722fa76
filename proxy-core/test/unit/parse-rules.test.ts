// The spellings Envoy's config loader accepts (protobuf's JSON parser with case-insensitive enums and legacy
// syntax, see schema-common.ts), each read into the one canonical form the runtime sees.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  BoolValue,
  Cluster,
  Duration,
  HCM_TYPE,
  Listener,
  Port,
  UInt32Value,
  durationToMs,
  envoyEnum,
  envoyName,
  formatPath,
  listenerNameFor,
  repeated,
  validateResources,
  ZIPKIN_TYPE,
  ZipkinConfig,
} from "../../src/config/index";

const ok = <T>(schema: z.ZodType<T>, v: unknown): T => {
  const r = schema.safeParse(v);
  if (!r.success) throw new Error(JSON.stringify(r.error.issues));
  return r.data;
};
const refusal = (schema: z.ZodType, v: unknown) => {
  const r = schema.safeParse(v);
  return r.success ? null : r.error.issues.map((i) => i.message).join("; ");
};

describe("google.protobuf.Duration", () => {
  it('reads "1.5s" and {seconds, nanos} as the same string', () => {
    expect(ok(Duration, "1.5s")).toBe("1.5s");
    expect(ok(Duration, { seconds: 1, nanos: 500_000_000 })).toBe("1.5s");
    expect(ok(Duration, { seconds: "2" })).toBe("2s"); // int64 fields may be JSON strings
    expect(ok(Duration, { nanos: 250_000_000 })).toBe("0.25s");
    expect(ok(Duration, { seconds: 0, nanos: 1 })).toBe("0.000000001s");
    expect(ok(Duration, {})).toBe("0s");
    expect(durationToMs(ok(Duration, { seconds: 3, nanos: 5_000_000 }))).toBe(3005);
  });

  it("refuses what protobuf's parser refuses: a bare number, a unit other than s, unknown fields, nanos out of range", () => {
    for (const bad of [5, "5", "5ms", "1.5 s", { seconds: 1, millis: 2 }, { nanos: 1_000_000_000 }, { seconds: 1.5 }, "-1s"]) expect(refusal(Duration, bad), JSON.stringify(bad)).toMatch(/must be a duration/);
  });
});

describe("wrapper types (UInt32Value, BoolValue …)", () => {
  it("take the bare value or {value}", () => {
    expect(ok(UInt32Value, 5)).toBe(5);
    expect(ok(UInt32Value, { value: 5 })).toBe(5);
    expect(ok(BoolValue, { value: false })).toBe(false);
    expect(ok(BoolValue, true)).toBe(true);
  });

  it("refuse {value} with other fields, and {value} on a field that is not a wrapper", () => {
    expect(refusal(UInt32Value, { value: 5, x: 1 })).not.toBeNull();
    expect(refusal(Port, { value: 80 })).not.toBeNull();
  });

  it("are applied where the proto has a wrapper: circuit breaker thresholds, endpoint weights, retries, case_sensitive", () => {
    const c = ok(Cluster, {
      name: "c",
      circuit_breakers: { thresholds: [{ max_connections: { value: 7 }, max_requests: 3 }] },
      load_assignment: { cluster_name: "c", endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: 1 } } }, load_balancing_weight: { value: 2 } }] }] },
      per_connection_buffer_limit_bytes: { value: 1024 },
    });
    expect(c.circuit_breakers!.thresholds![0]).toEqual({ max_connections: 7, max_requests: 3 });
    expect(c.load_assignment!.endpoints![0].lb_endpoints[0].load_balancing_weight).toBe(2);
    expect(c.per_connection_buffer_limit_bytes).toBe(1024);
  });
});

describe("enums", () => {
  const Codec = envoyEnum(["AUTO", "HTTP1"], ["HTTP2", "HTTP3"]);
  it("are case-insensitive and take the proto number, as a number or a string", () => {
    expect(ok(Codec, "auto")).toBe("AUTO");
    expect(ok(Codec, "Http1")).toBe("HTTP1");
    expect(ok(Codec, 1)).toBe("HTTP1");
    expect(ok(Codec, "0")).toBe("AUTO");
    expect(ok(envoyEnum(["TLS_AUTO", "TLSv1_0", "TLSv1_1", "TLSv1_2", "TLSv1_3"]), "tlsv1_2")).toBe("TLSv1_2");
  });

  it("name values Signalbox does not implement, however they are spelled", () => {
    expect(refusal(Codec, "http2")).toMatch(/^HTTP2 is not supported \(supported: AUTO, HTTP1\)/);
    expect(refusal(Codec, 3)).toMatch(/^HTTP3 is not supported/);
    expect(refusal(Codec, 9)).toMatch(/^unknown value "9"/);
    expect(refusal(Codec, "HTTP/1.1")).toMatch(/^unknown value "HTTP\/1.1"/);
  });

  it("use the proto's numbers where they are not positions (LbPolicy skips 4; collector_endpoint_version starts at the removed value)", () => {
    const lb = ok(Cluster, { name: "c", lb_policy: 3 });
    expect(lb.lb_policy).toBe("RANDOM");
    expect(refusal(Cluster, { name: "c", lb_policy: 5 })).toMatch(/^MAGLEV is not supported/);
    expect(refusal(Cluster, { name: "c", lb_policy: "maglev" })).toMatch(/^MAGLEV is not supported/);
    const zipkin = (v: unknown) => ({ "@type": ZIPKIN_TYPE, collector_cluster: "z", collector_endpoint: "/api/v2/spans", collector_endpoint_version: v });
    expect(ok(ZipkinConfig, zipkin(1)).collector_endpoint_version).toBe("HTTP_JSON");
    expect(refusal(ZipkinConfig, zipkin(0))).toMatch(/^DEPRECATED_AND_UNAVAILABLE_DO_NOT_USE is not supported/);
  });

  it("names (transport_protocol, tracer and predicate names) are exact strings, not enums", () => {
    expect(refusal(envoyEnum(["tls"], ["raw_buffer"]), "TLS")).toMatch(/^unknown value "TLS"/);
    expect(refusal(envoyName(["envoy.tracers.zipkin"]), "ENVOY.TRACERS.ZIPKIN")).toMatch(/^unknown value/);
    expect(refusal(envoyName(["UH"]), "uh")).toMatch(/^unknown value/);
  });
});

describe("repeated fields", () => {
  it("read a single element as a list of one (protobuf's legacy syntax), keep lists and absence", () => {
    const Strings = repeated(z.array(z.string()).min(1)).optional();
    expect(ok(Strings, "*")).toEqual(["*"]);
    expect(ok(Strings, ["a", "b"])).toEqual(["a", "b"]);
    expect(ok(Strings, undefined)).toBeUndefined();
    expect(ok(Cluster, { name: "c", circuit_breakers: { thresholds: { max_connections: 1 } } }).circuit_breakers).toEqual({ thresholds: [{ max_connections: 1 }] });
  });
});

describe("listener names", () => {
  const listener = (extra: Record<string, unknown>, port = 8080, address = "127.0.0.1") => ({
    address: { socket_address: { address, port_value: port } },
    filter_chains: [{ filters: [{ name: "envoy.filters.network.http_connection_manager", typed_config: { "@type": HCM_TYPE, stat_prefix: "s", route_config: {} } }] }],
    ...extra,
  });

  it("a listener without a name (or with an empty one) is named after its address", () => {
    expect(ok(Listener, listener({})).name).toBe("127.0.0.1_8080");
    expect(ok(Listener, listener({ name: "" })).name).toBe("127.0.0.1_8080");
    expect(ok(Listener, listener({ name: "edge" })).name).toBe("edge");
    expect(listenerNameFor({ socket_address: { address: "::1", port_value: 80 } })).toBe("[::1]_80");
  });

  it("two unnamed listeners on port 0 of one address get the same name, and the refusal says why", () => {
    const r = validateResources({ listeners: [listener({}, 0), listener({}, 0)], clusters: [] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([{ path: "listeners[1].name", message: expect.stringMatching(/^duplicate listener name "127.0.0.1_0" \(also listeners\[0\]\); a listener without a name is named after its address/) }]);
  });
});

describe("field paths", () => {
  it("write map keys that are not field names in brackets", () => {
    expect(formatPath(["clusters", 0, "typed_extension_protocol_options", "envoy.extensions.upstreams.http.v3.HttpProtocolOptions", "@type"])).toBe(
      'clusters[0].typed_extension_protocol_options["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"].@type',
    );
  });
});
