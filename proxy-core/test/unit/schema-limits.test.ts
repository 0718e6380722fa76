// The contract's limits (schema-limits.ts) as the worker loads a bootstrap: each refusal at its field path, in
// words that name the limit, and the value just inside each limit accepted.
import { describe, expect, it } from "vitest";
import {
  DIRECT_RESPONSE_BODY_MAX_BYTES, HCM_TYPE, HEADER_MAX_BYTES, NAME_MAX_CHARS, REGEX_MAX_CHARS, ROUTER_TYPE, validateBootstrap,
} from "../../src/config/index";

interface Parts { listener?: Record<string, unknown>; vhost?: Record<string, unknown>; route?: Record<string, unknown>; cluster?: Record<string, unknown>; endpointPort?: number }

function doc(p: Parts = {}) {
  return {
    static_resources: {
      listeners: [{
        name: "main",
        address: { socket_address: { address: "127.0.0.1", port_value: 8080 } },
        filter_chains: [{ filters: [{ name: "envoy.filters.network.http_connection_manager", typed_config: {
          "@type": HCM_TYPE,
          stat_prefix: "main",
          route_config: { virtual_hosts: [{ name: "all", domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster: "c" }, ...p.route }], ...p.vhost }] },
          http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": ROUTER_TYPE } }],
        } }] }],
        ...p.listener,
      }],
      clusters: [{
        name: "c",
        load_assignment: { cluster_name: "c", endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: p.endpointPort ?? 9000 } } } }] }] },
        ...p.cluster,
      }],
    },
  };
}

const L = "static_resources.listeners[0]";
const VH = `${L}.filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0]`;
const R = `${VH}.routes[0]`;
const C = "static_resources.clusters[0]";

/** The problems of a document (cross-reference problems included), as `path: message`. */
function problems(input: unknown): string[] {
  const r = validateBootstrap(input);
  return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
}

describe("names", () => {
  const long = "n".repeat(NAME_MAX_CHARS + 1);
  const max = "n".repeat(NAME_MAX_CHARS);

  it("refuses listener, cluster, virtual host and route names over 253 characters, saying so", () => {
    expect(NAME_MAX_CHARS).toBe(253);
    const renamed = (name: string) => doc({ listener: { name }, vhost: { name }, route: { name }, cluster: { name, load_assignment: undefined } });
    expect(problems(renamed(long))).toEqual(expect.arrayContaining([
      `${L}.name: must be at most 253 characters`,
      `${VH}.name: must be at most 253 characters`,
      `${R}.name: must be at most 253 characters`,
      `${C}.name: must be at most 253 characters`,
    ]));
    // the route's cluster is still "c", so only the unknown cluster remains at 60
    expect(problems(renamed(max))).toEqual([`${R}.route.cluster: unknown cluster "c"`]);
  });

  it("keeps names that are part of stat names to visible ASCII without ':'", () => {
    for (const bad of ["api backend", "api:8080", "tab\there", "café"]) {
      expect(problems(doc({ cluster: { name: bad, load_assignment: undefined }, route: { route: { cluster: bad } } }))).toEqual([
        `${C}.name: may contain only visible ASCII characters other than ':' (no spaces: the name is part of stat names, where Envoy writes ':' as '_')`,
      ]);
    }
    // what real Envoy configs use: dots, dashes, underscores, Istio's `outbound|80||svc`
    for (const good of ["api.v1-backend_2", "outbound|80||reviews.default"])
      expect(problems(doc({ cluster: { name: good, load_assignment: undefined }, route: { route: { cluster: good } } }))).toEqual([]);
    expect(problems(doc({ route: { stat_prefix: "a b" } }))).toEqual([expect.stringMatching(new RegExp(`^${R.replace(/[[\].]/g, "\\$&")}\\.stat_prefix: may contain only visible ASCII`))]);
  });

  it("lets a route name have spaces (it is in logs, not stats) but no line breaks", () => {
    expect(problems(doc({ route: { name: "Checkout API" } }))).toEqual([]);
    expect(problems(doc({ route: { name: "a\nb" } }))).toEqual([`${R}.name: must not contain control characters such as line breaks (the name is written into access log lines)`]);
  });
});

