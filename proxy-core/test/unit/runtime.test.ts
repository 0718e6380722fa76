// The layered runtime (src/runtime/) against Envoy's runtime_impl.cc: static layers flattened to dotted keys,
// later layers winning, values typed as Envoy types them, featureEnabled's draw with an injected random source,
// the admin layer (/runtime_modify) and the /runtime view.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { Runtime, RuntimeLoadError, effectiveLayers, fraction, type RuntimeLayerConfig } from "../../src/runtime/runtime";
import { entryFromAdminString, entryFromValue, sixDigits, structDebug } from "../../src/runtime/runtime-entry";
import { StatsStore } from "../../src/stats/store";
import { formatIssues, validateBootstrap } from "../../src/config/validate";

const staticLayer = (name: string, values: Record<string, unknown>): RuntimeLayerConfig => ({ name, static_layer: values });
const ADMIN: RuntimeLayerConfig = { name: "admin", admin_layer: {} };

describe("static layers", () => {
  it("flattens nested objects to dotted keys and lets later layers win", () => {
    const rt = new Runtime({ layers: [staticLayer("base", { a: { b: { c: 5 } }, x: "one" }), staticLayer("over", { x: "two", "a.b.d": true })] });
    expect(rt.getInteger("a.b.c", 0)).toBe(5);
    expect(rt.get("x")).toBe("two");
    expect(rt.getBoolean("a.b.d", false)).toBe(true);
    expect(rt.get("a")).toBeNull();
    expect(rt.getInteger("missing", 7)).toBe(7);
  });

  it("the seed 002 front-envoy static layer loads its connection_limit key", () => {
    const seed = path.resolve(__dirname, "../fixtures/seed-configs/002-front-envoy.yaml");
    const layers = fs.existsSync(seed)
      ? (YAML.parse(fs.readFileSync(seed, "utf8").replaceAll("@CERTS@", "/tmp")).layered_runtime.layers as RuntimeLayerConfig[])
      : [staticLayer("static_layer_0", { envoy: { resource_limits: { listener: { example_listener_name: { connection_limit: 10000 } } } } })];
    const rt = new Runtime({ layers: effectiveLayers({ layers }) });
    expect(rt.getInteger("envoy.resource_limits.listener.example_listener_name.connection_limit", 0)).toBe(10000);
    expect(rt.adminView()).toEqual({
      entries: { "envoy.resource_limits.listener.example_listener_name.connection_limit": { final_value: "10000", layer_values: ["10000"] } },
      layers: ["static_layer_0"],
    });
  });

  it("types values as Envoy does: numbers are uints, ints bools; strings only numbers; objects fractions", () => {
    const n = entryFromValue(42);
    expect([n.raw, n.uint, n.double, n.bool]).toEqual(["42", 42, 42, true]);
    const f = entryFromValue(2.7);
    expect([f.uint, f.double, f.bool]).toEqual([2, 2.7, null]);
    expect(entryFromValue(-3).uint).toBeNull();
    expect(entryFromValue(0).bool).toBe(false);
    const b = entryFromValue(true);
    expect([b.raw, b.bool, b.uint]).toEqual(["true", true, null]);
    // reject_invalid_yaml (on by default): a string is a number or nothing
    expect(entryFromValue(" 17 ").uint).toBe(17);
    expect(entryFromValue("true").bool).toBeNull();
    expect(entryFromValue("{numerator: 5}").fraction).toBeNull();
    expect(entryFromValue({ numerator: 5, denominator: "TEN_THOUSAND" }).fraction).toEqual({ numerator: 5, denominator: 10_000 });
    expect(entryFromValue({ numerator: 5 }).fraction).toEqual({ numerator: 5, denominator: 100 });
    expect(entryFromValue({}).fraction).toEqual({ numerator: 0, denominator: 100 });
    expect(entryFromValue({ numerator: 5, other: 1 }).fraction).toBeNull();
  });

  it("raw strings are what Envoy's /runtime shows: six significant digits, Struct DebugString", () => {
    expect([sixDigits(10000), sixDigits(0.5), sixDigits(1_000_000), sixDigits(123456789), sixDigits(1e-5)]).toEqual(["10000", "0.5", "1e+06", "1.23457e+08", "1e-05"]);
    expect(structDebug({ numerator: 50, denominator: "MILLION" })).toBe(
      'fields {\n  key: "denominator"\n  value {\n    string_value: "MILLION"\n  }\n}\nfields {\n  key: "numerator"\n  value {\n    number_value: 50\n  }\n}\n',
    );
  });

  it("a list or null is refused with Envoy's message, at load and at validation with its path", () => {
    const store = new StatsStore();
    expect(() => new Runtime({ store, layers: [staticLayer("s", { a: { b: [1, 2] } })] })).toThrow(new RuntimeLoadError("Invalid runtime entry value for a.b"));
    expect(store.counter("runtime.load_error").value).toBe(1);
    const v = validateBootstrap({ static_resources: {}, layered_runtime: { layers: [{ name: "s", static_layer: { a: { b: [1] }, c: null } }] } });
    expect(v.ok).toBe(false);
    if (!v.ok)
      expect(formatIssues(v.errors).split("\n")).toEqual([
        "layered_runtime.layers[0].static_layer.a.b: Invalid runtime entry value for a.b (Envoy's runtime refuses lists and null)",
        "layered_runtime.layers[0].static_layer.c: Invalid runtime entry value for c (Envoy's runtime refuses lists and null)",
      ]);
  });

  it("effective layers: none without layered_runtime, one unnamed admin layer for an empty one", () => {
    expect(effectiveLayers(undefined)).toEqual([]);
    expect(effectiveLayers({})).toEqual([{ name: "", admin_layer: {} }]);
  });
});

