import { describe, expect, it } from "vitest";
import { ExplainBody } from "@/lib/contract/explain";
import { EMPTY_TESTER, parseHeaders, percent, toExplainBody } from "./route-tester-model";

describe("route tester form", () => {
  it("splits headers on new lines and on `; name:`, keeping a `;` inside a value", () => {
    expect(parseHeaders("x-env: canary; cookie: a=1; b=2\naccept:text/html")).toEqual({
      ok: true,
      headers: [
        { name: "x-env", value: "canary" },
        { name: "cookie", value: "a=1; b=2" },
        { name: "accept", value: "text/html" },
      ],
    });
    expect(parseHeaders("  ")).toEqual({ ok: true, headers: [] });
    expect(parseHeaders("x-env canary")).toEqual({ ok: false, error: "“x-env canary” is not a header: write name: value" });
    expect(parseHeaders("bad name: x").ok).toBe(false);
  });

  it("builds the body the API accepts, splitting a pasted URL into host, path and TLS", () => {
    const r = toExplainBody({ ...EMPTY_TESTER, host: "https://api.example.com:8443/v1/users?x=1", headers: "x-a: 1" });
    expect(r).toMatchObject({ ok: true, form: { host: "api.example.com:8443", path: "/v1/users?x=1", tls: true } });
    if (!r.ok) return;
    expect(r.body).toEqual({ method: "GET", host: "api.example.com:8443", path: "/v1/users?x=1", headers: [{ name: "x-a", value: "1" }], tls: true });
    expect(ExplainBody.safeParse(r.body).success).toBe(true);
    expect(toExplainBody({ ...EMPTY_TESTER, host: "api.example.com/v2", listener: "edge" })).toMatchObject({ ok: true, body: { host: "api.example.com", path: "/v2", listener: "edge" } });
  });

  it("names the field to fix", () => {
    expect(toExplainBody(EMPTY_TESTER)).toMatchObject({ ok: false, field: "host" });
    expect(toExplainBody({ ...EMPTY_TESTER, host: "a", path: "v1" })).toMatchObject({ ok: false, field: "path" });
    expect(toExplainBody({ ...EMPTY_TESTER, host: "a", headers: "nope" })).toMatchObject({ ok: false, field: "headers" });
  });

  it("shows shares as percentages with one decimal", () => {
    expect(percent(0.25)).toBe("25%");
    expect(percent(1 / 3)).toBe("33.3%");
  });
});
