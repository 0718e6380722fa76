// CORS origin matching and the per-field merge of CorsPolicy levels (most specific first), as Envoy's
// CorsFilter reads them.
import { describe, expect, it } from "vitest";
import { CORS_POLICY_TYPE, CorsPolicy } from "../../src/config/http-filters/cors";
import { ResolvedCorsPolicy } from "../../src/http/filters/cors/cors-policy";

const policy = (p: Record<string, unknown>) => CorsPolicy.parse({ "@type": CORS_POLICY_TYPE, ...p });

describe("CORS origin matching", () => {
  it("any string matcher of allow_origin_string_match allows the origin", () => {
    const p = new ResolvedCorsPolicy([policy({ allow_origin_string_match: [{ exact: "https://a.example" }, { suffix: ".b.example" }, { safe_regex: { regex: "https://c[0-9]\\.example" } }] })]);
    expect(p.isOriginAllowed("https://a.example")).toBe(true);
    expect(p.isOriginAllowed("https://x.b.example")).toBe(true);
    expect(p.isOriginAllowed("https://c7.example")).toBe(true);
    expect(p.isOriginAllowed("https://c77.example")).toBe(false);
    expect(p.isOriginAllowed("https://A.example")).toBe(false);
  });

  it("ignore_case, and a matcher that accepts the literal '*' allows every origin", () => {
    expect(new ResolvedCorsPolicy([policy({ allow_origin_string_match: [{ exact: "https://A.example", ignore_case: true }] })]).isOriginAllowed("https://a.EXAMPLE")).toBe(true);
    const star = new ResolvedCorsPolicy([policy({ allow_origin_string_match: [{ exact: "*" }] })]);
    expect(star.isOriginAllowed("https://anything.example")).toBe(true);
    expect(new ResolvedCorsPolicy([policy({ allow_origin_string_match: [{ safe_regex: { regex: ".*" } }] })]).isOriginAllowed("null")).toBe(true);
  });

  it("no matcher at any level: no origin is allowed", () => {
    expect(new ResolvedCorsPolicy([policy({ allow_methods: "GET" })]).isOriginAllowed("https://a.example")).toBe(false);
  });
});

describe("CORS policy levels", () => {
  const route = policy({ allow_methods: "PUT", max_age: "" });
  const vhost = policy({ allow_origin_string_match: [{ exact: "https://v.example" }], allow_methods: "GET", max_age: "600", allow_credentials: true, filter_enabled: { default_value: { numerator: 0 } } });

  it("each field comes from the most specific level that sets it", () => {
    const p = new ResolvedCorsPolicy([route, vhost]);
    expect([p.allowMethods, p.maxAge, p.allowCredentials, p.isOriginAllowed("https://v.example")]).toEqual(["PUT", "600", true, true]);
  });

  it("filter_enabled and shadow_enabled come from the most specific policy only (unset: enabled, no shadow)", () => {
    expect(new ResolvedCorsPolicy([route, vhost]).enabled.hit()).toBe(true);
    expect(new ResolvedCorsPolicy([vhost]).enabled.hit()).toBe(false);
    expect(new ResolvedCorsPolicy([vhost]).shadow.hit()).toBe(false);
  });

  it("forward_not_matching_preflights defaults to true", () => {
    expect(new ResolvedCorsPolicy([route]).forwardNotMatchingPreflights).toBe(true);
    expect(new ResolvedCorsPolicy([policy({ forward_not_matching_preflights: false }), route]).forwardNotMatchingPreflights).toBe(false);
  });
});
