// The pure parts of ext_authz: its config (Envoy's field names, defaults and refusals, the cross-checks on the
// cluster it calls), how each service's answer becomes a decision, the HTTP authorization request's head, the
// header-name matchers with Envoy's defaults, and query-parameter mutation.
import { describe, expect, it } from "vitest";
import { validateResources } from "../../src/config";
import { ExtAuthzConfig, ExtAuthzPerRoute } from "../../src/config/http-filters/ext-authz";
import { CheckStatus, fromCheckResponse, fromHttpResponse, type HttpResponseMatchers } from "../../src/http/filters/ext-authz/authz-response";
import { httpCheckHead } from "../../src/http/filters/ext-authz/check-request";
import { anyOf, clientHeaderMatcher, grpcRequestHeaderMatcher, httpRequestHeaderMatcher, MATCH_NONE } from "../../src/http/filters/ext-authz/header-matchers";
import { mutateQuery } from "../../src/http/filters/ext-authz/request-mutation";
import { cluster, listener, withHttpFilters } from "../integration/harness";

const TYPE = "type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthz";
const PER_ROUTE = "type.googleapis.com/envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute";
const grpc = { "@type": TYPE, grpc_service: { envoy_grpc: { cluster_name: "authz" }, timeout: "0.250s" }, transport_api_version: "V3" };
const httpSvc = { "@type": TYPE, http_service: { server_uri: { uri: "http://authz", cluster: "authz", timeout: "0.25s" } } };