describe("ports", () => {
  it("lets a listener bind port 0 (any free port) and refuses past 65535", () => {
    expect(problems(doc({ listener: { address: { socket_address: { address: "127.0.0.1", port_value: 0 } } } }))).toEqual([]);
    expect(problems(doc({ listener: { address: { socket_address: { address: "127.0.0.1", port_value: 65536 } } } }))).toEqual([`${L}.address.socket_address.port_value: must be a port between 0 and 65535`]);
  });

  it("refuses an endpoint on port 0, which nothing can connect to", () => {
    const at = `${C}.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value`;
    expect(problems(doc({ endpointPort: 0 }))).toEqual([`${at}: must be a port between 1 and 65535`]);
    expect(problems(doc({ endpointPort: 65536 }))).toEqual([`${at}: must be a port between 1 and 65535`]);
    expect(problems(doc({ endpointPort: 1.5 }))).toEqual([`${at}: must be a port between 1 and 65535`]);
    expect(problems(doc({ endpointPort: 1 }))).toEqual([]);
  });
});

describe("direct response bodies", () => {
  const body = (inline_string: string) => doc({ route: { route: undefined, direct_response: { status: 200, body: { inline_string } } } });

  it("takes up to 4096 bytes, Envoy's default max_direct_response_body_size_bytes, counted in UTF-8", () => {
    expect(DIRECT_RESPONSE_BODY_MAX_BYTES).toBe(4096);
    expect(problems(body("x".repeat(4096)))).toEqual([]);
    const msg = `${R}.direct_response.body.inline_string: must be at most 4096 bytes (Envoy's default max_direct_response_body_size_bytes)`;
    expect(problems(body("x".repeat(4097)))).toEqual([msg]);
    // 2,049 two-byte characters: fewer than 4096 characters, more than 4096 bytes
    expect(problems(body("é".repeat(2049)))).toEqual([msg]);
    expect(problems(body("x".repeat(5 * 1024 * 1024)))).toEqual([msg]);
  });
});

describe("headers", () => {
  it("bounds header names and values at Envoy's 16384 bytes and refuses CR, LF and NUL", () => {
    const add = (key: string, value: string) => doc({ route: { request_headers_to_add: [{ header: { key, value } }] } });
    const at = `${R}.request_headers_to_add[0].header`;
    expect(problems(add("x-a", "v".repeat(HEADER_MAX_BYTES)))).toEqual([]);
    expect(problems(add("x-a", "v".repeat(HEADER_MAX_BYTES + 1)))).toEqual([`${at}.value: must be at most 16384 bytes`]);
    expect(problems(add("x".repeat(HEADER_MAX_BYTES + 1), "v"))).toEqual([`${at}.key: must be at most 16384 bytes`]);
    expect(problems(add("x-a", "v\r\nx-injected: 1"))).toEqual([`${at}.value: must not contain CR, LF or NUL`]);
    expect(problems(doc({ route: { match: { prefix: "/", headers: [{ name: "x\nb", present_match: true }] } } }))).toEqual([`${R}.match.headers[0].name: must not contain CR, LF or NUL`]);
  });
});

describe("regexes", () => {
  const re = (regex: string) => doc({ route: { match: { safe_regex: { regex } } } });

  it("take at most 1024 characters (JS RegExp has no RE2 program size to bound)", () => {
    expect(problems(re("/" + "a".repeat(REGEX_MAX_CHARS - 1)))).toEqual([]);
    expect(problems(re("/" + "a".repeat(REGEX_MAX_CHARS)))).toEqual([`${R}.match.safe_regex.regex: must be at most 1024 characters`]);
  });

  it("refuse counted repetitions above 1000, as RE2 does", () => {
    expect(problems(re("/a{1000}"))).toEqual([]);
    expect(problems(re("/a{1001}"))).toEqual([`${R}.match.safe_regex.regex: repetition {1001} is refused by RE2 (counts must be at most 1000)`]);
    expect(problems(re("/a{2,1001}"))).toEqual([`${R}.match.safe_regex.regex: repetition {2,1001} is refused by RE2 (counts must be at most 1000)`]);
  });
});
