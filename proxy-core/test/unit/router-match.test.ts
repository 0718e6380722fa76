// Route matching (RouteMatch in config/route/v3/route_components.proto): path specifiers, first match wins, header
// and query matchers, and the route index that must give the same first match as an in-order scan.
import { describe, expect, it } from "vitest";
import { RouteTable } from "../../src/router/route-table";
import type { Route, RouteMatch } from "../../src/config/schema";
import { validateResources } from "../../src/config/validate";

const to = (match: RouteMatch, status = 200): Route => ({ match, direct_response: { status } });
const table = (routes: Route[]) => new RouteTable({ virtual_hosts: [{ name: "v", domains: ["*"], routes }] });
const statusOf = (t: RouteTable, path: string, headers: string[] = []) => t.route("h", path, headers)?.direct?.status ?? null;

describe("path matchers", () => {
  it("first match wins, in config order", () => {
    expect(statusOf(table([to({ prefix: "/" }, 201), to({ prefix: "/api" }, 202)]), "/api/x")).toBe(201);
    expect(statusOf(table([to({ prefix: "/api" }, 202), to({ prefix: "/" }, 201)]), "/api/x")).toBe(202);
  });

  it("path_separated_prefix matches the segment boundary only, query ignored", () => {
    const t = table([to({ path_separated_prefix: "/api/dev" })]);
    expect(statusOf(t, "/api/dev")).toBe(200);
    expect(statusOf(t, "/api/dev/")).toBe(200);
    expect(statusOf(t, "/api/dev/v1")).toBe(200);
    expect(statusOf(t, "/api/dev?x")).toBe(200);
    expect(statusOf(t, "/api/developer")).toBeNull();
  });

  it("case_sensitive false for prefix; safe_regex must match the whole path without the query", () => {
    expect(statusOf(table([to({ prefix: "/API", case_sensitive: false })]), "/api/x")).toBe(200);
    expect(statusOf(table([to({ prefix: "/API" })]), "/api/x")).toBeNull();
    const r = table([to({ safe_regex: { regex: "/api/[0-9]+" } })]);
    expect(statusOf(r, "/api/12")).toBe(200);
    expect(statusOf(r, "/api/12?x=1")).toBe(200);
    expect(statusOf(r, "/api/12/x")).toBeNull();
    expect(statusOf(r, "/v/api/12")).toBeNull();
  });

  it("path: exact with the query stripped; case-insensitive path", () => {
    const t = table([to({ path: "/exact" }, 200), to({ path: "/Other", case_sensitive: false }, 201)]);
    expect(statusOf(t, "/exact?x=1")).toBe(200);
    expect(statusOf(t, "/exact/")).toBeNull();
    expect(statusOf(t, "/OTHER")).toBe(201);
  });
});

describe("header and query matchers", () => {
  const t = table([
    to({ prefix: "/", headers: [{ name: "x-env", string_match: { exact: "canary" } }] }, 201),
    to({ prefix: "/", headers: [{ name: "X-Ver", string_match: { prefix: "V2", ignore_case: true } }] }, 202),
    to({ prefix: "/", headers: [{ name: "x-debug", present_match: true }, { name: "x-block", invert_match: true }] }, 203),
    to({ prefix: "/", headers: [{ name: "x-multi", string_match: { exact: "a,b" } }] }, 204),
    to({ prefix: "/", headers: [{ name: ":method", string_match: { exact: "POST" } }] }, 205),
    to({ prefix: "/", headers: [{ name: "x-id", string_match: { safe_regex: { regex: "[0-9]{3}" } } }] }, 206),
    to({ prefix: "/", headers: [{ name: "x-s", string_match: { suffix: "end" } }, { name: "x-c", string_match: { contains: "mid" } }] }, 207),
    to({ prefix: "/", query_parameters: [{ name: "debug", string_match: { exact: "1" } }] }, 208),
    to({ prefix: "/", query_parameters: [{ name: "flag", present_match: true }] }, 209),
    to({ prefix: "/" }, 299),
  ]);
  it("exact, prefix with ignore_case, present, invert, suffix/contains, regex (whole value)", () => {
    expect(statusOf(t, "/", ["x-env", "canary"])).toBe(201);
    expect(statusOf(t, "/", ["x-env", "Canary"])).toBe(299);
    expect(statusOf(t, "/", ["x-ver", "v2.1"])).toBe(202);
    expect(statusOf(t, "/", ["x-debug", ""])).toBe(203);
    expect(statusOf(t, "/", ["x-debug", "1", "x-block", "1"])).toBe(299);
    expect(statusOf(t, "/", ["x-id", "123"])).toBe(206);
    expect(statusOf(t, "/", ["x-id", "1234"])).toBe(299);
    expect(statusOf(t, "/", ["x-s", "the end", "x-c", "amidb"])).toBe(207);
    expect(statusOf(t, "/", ["x-s", "the end"])).toBe(299);
  });
  it("repeated headers are matched joined with ','", () => {
    // HeaderUtility::matchHeaders joins every value of the header with "," (getAllOfHeaderAsString,
    // source/common/http/header_utility.cc)
    expect(statusOf(t, "/", ["x-multi", "a", "X-Multi", "b"])).toBe(204);
    expect(statusOf(t, "/", ["x-multi", "a"])).toBe(299);
  });
  it("pseudo-header :method", () => {
    expect(new RouteTable({ virtual_hosts: [{ name: "v", domains: ["*"], routes: [to({ prefix: "/", headers: [{ name: ":method", string_match: { exact: "POST" } }] })] }] }).route("h", "/", [], "POST")?.direct?.status).toBe(200);
    expect(statusOf(t, "/")).toBe(299); // GET
  });
  it("query parameters: first value only; present_match", () => {
    expect(statusOf(t, "/?debug=1")).toBe(208);
    expect(statusOf(t, "/?debug=2&debug=1")).toBe(299);
    expect(statusOf(t, "/?debug=1&debug=2")).toBe(208);
    expect(statusOf(t, "/p?flag")).toBe(209);
    expect(statusOf(t, "/p?flags=1")).toBe(299);
  });
});

