import { describe, expect, it } from "vitest";
import { parseSearchForm, searchFromParams, searchToForm, searchToParams } from "./trace-search";

describe("trace search", () => {
  it("validates the form and round-trips through the URL", () => {
    const form = { ...searchToForm({}), status: "5XX", minDurationMs: "250", window: "15m", route: " api " };
    const { search, errors } = parseSearchForm(form);
    expect(errors).toEqual({});
    expect(search).toEqual({ status: "5xx", minDurationMs: 250, window: "15m", route: "api", traceId: undefined, cluster: undefined });
    expect(searchFromParams(new URLSearchParams(searchToParams(search)))).toEqual(search);
    const bad = parseSearchForm({ ...form, status: "5x", minDurationMs: "-1", traceId: "xyz" });
    expect(Object.keys(bad.errors).sort()).toEqual(["minDurationMs", "status", "traceId"]);
    // a bad value in a shared link is dropped, not searched for
    expect(searchFromParams(new URLSearchParams("status=abc&cluster=slow"))).toEqual({ cluster: "slow", traceId: undefined, route: undefined, status: undefined, minDurationMs: undefined, window: undefined });
  });
});