const problems = (schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } }, v: unknown) => {
  const r = schema.safeParse(v);
  return r.success ? [] : r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("ExtAuthz config", () => {
  it("takes the seed's gRPC filter and an http_service with every supported option", () => {
    expect(problems(ExtAuthzConfig, grpc)).toEqual([]);
    expect(
      problems(ExtAuthzConfig, {
        ...httpSvc,
        http_service: {
          ...httpSvc.http_service,
          path_prefix: "/auth",
          authorization_request: { headers_to_add: [{ key: "x-a", value: "b" }] },
          authorization_response: { allowed_upstream_headers: { patterns: [{ exact: "x-user" }] }, allowed_client_headers: { patterns: [{ prefix: "x-" }] } },
        },
        failure_mode_allow: true,
        failure_mode_allow_header_add: true,
        with_request_body: { max_request_bytes: 1024, allow_partial_message: true, pack_as_bytes: true },
        status_on_error: { code: "ServiceUnavailable" },
        clear_route_cache: true,
        stat_prefix: "waf",
        allowed_headers: { patterns: [{ safe_regex: { regex: "x-.*" } }] },
        charge_cluster_response_stats: { value: false },
      }),
    ).toEqual([]);
    expect(ExtAuthzConfig.parse({ ...grpc, status_on_error: { code: "forbidden" } }).status_on_error?.code).toBe(403);
  });

  it("refuses what Envoy refuses: both or neither service, a gRPC service without transport_api_version V3", () => {
    expect(problems(ExtAuthzConfig, { ...grpc, http_service: httpSvc.http_service })).toEqual([": exactly one of grpc_service, http_service is required (got both)"]);
    expect(problems(ExtAuthzConfig, { "@type": TYPE })).toEqual([": exactly one of grpc_service, http_service is required (got none)"]);
    expect(problems(ExtAuthzConfig, { ...grpc, transport_api_version: undefined })).toEqual([
      "transport_api_version: must be V3 with a grpc_service: Envoy refuses V2 and AUTO (the default), as the v2 transport API is gone",
    ]);
    // an http_service has no transport version to check
    expect(problems(ExtAuthzConfig, { ...httpSvc, transport_api_version: "AUTO" })).toEqual([]);
    expect(problems(ExtAuthzConfig, { ...grpc, with_request_body: { max_request_bytes: 0 } })).toEqual(["with_request_body.max_request_bytes: must be greater than 0"]);
    expect(problems(ExtAuthzConfig, { ...grpc, status_on_error: { code: 418 } })).toEqual(["status_on_error.code: is not one of Envoy's HTTP status codes (envoy.type.v3.StatusCode)"]);
  });

  it("takes filter_enabled with a runtime_key (read from the runtime per request)", () => {
    expect(problems(ExtAuthzConfig, { ...grpc, filter_enabled: { default_value: { numerator: 5 }, runtime_key: "k" } })).toEqual([]);
  });

  it("refuses what Signalbox does not implement, by name", () => {
    expect(problems(ExtAuthzConfig, { ...grpc, grpc_service: { google_grpc: { target_uri: "x", stat_prefix: "y" } } })).toEqual([
      "grpc_service.google_grpc: google_grpc is not supported by Signalbox: use envoy_grpc (a cluster)",
    ]);
    for (const field of ["metadata_context_namespaces", "deny_at_disable", "validate_mutations", "encode_raw_headers"])
      expect(problems(ExtAuthzConfig, { ...grpc, [field]: true }).join()).toContain(field);
    expect(problems(ExtAuthzConfig, { ...httpSvc, http_service: { ...httpSvc.http_service, authorization_response: { dynamic_metadata_from_headers: { patterns: [{ exact: "x" }] } } } }).join()).toContain("dynamic_metadata_from_headers");
    expect(problems(ExtAuthzConfig, { ...httpSvc, http_service: { ...httpSvc.http_service, authorization_request: { headers_to_add: [{ key: "x", value: "%REQ(y)%" }] } } }).join()).toContain("format operators");
  });

  it("ExtAuthzPerRoute: exactly one of disabled and check_settings; no per-route service override", () => {
    expect(problems(ExtAuthzPerRoute, { "@type": PER_ROUTE, disabled: true })).toEqual([]);
    expect(problems(ExtAuthzPerRoute, { "@type": PER_ROUTE, check_settings: { context_extensions: { a: "b" }, disable_request_body_buffering: true } })).toEqual([]);
    expect(problems(ExtAuthzPerRoute, { "@type": PER_ROUTE })).toEqual([": exactly one of disabled or check_settings is required (the proto's oneof override)"]);
    expect(problems(ExtAuthzPerRoute, { "@type": PER_ROUTE, check_settings: { disable_request_body_buffering: true, with_request_body: { max_request_bytes: 1 } } })).toEqual([
      "check_settings: Only one of disable_request_body_buffering or with_request_body can be set (Envoy's words)",
    ]);
    expect(problems(ExtAuthzPerRoute, { "@type": PER_ROUTE, check_settings: { grpc_service: {} } }).join()).toContain("grpc_service");
  });

  it("the cluster it calls must exist; an http_service cannot use an HTTP/2-only cluster", () => {
    const at = "listeners[0].filter_chains[0].filters[0].typed_config.http_filters[0].typed_config";
    const check = (filter: Record<string, unknown>, clusters = [cluster("backend", [1])]) => {
      const l = withHttpFilters(listener("l", [{ match: { prefix: "/" }, route: { cluster: "backend" } }]), [{ name: "envoy.filters.http.ext_authz", typed_config: filter }]);
      const r = validateResources({ listeners: [l], clusters });
      return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
    };
    expect(check(grpc)).toEqual([`${at}.grpc_service.envoy_grpc.cluster_name: unknown cluster "authz"`]);
    expect(check(httpSvc)).toEqual([`${at}.http_service.server_uri.cluster: unknown cluster "authz"`]);
    const h2 = { "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": { "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions", explicit_http_config: { http2_protocol_options: {} } } };
    const clusters = [cluster("backend", [1]), cluster("authz", [2], { typed_extension_protocol_options: h2 } as never)];
    expect(check(grpc, clusters)).toEqual([]);
    expect(check(httpSvc, clusters)).toEqual([
      `${at}.http_service.server_uri.cluster: cluster authz is HTTP/2-only (explicit_http_config.http2_protocol_options), and an http_service is called over HTTP/1.1: use grpc_service with it`,
    ]);
  });
});

describe("an HTTP service's answer", () => {
  const m: HttpResponseMatchers = {
    upstream: anyOf({ patterns: [{ exact: "x-user" }] }),
    upstreamToAppend: anyOf({ patterns: [{ prefix: "x-add-" }] }),
    client: clientHeaderMatcher(undefined),
    clientOnSuccess: anyOf({ patterns: [{ exact: "x-hello" }] }),
  };
  const headers = [["x-user", "u"], ["x-add-1", "a"], ["x-hello", "hi"], ["host", "authz"], ["x-envoy-auth-headers-to-remove", "a, B ,"], ["content-type", "text/html"]] as const;

  it("200 allows with the matched headers; x-envoy-auth-headers-to-remove lists request headers to drop", () => {
    const r = fromHttpResponse(200, headers, Buffer.from("body"), m);
    expect(r.status).toBe(CheckStatus.OK);
    expect(r.headersToSet).toEqual([["x-user", "u"]]);
    expect(r.headersToAdd).toEqual([["x-add-1", "a"]]);
    expect(r.responseHeadersToAdd).toEqual([["x-hello", "hi"]]);
    expect(r.headersToRemove).toEqual(["a", "b"]);
    expect(r.body).toBe("");
  });

  it("any other non-5xx status denies with that status, the body and every header but Host (the default)", () => {
    for (const status of [201, 302, 401, 403]) {
      const r = fromHttpResponse(status, headers, Buffer.from("no"), m);
      expect(r.status).toBe(CheckStatus.Denied);
      expect(r.statusCode).toBe(status);
      expect(r.body.toString()).toBe("no");
      expect(r.clientHeaders.map(([k]) => k)).toEqual(["x-user", "x-add-1", "x-hello", "content-type"]);
      expect(r.headersToSet).toEqual([]);
    }
  });

  it("5xx is an error, whatever it says", () => {
    for (const status of [500, 503]) expect(fromHttpResponse(status, headers, Buffer.from("x"), m)).toMatchObject({ status: CheckStatus.Error, statusCode: 0, body: "" });
  });
});

describe("a gRPC service's CheckResponse", () => {
  it("status OK (or none) allows; headers split by append; response headers by append or append_action", () => {
    expect(fromCheckResponse({})).toMatchObject({ status: CheckStatus.OK });
    const r = fromCheckResponse({
      status: { code: 0 },
      ok_response: {
        headers: [{ header: { key: "X-Set", value: "1" } }, { header: { key: "x-app", value: "2" }, append: { value: true } }, { header: { key: "x-false", value: "3" }, append: { value: false } }],
        headers_to_remove: ["X-Gone"],
        response_headers_to_add: [{ header: { key: "a", value: "1" }, append: { value: false } }, { header: { key: "b", value: "2" } }, { header: { key: "c", value: "3" }, append_action: 1 }, { header: { key: "d", value: "4" }, append_action: 3 }],
      },
    });
    expect(r.headersToSet).toEqual([["x-set", "1"], ["x-false", "3"]]);
    expect(r.headersToAppend).toEqual([["x-app", "2"]]);
    expect(r.headersToRemove).toEqual(["x-gone"]);
    expect(r.responseHeadersToSet).toEqual([["a", "1"]]);
    expect(r.responseHeadersToAdd).toEqual([["b", "2"]]);
    expect(r.responseHeadersToAddIfAbsent).toEqual([["c", "3"]]);
    expect(r.responseHeadersToOverwriteIfExists).toEqual([["d", "4"]]);
  });

  it("any other status denies: 403 unless denied_response says otherwise; error_response is an error with its reply", () => {
    expect(fromCheckResponse({ status: { code: 7 } })).toMatchObject({ status: CheckStatus.Denied, statusCode: 403, body: "" });
    const d = fromCheckResponse({ status: { code: 16 }, http_response: "denied_response", denied_response: { status: { code: 401 }, body: "b", headers: [{ header: { key: "x", value: "1" } }, { header: { key: "y", value: "2" }, append: { value: true } }] } });
    expect(d).toMatchObject({ status: CheckStatus.Denied, statusCode: 401, body: "b", clientHeaders: [["x", "1"]] });
    expect(fromCheckResponse({ status: { code: 13 }, http_response: "error_response", error_response: { body: "down" } })).toMatchObject({ status: CheckStatus.Error, statusCode: 0, body: "down" });
  });
});

describe("the HTTP authorization request and the header matchers", () => {
  it("method and path from the pseudo-headers (path_prefix in front), Host from :authority, Content-Length, headers_to_add overwriting", () => {
    const headers = new Map([[":method", "PATCH"], [":path", "/a?b=1"], [":authority", "svc"], [":scheme", "http"], ["authorization", "t"], ["content-length", "9"], ["x-a", "client"]]);
    expect(httpCheckHead(headers, null, "/ext", [["X-A", "filter"]])).toEqual({ method: "PATCH", path: "/ext/a?b=1", headers: ["host", "svc", "authorization", "t", "content-length", "0", "x-a", "filter"] });
    const withBody = httpCheckHead(headers, { data: Buffer.from("abc"), partial: true }, "", []);
    expect(withBody.headers).toEqual(["host", "svc", "authorization", "t", "x-a", "client", "x-envoy-auth-partial-body", "true", "content-length", "3"]);
  });

  it("Envoy's defaults: HTTP always gets authorization, method, path and host; gRPC everything unless allowed_headers", () => {
    const h = httpRequestHeaderMatcher(undefined);
    expect([":method", ":path", ":authority", "authorization", "cookie", "x-forwarded-for"].filter(h)).toEqual([":method", ":path", ":authority", "authorization"]);
    expect(grpcRequestHeaderMatcher(undefined)).toBeNull();
    expect(["authorization", "x-a"].filter(grpcRequestHeaderMatcher({ patterns: [{ exact: "x-a" }] })!)).toEqual(["x-a"]);
    const client = clientHeaderMatcher({ patterns: [{ exact: "x-a" }] });
    expect(["x-a", "x-b", "location", "www-authenticate", "content-length", "set-cookie"].filter(client)).toEqual(["x-a", "location", "www-authenticate", "content-length"]);
    expect(MATCH_NONE("x")).toBe(false);
  });

  it("query parameters: set overwrites, remove drops, an empty query leaves no '?'", () => {
    expect(mutateQuery("/p?a=1&b=2&a=3", [["a", "9"], ["c", "x y"]], ["b"])).toBe("/p?a=9&c=x+y");
    expect(mutateQuery("/p?debug=1", [], ["debug"])).toBe("/p");
    expect(mutateQuery("/p", [["k", "v"]], [])).toBe("/p?k=v");
  });
});
