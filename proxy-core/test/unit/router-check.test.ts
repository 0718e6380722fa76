import { describe, expect, it } from "vitest";
import { loadRouteTestConfig } from "../../src/router-check/load-config";
import { parseRouteTests } from "../../src/router-check/schema";
import { runRouteTests } from "../../src/router-check/run";
import { cppDouble, formatRouteTestReport } from "../../src/router-check/report";
import type { RouteConfiguration } from "../../src/config/schema";

function config(doc: unknown): RouteConfiguration {
  const c = loadRouteTestConfig(doc);
  if (!c.ok) throw new Error(JSON.stringify(c.errors));
  if (c.kind !== "route_configuration") throw new Error("expected a route configuration");
  return c.target;
}
function tests(doc: unknown) {
  const t = parseRouteTests(doc);
  if (!t.ok) throw new Error(JSON.stringify(t.errors));
  return t.value;
}
const run = (rc: RouteConfiguration, doc: unknown, o: Parameters<typeof formatRouteTestReport>[1] = {}) => {
  const report = runRouteTests(rc, tests(doc));
  return { report, ...formatRouteTestReport(report, o) };
};

// Envoy's route check tool's own sample (test/tools/router_check/test/config/TestRoutes.yaml), trimmed to what Signalbox supports
const LYFT = config({
  virtual_hosts: [
    {
      name: "www2",
      domains: ["lyft.com", "www.lyft.com", "w.lyft.com", "ww.lyft.com", "wwww.lyft.com"],
      routes: [
        { match: { prefix: "/new_endpoint" }, route: { cluster: "www2", prefix_rewrite: "/api/new_endpoint" } },
        { match: { prefix: "/ping" }, direct_response: { status: 200, body: { inline_string: "{ 'message': 'Success!' }" } }, response_headers_to_add: [{ header: { key: "x-ping-response", value: "yes" } }] },
        { match: { path: "/" }, route: { cluster: "root_www2" } },
        { match: { prefix: "/" }, route: { cluster: "www2" } },
      ],
    },
    { name: "www2_staging", domains: ["www-staging.lyft.net", "www-staging-orca.lyft.com"], routes: [{ match: { prefix: "/" }, route: { cluster: "www2_staging" } }] },
    {
      name: "default",
      domains: ["*"],
      routes: [
        { match: { prefix: "/api/application_data" }, route: { cluster: "ats" } },
        { match: { path: "/api/locations", case_sensitive: false }, route: { cluster: "locations", prefix_rewrite: "/rewrote" } },
        { match: { prefix: "/api/leads/me" }, route: { cluster: "ats" } },
        { match: { prefix: "/host/rewrite/me" }, route: { cluster: "ats", host_rewrite_literal: "new_host" } },
        { match: { prefix: "/customheaders" }, route: { cluster: "ats", host_rewrite_literal: "new_host" }, request_headers_to_add: [{ header: { key: "X-Client-IP", value: "%DOWNSTREAM_REMOTE_ADDRESS%" } }] },
        { match: { prefix: "/" }, route: { cluster: "instant-server", timeout: { seconds: 30 } } },
      ],
      virtual_clusters: [
        { name: "ride_request", headers: [{ name: ":path", string_match: { safe_regex: { regex: "^/rides$" } } }, { name: ":method", string_match: { exact: "POST" } }] },
        { name: "update_ride", headers: [{ name: ":path", string_match: { safe_regex: { regex: "^/rides/\\d+$" } } }, { name: ":method", string_match: { exact: "PUT" } }] },
      ],
    },
  ],
});

