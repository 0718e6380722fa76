// The text diff leaves the lines both snapshots share out of the line diff: its output must be exactly what
// diffing the whole texts gives.
import { createTwoFilesPatch } from "diff";
import { describe, expect, it } from "vitest";
import { canonicalYaml, unifiedDiff } from "../diff";
import { cluster, listener, prefixRoute } from "../test-fixtures";

const routes = (n: number, f: (i: number) => string = () => "a") => Array.from({ length: n }, (_, i) => prefixRoute(`/r/${i}`, f(i)));
const snap = (rs: Record<string, unknown>[], ports = [80]) => ({ listeners: [listener("main", 8080, rs)], clusters: [cluster("a", ports), cluster("b", [90])] });
const whole = (a: ReturnType<typeof snap>, b: ReturnType<typeof snap>) => createTwoFilesPatch("v1", "v2", canonicalYaml(a), canonicalYaml(b), undefined, undefined, { context: 3 });

describe("unified text diff", () => {
  const base = snap(routes(200));
  const cases: [string, ReturnType<typeof snap>][] = [
    ["identical", snap(routes(200))],
    ["first route", snap(routes(200, (i) => (i === 0 ? "b" : "a")))],
    ["a middle route", snap(routes(200, (i) => (i === 100 ? "b" : "a")))],
    ["two close routes", snap(routes(200, (i) => (i === 100 || i === 102 ? "b" : "a")))],
    ["last endpoint", snap(routes(200), [80, 81])],
    ["routes removed at the end", snap(routes(150))],
    ["routes added at the start", snap([...routes(3, () => "b"), ...routes(200)])],
    ["everything", { listeners: [], clusters: [] }],
  ];
  it.each(cases)("equals the diff of the whole texts: %s", (_name, after) => {
    expect(unifiedDiff("v1", "v2", base, after)).toBe(whole(base, after));
    expect(unifiedDiff("v1", "v2", after, base)).toBe(whole(after, base));
  });

  it("says so when the diff runs out of time", () => {
    const a = snap(routes(5000));
    const b = snap(routes(5000, (i) => (i % 2 ? "b" : "a")));
    expect(unifiedDiff("v1", "v2", a, b, 1)).toMatch(/^--- v1\n\+\+\+ v2\n@@ the text diff took longer than 0.001 s and was not computed/);
  });
});