describe("route index (large virtual hosts)", () => {
  it("gives exactly the in-order first match over a mix of matcher kinds", () => {
    const routes: Route[] = [];
    for (let i = 0; i < 300; i++) {
      const k = i % 6;
      if (k === 0) routes.push(to({ prefix: `/svc${i}` }, 200 + (i % 100)));
      else if (k === 1) routes.push(to({ path: `/exact/${i}` }, 200 + (i % 100)));
      else if (k === 2) routes.push(to({ prefix: `/svc${i - 2}/deep`, headers: [{ name: "x-h", present_match: true }] }, 300 + (i % 100)));
      else if (k === 3) routes.push(to({ prefix: `/CI${i}`, case_sensitive: false }, 400 + (i % 100)));
      else if (k === 4) routes.push(to({ safe_regex: { regex: `/re/${i}/[a-z]+` } }, 500 + (i % 50)));
      else routes.push(to({ path_separated_prefix: `/sep/${i}` }, 200 + (i % 100)));
    }
    routes.push(to({ prefix: "/" }, 599));
    const big = table(routes);
    // the same routes scanned in order: split into vhosts below the index threshold is not possible, so
    // compare against a brute-force scan of single-route tables
    const singles = routes.map((r) => table([r]));
    const brute = (p: string, h: string[]) => {
      for (const s of singles) {
        const st = statusOf(s, p, h);
        if (st !== null) return st;
      }
      return null;
    };
    const paths = ["/", "/svc0", "/svc12/deep/x", "/svc1", "/svc120", "/exact/7", "/exact/7?q", "/ci9/x", "/CI21", "/re/4/abc", "/re/4/ABC", "/sep/5", "/sep/5/x", "/sep/55x", "/svc6/deep", "/nothing"];
    for (const p of paths) for (const h of [[], ["x-h", "1"]]) expect(statusOf(big, p, h), `${p} ${h}`).toBe(brute(p, h));
  });
});

describe("validation of route matchers", () => {
  const resources = (match: unknown) => ({
    listeners: [
      {
        name: "l",
        address: { socket_address: { address: "127.0.0.1", port_value: 0 } },
        filter_chains: [
          {
            filters: [
              {
                name: "envoy.filters.network.http_connection_manager",
                typed_config: {
                  "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                  stat_prefix: "p",
                  route_config: { virtual_hosts: [{ name: "v", domains: ["*"], routes: [{ match, direct_response: { status: 200 } }] }] },
                },
              },
            ],
          },
        ],
      },
    ],
    clusters: [],
  });
  const errors = (match: unknown) => {
    const r = validateResources(resources(match));
    return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
  };
  it("refuses RE2-incompatible regexes with a clear message", () => {
    expect(errors({ safe_regex: { regex: "/a(?=b)" } }).join()).toMatch(/safe_regex\.regex: lookahead\/lookbehind is not supported by RE2/);
    expect(errors({ safe_regex: { regex: "/(a)\\1" } }).join()).toMatch(/backreferences are not supported/);
    expect(errors({ safe_regex: { regex: "/(" } }).join()).toMatch(/invalid regex/);
    expect(errors({ safe_regex: { regex: "/(?:a|b)/(?P<id>[0-9]+)" } })).toEqual([]);
  });
  it("path_separated_prefix pattern, one path specifier, string matcher oneof", () => {
    expect(errors({ path_separated_prefix: "/api/" }).join()).toMatch(/must not end in \//);
    expect(errors({ path_separated_prefix: "/api?x" }).join()).toMatch(/must not contain \?/);
    expect(errors({ prefix: "/", path: "/x" }).join()).toMatch(/exactly one of prefix, path, safe_regex, path_separated_prefix/);
    expect(errors({ prefix: "/", headers: [{ name: "x", string_match: { exact: "a", prefix: "b" } }] }).join()).toMatch(/exactly one of exact, prefix/);
  });
});