describe("route tests in Envoy's router_check_tool format", () => {
  it("runs the docs' basic example", () => {
    const rc = config({ virtual_hosts: [{ name: "api", domains: ["api.lyft.com"], routes: [{ match: { prefix: "/api" }, route: { cluster: "instant-server" } }] }] });
    const out = run(rc, { runtime: { "re2.max_program_size.error_level": 32768 }, tests: [{ test_name: "cluster_name_test", input: { authority: "api.lyft.com", path: "/api/locations", method: "GET" }, validate: { cluster_name: "instant-server" } }] }, { details: true });
    expect(out.report.passed).toBe(true);
    expect(out.stdout).toBe("cluster_name_test\nCurrent route coverage: 100%\n");
    expect(out.exitCode).toBe(0);
  });

  it("checks clusters, virtual hosts and clusters, rewrites and redirects as Envoy's sample tests do", () => {
    const out = run(LYFT, {
      tests: [
        { test_name: "Test1", input: { authority: "api.lyft.com", path: "/", method: "GET" }, validate: { cluster_name: "instant-server", virtual_cluster_name: "other", virtual_host_name: "default", path_rewrite: "/", host_rewrite: "api.lyft.com", path_redirect: "" } },
        { test_name: "Test4", input: { authority: "api.lyft.com", path: "/API/locations?works=true", method: "GET" }, validate: { cluster_name: "locations", path_rewrite: "/rewrote?works=true" } },
        { test_name: "Test6", input: { authority: "wwww.lyft.com", path: "/", method: "GET" }, validate: { cluster_name: "root_www2" } },
        { test_name: "Test8", input: { authority: "www.lyft.com", path: "/new_endpoint/foo", method: "GET" }, validate: { path_rewrite: "/api/new_endpoint/foo", virtual_host_name: "www2" } },
        { test_name: "Test11", input: { authority: "api.lyft.com", path: "/host/rewrite/me", method: "GET" }, validate: { host_rewrite: "new_host" } },
        { test_name: "Test21", input: { authority: "api.lyft.com", path: "/rides", method: "POST" }, validate: { virtual_cluster_name: "ride_request" } },
        { test_name: "Test22", input: { authority: "api.lyft.com", path: "/rides/123", method: "PUT" }, validate: { virtual_cluster_name: "update_ride" } },
        {
          test_name: "RequestHeaderMatches",
          input: { authority: "api.lyft.com", path: "/customheaders", method: "GET" },
          validate: {
            request_header_matches: [
              { name: ":authority", string_match: { exact: "new_host" } },
              { name: ":path", string_match: { exact: "/customheaders" } },
              { name: "x-client-ip", string_match: { exact: "127.0.0.1:0" } },
              { name: "cookie", invert_match: true },
            ],
          },
        },
        {
          test_name: "ResponseHeaderMatches",
          input: { authority: "www.lyft.com", path: "/ping", method: "GET" },
          validate: {
            cluster_name: "",
            virtual_host_name: "",
            path_redirect: "http://www.lyft.com/ping",
            code_redirect: 200,
            response_header_matches: [
              { name: "content-type", string_match: { exact: "text/plain" } },
              { name: "content-length", string_match: { exact: "25" } },
              { name: "x-ping-response", string_match: { exact: "yes" } },
              { name: "x-pong-response", present_match: true, invert_match: true },
            ],
          },
        },
      ],
    });
    expect(out.report.results.filter((r) => !r.passed)).toEqual([]);
    expect(out.exitCode).toBe(0);
  });

  it("prints each failure as Envoy does, on stderr, and stops before coverage", () => {
    const out = run(
      LYFT,
      {
        tests: [
          { test_name: "Test_1", input: { authority: "api.lyft.com", path: "/", method: "GET" }, validate: { cluster_name: "instant-server" } },
          { test_name: "Test_2", input: { authority: "api.lyft.com", path: "/", method: "GET" }, validate: { cluster_name: "cluster1", virtual_cluster_name: "test_virtual_cluster" } },
          {
            test_name: "Test_3",
            input: { authority: "www.lyft.com", path: "/ping", method: "GET" },
            validate: {
              response_header_matches: [
                { name: "content-type", string_match: { exact: "text/plain" }, invert_match: true },
                { name: "x-ping-response", string_match: { exact: "pong" } },
                { name: "x-ping-response", present_match: true, invert_match: true },
                { name: "x-pong-response", present_match: true },
                { name: "content-length", string_match: { prefix: "9" } },
              ],
            },
          },
        ],
      },
      { details: true },
    );
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toBe("Test_1\n");
    expect(out.stderr).toBe(
      [
        "Test_2",
        "expected: [cluster1], actual: [instant-server], test type: cluster_name",
        "expected: [test_virtual_cluster], actual: [other], test type: virtual_cluster_name",
        "Test_3",
        "expected: [content-type: text/plain], actual: NOT [content-type: text/plain], test type: response_header_matches.string_match.exact",
        "expected: [x-ping-response: pong], actual: [x-ping-response: yes], test type: response_header_matches.string_match.exact",
        "expected: [has(x-ping-response):false], actual: [has(x-ping-response):true], test type: response_header_matches.present_match",
        "expected: [has(x-pong-response):true], actual: [has(x-pong-response):false], test type: response_header_matches.present_match",
        "actual: [content-length: 25], test type: response_header_matches.string_match.prefix",
        "",
      ].join("\n"),
    );
    const only = formatRouteTestReport(out.report, { onlyShowFailures: true });
    expect(only.stdout).toBe("");
    expect(only.stderr.startsWith("Test_2\n")).toBe(true);
  });

  it("reports coverage as Envoy does: routes reached, and with --covall every checkable field and the routes no test reached", () => {
    const t = { tests: [{ test_name: "t", input: { authority: "api.lyft.com", path: "/api/leads/me", method: "GET" }, validate: { cluster_name: "ats", virtual_host_name: "default" } }] };
    const out = run(LYFT, t);
    // 11 routes, one reached
    expect(out.report.coverage.entries).toBe(11);
    expect(out.stdout).toBe(`Current route coverage: ${cppDouble(100 / 11)}%\n`);
    expect(cppDouble(100 / 11)).toBe("9.09091");
    const all = formatRouteTestReport(out.report, { covall: true });
    expect(all.stdout).toContain('Missing test for host: www2_staging, route: prefix: "/"\n\n');
    expect(all.stdout).toContain('Missing test for host: default, route: prefix: "/api/application_data"\n\n');
    expect(all.stdout).not.toContain("/api/leads/me");
    // two of the route's five fields checked
    expect(all.stdout.endsWith(`Current route coverage: ${cppDouble((100 * 0.4) / 11)}%\n`)).toBe(true);
    expect(all.stdout).toContain('route: path: "/api/locations"\ncase_sensitive {\n  value: false\n}\n');
    const fail = formatRouteTestReport(out.report, { failUnder: 50 });
    expect(fail.exitCode).toBe(1);
    expect(fail.stderr).toBe("Failed to meet coverage requirement: 50%\n");
  });

  it("a weighted route counts once per cluster; random_value picks the cluster, as Envoy's pickWeightedCluster", () => {
    const rc = config({ virtual_hosts: [{ name: "w", domains: ["*"], routes: [{ match: { prefix: "/" }, route: { weighted_clusters: { clusters: [{ name: "a", weight: 30 }, { name: "b", weight: 70 }] } } }] }] });
    const pick = (random_value: number, cluster: string) => ({ test_name: `r${random_value}`, input: { authority: "x", path: "/", method: "GET", random_value }, validate: { cluster_name: cluster } });
    expect(run(rc, { tests: [pick(0, "a"), pick(29, "a"), pick(129, "a")] }).stdout).toBe("Current route coverage: 50%\n");
    expect(run(rc, { tests: [pick(30, "b")] }).report.passed).toBe(true);
    expect(run(rc, { tests: [pick(10, "a"), pick(99, "b")] }).stdout).toBe("Current route coverage: 100%\n");
  });

  it("runtime: a runtime_fraction route holds only for the test's runtime key, and then for random_value under its share", () => {
    const rc = config({
      virtual_hosts: [
        {
          name: "r",
          domains: ["*"],
          routes: [
            { match: { prefix: "/", runtime_fraction: { default_value: { numerator: 0 }, runtime_key: "routing.new" } }, route: { cluster: "new" } },
            { match: { prefix: "/" }, route: { cluster: "old" } },
          ],
        },
      ],
    });
    const t = (name: string, input: object, cluster: string) => ({ test_name: name, input: { authority: "x", path: "/", method: "GET", ...input }, validate: { cluster_name: cluster } });
    const out = run(rc, { tests: [t("on", { runtime: "routing.new", random_value: 0 }, "new"), t("off", { runtime: "routing.new", random_value: 1 }, "old"), t("unset", {}, "old")] });
    expect(out.report.results.map((r) => r.passed)).toEqual([true, true, true]);
  });

  it("require_tls: ssl false gets the 301 to https", () => {
    const rc = config({ virtual_hosts: [{ name: "s", domains: ["*"], require_tls: "ALL", routes: [{ match: { prefix: "/" }, route: { cluster: "app" } }] }] });
    const out = run(rc, {
      tests: [
        { test_name: "plain", input: { authority: "s.com", path: "/a", method: "GET" }, validate: { path_redirect: "https://s.com/a", code_redirect: 301, cluster_name: "" } },
        { test_name: "tls", input: { authority: "s.com", path: "/a", method: "GET", ssl: true }, validate: { cluster_name: "app", path_redirect: "" } },
      ],
    });
    expect(out.report.results.every((r) => r.passed)).toBe(true);
  });

  it("runs against a bootstrap's listener too", () => {
    const c = loadRouteTestConfig({
      static_resources: {
        listeners: [{ name: "web", address: { socket_address: { address: "127.0.0.1", port_value: 8080 } }, filter_chains: [{ filters: [{ name: "hcm", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager", stat_prefix: "in", route_config: { virtual_hosts: [{ name: "v", domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster: "app" } }] }] } } }] }] }],
        clusters: [{ name: "app", connect_timeout: "1s", type: "STATIC", load_assignment: { cluster_name: "app", endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: 9 } } } }] }] } }],
      },
    });
    if (!c.ok || c.kind !== "bootstrap") throw new Error("bootstrap refused");
    const report = runRouteTests(c.target, tests({ tests: [{ test_name: "t", input: { authority: "a", path: "/", method: "GET" }, validate: { cluster_name: "app" } }] }), { listener: "8080" });
    expect(report).toMatchObject({ passed: true, target: "listener web" });
    expect(() => runRouteTests(c.target, tests({ tests: [{ test_name: "t", input: { authority: "a", path: "/", method: "GET" }, validate: { cluster_name: "app" } }] }), { listener: "9999" })).toThrow('no HTTP listener is named "9999"');
  });
});

