// Paths the worker opens (a DataSource's filename, a file access log's path) and virtual host domains: every path
// Envoy would take (absolute, relative, `../`), but never one with a NUL, CR or LF (Envoy's base.proto and
// route_components.proto check them as HTTP header values), refused with the field's path.
import { describe, expect, it } from "vitest";
import { FILE_ACCESS_LOG_TYPE, HCM_TYPE, ROUTER_TYPE, validateResources } from "../../src/config/index";

const VH = "listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0]";

function resources(o: { domain?: string; body?: string; log?: string; ca?: string }) {
  return {
    listeners: [{
      name: "main",
      address: { socket_address: { address: "127.0.0.1", port_value: 8080 } },
      filter_chains: [{
        filters: [{
          name: "envoy.filters.network.http_connection_manager",
          typed_config: {
            "@type": HCM_TYPE,
            stat_prefix: "main",
            ...(o.log !== undefined ? { access_log: [{ typed_config: { "@type": FILE_ACCESS_LOG_TYPE, path: o.log } }] } : {}),
            route_config: { virtual_hosts: [{ name: "all", domains: [o.domain ?? "*"], routes: [{ match: { prefix: "/" }, direct_response: { status: 200, body: { filename: o.body ?? "/srv/body.txt" } } }] }] },
            http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": ROUTER_TYPE } }],
          },
        }],
      }],
    }],
    clusters: [],
  };
}

function problems(r: ReturnType<typeof validateResources>): string[] {
  return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
}

describe("file paths and domains", () => {
  it("takes any path Envoy takes", () => {
    for (const p of ["/etc/ssl/a.pem", "certs/a.pem", "../../etc/passwd", "/dev/stdout"]) {
      expect(problems(validateResources(resources({ body: p, log: p }))), p).toEqual([]);
    }
  });

  it("refuses NUL, CR and LF with the field's path", () => {
    expect(problems(validateResources(resources({ body: "/srv/a\u0000.txt" })))).toEqual([`${VH}.routes[0].direct_response.body.filename: a file path cannot contain a NUL byte or a line break`]);
    expect(problems(validateResources(resources({ log: "/var/log/a\n.log" })))).toEqual(["listeners[0].filter_chains[0].filters[0].typed_config.access_log[0].typed_config.path: a file path cannot contain a NUL byte or a line break"]);
    expect(problems(validateResources(resources({ domain: "evil\u0000.test" })))).toEqual([`${VH}.domains[0]: must not contain CR, LF or NUL`]);
  });
});
