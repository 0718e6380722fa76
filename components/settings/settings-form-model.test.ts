import { describe, expect, it } from "vitest";
import { parseSettingsForm, toForm } from "./settings-form-model";

describe("settings form", () => {
  it("accepts what the contract accepts; an empty collector means none", () => {
    expect(parseSettingsForm({ retentionHours: "48", zipkinCollectorUrl: " " })).toEqual({ value: { retentionHours: 48, zipkinCollectorUrl: null }, errors: [] });
    expect(parseSettingsForm(toForm({ retentionHours: 24, zipkinCollectorUrl: "http://zipkin:9411/api/v2/spans" })).value).toEqual({
      retentionHours: 24,
      zipkinCollectorUrl: "http://zipkin:9411/api/v2/spans",
    });
  });

  it("names each bad field once, in words", () => {
    const r = parseSettingsForm({ retentionHours: "0", zipkinCollectorUrl: "ftp://x" });
    expect(r.value).toBeNull();
    expect(r.errors.map((e) => e.path)).toEqual(["retentionHours", "zipkinCollectorUrl"]);
    expect(parseSettingsForm({ retentionHours: "1.5", zipkinCollectorUrl: "" }).errors.map((e) => e.path)).toEqual(["retentionHours"]);
    expect(parseSettingsForm({ retentionHours: "", zipkinCollectorUrl: "" }).errors.map((e) => e.path)).toEqual(["retentionHours"]);
    expect(parseSettingsForm({ retentionHours: "2161", zipkinCollectorUrl: "not a url" }).errors).toHaveLength(2);
  });
});