describe("what route tests and their configs refuse", () => {
  const errors = (doc: unknown) => {
    const t = parseRouteTests(doc);
    return t.ok ? [] : t.errors.map((e) => `${e.path}: ${e.message}`);
  };
  const base = { test_name: "t", input: { authority: "a", path: "/", method: "GET" }, validate: { cluster_name: "c" } };

  it("fields without a meaning here are refused by name, with the legacy format pointed to its replacement", () => {
    expect(errors({ tests: [{ ...base, input: { ...base.input, dynamic_metadata: [{ metadata_namespace: "x" }] } }] })).toEqual(["tests[0].input.dynamic_metadata: dynamic_metadata is not supported by Signalbox: its routes have no dynamic metadata matchers"]);
    const legacy = errors({ tests: [{ ...base, input: { ":authority": "a", path: "/", method: "GET" } }] });
    expect(legacy).toHaveLength(2);
    expect(legacy).toEqual(expect.arrayContaining(['tests[0].input[":authority"]: :authority is the route check tool\'s legacy (pre-proto) format: write authority', "tests[0].input.authority: is required"]));
    expect(errors([base])).toEqual([": a list of tests is the route check tool's legacy format: write {tests: [...]}"]);
    expect(errors({ tests: [{ ...base, validate: { response_header_matches: [{ name: "content-length", range_match: { start: 0, end: 10 } }] } }] })).toEqual(["tests[0].validate.response_header_matches[0].range_match: range_match is not supported by Signalbox"]);
    expect(errors({ tests: [{ ...base, validate: { tracing: true } }] })).toContain("tests[0].validate.tracing: tracing is not supported by Signalbox");
    expect(errors({ runtime: { "routing.x": 1 }, tests: [base] })).toEqual([`runtime["routing.x"]: runtime key routing.x has no meaning for Signalbox's route tests (only re2.* keys, which change nothing)`]);
  });

  it("keeps the proto's rules: a method of 3+ characters, at least one check, at least one test", () => {
    expect(errors({ tests: [{ ...base, input: { ...base.input, method: "GE" } }] })).toEqual(["tests[0].input.method: must be at least 3 characters (an HTTP method)"]);
    expect(errors({ tests: [{ ...base, validate: {} }] })[0]).toMatch(/^tests\[0\]\.validate: needs at least one check/);
    expect(errors({ tests: [] })).toEqual(["tests: needs at least one test"]);
  });

  it("a bare route configuration may name clusters that do not exist; its other problems are reported at its own paths", () => {
    expect(loadRouteTestConfig({ virtual_hosts: [{ name: "v", domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster: "nowhere" } }] }] }).ok).toBe(true);
    const bad = loadRouteTestConfig({ virtual_hosts: [{ name: "v", domains: ["*"], routes: [{ match: { prefix: "/", dynamic_metadata: [] }, route: { cluster: "x" } }] }] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors).toEqual([{ path: "virtual_hosts[0].routes[0].match.dynamic_metadata", message: "dynamic_metadata is not supported by Signalbox" }]);
  });
});
