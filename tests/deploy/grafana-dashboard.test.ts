// deploy/grafana/signalbox-dashboard.json: valid JSON that Grafana imports, every query valid PromQL that reads
// only metric families Envoy emits (so it works over proxy-core and over a real Envoy alike), and the panels
// the dashboard promises.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { dashboardFamilies, dashboardPanels, dashboardQueries, ENVOY_FAMILIES, isKnownFunction, loadDashboard, promqlNames, promtool, withoutGrafanaVariables } from "./promql";

const d = loadDashboard();
const panels = dashboardPanels(d).filter((p) => p.type !== "row");

describe("Grafana dashboard", () => {
  it("is an importable dashboard: uid, unique panel ids, panels inside the 24-column grid, one data source variable", () => {
    expect(d).toMatchObject({ uid: "signalbox-envoy", title: expect.any(String), schemaVersion: expect.any(Number) });
    const ids = dashboardPanels(d).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dashboardPanels(d)) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      expect(p.gridPos.h, p.title).toBeGreaterThan(0);
    }
    expect(d.templating.list.find((v: { type: string }) => v.type === "datasource")).toMatchObject({ name: "datasource", query: "prometheus" });
    for (const p of panels) {
      expect(p.datasource, p.title).toEqual({ type: "prometheus", uid: "${datasource}" });
      expect(p.targets.length, p.title).toBeGreaterThan(0);
    }
  });

  it("finds the metric names in a query (the check below relies on it)", () => {
    expect(promqlNames('sum by (le) (rate(envoy_http_downstream_rq_time_bucket{node=~"$node"}[$__rate_interval])) / made_up_total unless on () (up == 0)')).toEqual({
      metrics: ["envoy_http_downstream_rq_time", "made_up_total", "up"],
      functions: ["rate", "sum"],
    });
    expect(promqlNames("label_values(envoy_server_live, node)").metrics).toEqual(["envoy_server_live"]);
  });

  it("reads only metric families Envoy emits, through PromQL functions only", () => {
    const queries = dashboardQueries(d);
    expect(queries.length).toBeGreaterThan(20);
    const unknown = queries.flatMap((q) => promqlNames(q.expr).metrics.filter((m) => !ENVOY_FAMILIES.has(m)).map((m) => `${q.where}: ${m}`));
    expect(unknown).toEqual([]);
    const functions = queries.flatMap((q) => promqlNames(q.expr).functions.filter((f) => f !== "label_values" && !isKnownFunction(f)).map((f) => `${q.where}: ${f}`));
    expect(functions).toEqual([]);
    // every query honours the node filter, so one worker of the fleet can be looked at alone
    for (const q of queries.filter((x) => x.where.startsWith("panel"))) expect(q.expr, q.where).toContain('node=~"$node"');
  });

  it("charts response classes, latency histograms, breakers, overflow, healthy hosts and uptime", () => {
    expect(dashboardFamilies(d)).toEqual(
      expect.arrayContaining([
        "envoy_cluster_upstream_rq_xx", "envoy_http_downstream_rq_xx", "envoy_http_downstream_rq_time", "envoy_cluster_upstream_rq_time",
        "envoy_cluster_circuit_breakers_default_rq_open", "envoy_cluster_upstream_rq_pending_overflow", "envoy_cluster_membership_healthy", "envoy_server_uptime",
      ]),
    );
    const exprs = (title: RegExp) => panels.filter((p) => title.test(p.title)).flatMap((p) => p.targets.map((t: { expr: string }) => t.expr));
    expect(exprs(/^Requests\/s by response class$/)[0]).toMatch(/sum by \(envoy_response_code_class\)/);
    expect(exprs(/^Latency p50 \/ p90 \/ p99$/).map((e) => /histogram_quantile\(([\d.]+)/.exec(e)![1])).toEqual(["0.5", "0.9", "0.99"]);
    expect(exprs(/^Circuit breakers open$/).join()).toMatch(/by \(envoy_cluster_name\)/);
    expect(exprs(/per node$/).every((e) => /by \(node(, le)?\)/.test(e))).toBe(true);
    expect(exprs(/per node$/).length).toBeGreaterThanOrEqual(3);
  });

  it("every query is valid PromQL (promtool parses them as recording rules)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-dashboard-"));
    try {
      const rules = dashboardQueries(d)
        .filter((q) => q.where.startsWith("panel"))
        .map((q, i) => `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(withoutGrafanaVariables(q.expr))}`);
      fs.writeFileSync(path.join(dir, "queries.yml"), `groups:\n  - name: dashboard\n    rules:\n${rules.join("\n")}\n`);
      const r = promtool(["check", "rules", "queries.yml"], dir);
      expect(r.output).toContain(`SUCCESS: ${rules.length} rules found`);
      expect(r.status, r.output).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
