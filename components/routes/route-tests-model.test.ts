import { describe, expect, it } from "vitest";
import { checkSuiteText, issueText, splitPath, suiteToYaml } from "./route-tests-model";

const GOOD = `tests:
- test_name: api
  input: {authority: x, path: /api, method: GET}
  validate: {cluster_name: a}
`;

describe("route tests editor", () => {
  it("accepts Envoy's test file and counts its tests; an empty text means no tests", () => {
    expect(checkSuiteText(GOOD)).toMatchObject({ ok: true, tests: 1 });
    expect(checkSuiteText("  \n")).toEqual({ ok: true, doc: { tests: [] }, tests: 0 });
    expect(checkSuiteText("tests: []")).toMatchObject({ ok: true, tests: 0 });
  });

  it("names each problem's field and the line it is on", () => {
    const r = checkSuiteText("tests:\n- test_name: api\n  input:\n    authority: x\n    path: /\n    method: GE\n  validate: {}\n");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toEqual([
      { line: 6, path: "tests[0].input.method", message: "must be at least 3 characters (an HTTP method)" },
      { line: 7, path: "tests[0].validate", message: expect.stringContaining("needs at least one check") },
    ]);
    expect(issueText(r.issues[0])).toBe("line 6, tests[0].input.method: must be at least 3 characters (an HTTP method)");
  });

  it("points a missing field at the object that lacks it, and a YAML error at its line", () => {
    const missing = checkSuiteText("tests:\n- test_name: api\n  validate: {cluster_name: a}\n");
    expect(!missing.ok && missing.issues[0]).toEqual({ line: 2, path: "tests[0].input", message: "is required" });
    const yaml = checkSuiteText("tests:\n- test_name: a\n  input: {authority: x\n");
    expect(!yaml.ok && yaml.issues[0].line).toBeGreaterThanOrEqual(3);
    expect(checkSuiteText("- test_name: a")).toMatchObject({ ok: false, issues: [{ message: expect.stringContaining("legacy format") }] });
  });

  it("splits a field path as proxy-core formats it, and round-trips a suite through YAML", () => {
    expect(splitPath('tests[2].validate["x.y"].z')).toEqual(["tests", 2, "validate", "x.y", "z"]);
    const r = checkSuiteText(GOOD);
    expect(r.ok && checkSuiteText(suiteToYaml(r.doc))).toEqual(r);
  });
});
