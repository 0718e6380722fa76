// deploy/prometheus/alerts.yml: promtool accepts it, its unit tests (alerts.test.yml: each alert fires on
// the series it is about, and not before its `for`) pass, and it reads only Envoy's metric families.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ALERTS_FILE, ALERTS_TEST_FILE, ENVOY_FAMILIES, isKnownFunction, promqlNames, promtool } from "./promql";

type Rule = { alert?: string; expr: string; for?: string };
const groups = (parse(fs.readFileSync(ALERTS_FILE, "utf8")) as { groups: { rules: Rule[] }[] }).groups;
const rules = groups.flatMap((g) => g.rules);

describe("Prometheus alert rules", () => {
  it("promtool check rules accepts them", () => {
    const r = promtool(["check", "rules", path.basename(ALERTS_FILE)], path.dirname(ALERTS_FILE));
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it("promtool test rules: each alert fires on its series, after its `for`, and not otherwise", () => {
    const r = promtool(["test", "rules", path.basename(ALERTS_TEST_FILE)], path.dirname(ALERTS_TEST_FILE));
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain("SUCCESS");
    // every alert has at least one test case
    const tested = fs.readFileSync(ALERTS_TEST_FILE, "utf8");
    for (const a of rules) expect(tested, a.alert).toContain(`alertname: ${a.alert}`);
  });

  it("alerts on an open breaker (1 m), a 5xx ratio above 5 % (5 m), no healthy upstream and a worker down", () => {
    const byName = Object.fromEntries(rules.map((r) => [r.alert, r]));
    expect(byName.SignalboxCircuitBreakerOpen).toMatchObject({ for: "1m", expr: expect.stringContaining("envoy_cluster_circuit_breakers_default_rq_open") });
    expect(byName.SignalboxHigh5xxRatio).toMatchObject({ for: "5m", expr: expect.stringContaining("> 0.05") });
    expect(byName.SignalboxNoHealthyUpstream.expr).toContain("envoy_cluster_membership_healthy");
    expect(byName.SignalboxWorkerDown.expr).toContain('up{job="signalbox-workers"} == 0');
  });

  it("reads only Envoy's metric families (and Prometheus' own `up`)", () => {
    const unknown = rules.flatMap((r) => promqlNames(r.expr).metrics.filter((m) => m !== "up" && !ENVOY_FAMILIES.has(m)).map((m) => `${r.alert}: ${m}`));
    expect(unknown).toEqual([]);
    const functions = rules.flatMap((r) => promqlNames(r.expr).functions.filter((f) => !isKnownFunction(f)).map((f) => `${r.alert}: ${f}`));
    expect(functions).toEqual([]);
  });
});