describe("featureEnabled (injected random source)", () => {
  it("default fraction: enabled when random % denominator < numerator", () => {
    const draws = [24, 25, 124, 999_999];
    const rt = new Runtime({ random: () => draws.shift()! });
    const quarter = fraction({ numerator: 25, denominator: "HUNDRED" });
    expect([rt.featureEnabled("k", quarter), rt.featureEnabled("k", quarter), rt.featureEnabled("k", quarter), rt.featureEnabled("k", quarter)]).toEqual([true, false, true, false]);
    expect(rt.featureEnabled("k", fraction({ numerator: 1, denominator: "MILLION" }), 0)).toBe(true);
    expect(rt.featureEnabled("k", fraction({ numerator: 1, denominator: "MILLION" }), 1)).toBe(false);
  });

  it("the key overrides the default: a FractionalPercent, or an integer percentage (above 100: always)", () => {
    const rt = new Runtime({ layers: [staticLayer("s", { frac: { numerator: 10, denominator: "TEN_THOUSAND" }, pct: 30, big: 250 })] });
    const never = fraction({ numerator: 0 });
    expect(rt.featureEnabled("frac", never, 9)).toBe(true);
    expect(rt.featureEnabled("frac", never, 10)).toBe(false);
    expect(rt.featureEnabled("pct", never, 29)).toBe(true);
    expect(rt.featureEnabled("pct", never, 30)).toBe(false);
    expect(rt.featureEnabled("big", never, 99)).toBe(true);
    expect(rt.featureEnabled("", fraction({ numerator: 100 }), 5)).toBe(true);
  });

  it("the default random source draws over 1,000,000 and lands near the configured share", () => {
    const rt = new Runtime();
    const tenth = fraction({ numerator: 10, denominator: "HUNDRED" });
    let on = 0;
    for (let i = 0; i < 20_000; i++) if (rt.featureEnabled("k", tenth)) on++;
    // 10 % of 20,000 ± 6σ (σ ≈ 42)
    expect(on).toBeGreaterThan(2000 - 260);
    expect(on).toBeLessThan(2000 + 260);
    const r = rt.random();
    expect(Number.isInteger(r) && r >= 0 && r < 1_000_000).toBe(true);
  });

  it("featurePercentEnabled: the key's integer, else the default, as a percentage", () => {
    const rt = new Runtime({ layers: [staticLayer("s", { p: 40 })] });
    expect(rt.featurePercentEnabled("p", 0, 39)).toBe(true);
    expect(rt.featurePercentEnabled("p", 0, 40)).toBe(false);
    expect(rt.featurePercentEnabled("q", 100, 99)).toBe(true);
    expect(rt.featurePercentEnabled("q", 0, 0)).toBe(false);
  });
});

describe("admin layer (/runtime_modify)", () => {
  it("sets, overrides and removes keys; values are read as YAML; /runtime shows every layer", () => {
    const store = new StatsStore();
    const rt = new Runtime({ store, layers: [staticLayer("base", { a: 1, b: "x" }), ADMIN] });
    expect(rt.mergeValues([["a", "2"], ["flag", "true"], ["frac", "{numerator: 3, denominator: TEN_THOUSAND}"], ["name", "'42'"]])).toBeNull();
    expect(rt.getInteger("a", 0)).toBe(2);
    expect(rt.getBoolean("flag", false)).toBe(true);
    expect(rt.featureEnabled("frac", fraction(undefined), 2)).toBe(true);
    // Envoy reads a string's number from the raw text as written, quotes included: none here
    expect([rt.get("name"), rt.getInteger("name", 0)]).toEqual(["'42'", 0]);
    expect(store.gauge("runtime.admin_overrides_active").value).toBe(1);
    expect(store.gauge("runtime.num_keys").value).toBe(5);
    expect(rt.adminView().entries.a).toEqual({ final_value: "2", layer_values: ["1", "2"] });
    expect(rt.adminView().layers).toEqual(["base", "admin"]);
    expect(rt.mergeValues([["a", ""], ["flag", ""], ["frac", ""], ["name", ""]])).toBeNull();
    expect(rt.getInteger("a", 0)).toBe(1);
    expect(store.gauge("runtime.admin_overrides_active").value).toBe(0);
    expect(entryFromAdminString("yes").bool).toBe(true);
    expect(entryFromAdminString("99999999999").uint).toBe(99_999_999_999);
  });

  it("without an admin layer: Envoy's `No admin layer specified`", () => {
    const rt = new Runtime({ layers: [staticLayer("base", {})] });
    expect(rt.mergeValues([["a", "1"]])).toBe("No admin layer specified");
    expect(rt.hasAdminLayer).toBe(false);
  });

  it("a reload replaces the static layers and keeps the admin overrides; state() restores a copy", () => {
    const rt = new Runtime({ layers: [staticLayer("base", { a: 1, b: 1 }), ADMIN] });
    rt.mergeValues([["b", "9"]]);
    rt.load([staticLayer("base", { a: 5, b: 5 }), ADMIN]);
    expect([rt.getInteger("a", 0), rt.getInteger("b", 0)]).toEqual([5, 9]);
    const copy = new Runtime();
    copy.restore(rt.state());
    expect(copy.adminView()).toEqual(rt.adminView());
    rt.mergeValues([["b", ""]]);
    copy.restore(rt.state());
    expect(copy.getInteger("b", 0)).toBe(5);
  });
});
