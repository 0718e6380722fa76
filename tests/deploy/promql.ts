// What the deploy/ tests know about Prometheus: the metric families Envoy emits (as its default tag
// extraction names them), the dashboard's queries, the metric names a PromQL expression reads, and promtool.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

export const DEPLOY = path.resolve(import.meta.dirname, "..", "..", "deploy");
export const DASHBOARD_FILE = path.join(DEPLOY, "grafana", "signalbox-dashboard.json");
export const ALERTS_FILE = path.join(DEPLOY, "prometheus", "alerts.yml");
export const ALERTS_TEST_FILE = path.join(DEPLOY, "prometheus", "alerts.test.yml");

/**
 * Metric families Envoy emits on /stats/prometheus, after its default tag extraction (Envoy docs:
 * "Statistics" for the cluster manager, HTTP connection manager, listeners and server; tag names from
 * config.metrics.v3.TagSpecifier): the cluster name, HCM stat_prefix, listener address and response code or
 * code class become labels, so `cluster.api.upstream_rq_5xx` is `envoy_cluster_upstream_rq_xx{envoy_cluster_name="api",
 * envoy_response_code_class="5"}`. Histograms are listed by family; their series add _bucket, _sum, _count.
 */
const FAMILIES = {
  cluster: [
    "upstream_cx_total", "upstream_cx_active", "upstream_cx_http1_total", "upstream_cx_connect_fail", "upstream_cx_connect_timeout",
    "upstream_cx_overflow", "upstream_cx_none_healthy", "upstream_cx_destroy_remote_with_active_rq", "upstream_cx_connect_ms",
    "upstream_cx_length_ms", "upstream_rq_total", "upstream_rq_active", "upstream_rq_completed", "upstream_rq_pending_total",
    "upstream_rq_pending_overflow", "upstream_rq_pending_failure_eject", "upstream_rq_pending_active", "upstream_rq_cancelled",
    "upstream_rq_timeout", "upstream_rq_per_try_timeout", "upstream_rq_retry", "upstream_rq_retry_success", "upstream_rq_retry_overflow",
    "upstream_rq_retry_limit_exceeded", "upstream_rq", "upstream_rq_xx", "upstream_rq_time", "retry_upstream_rq", "retry_upstream_rq_xx",
    "retry_or_shadow_abandoned", "membership_healthy", "membership_degraded", "membership_excluded", "membership_total", "membership_change",
    "lb_healthy_panic", "update_attempt", "update_success", "update_failure", "health_check_attempt", "health_check_success",
    "health_check_failure", "health_check_healthy", "outlier_detection_ejections_active", "outlier_detection_ejections_enforced_total",
    "circuit_breakers_default_cx_open", "circuit_breakers_default_cx_pool_open", "circuit_breakers_default_rq_pending_open",
    "circuit_breakers_default_rq_open", "circuit_breakers_default_rq_retry_open", "circuit_breakers_default_remaining_cx",
    "circuit_breakers_default_remaining_pending", "circuit_breakers_default_remaining_rq", "circuit_breakers_default_remaining_retries",
  ],
  cluster_manager: ["active_clusters", "warming_clusters", "cluster_added", "cluster_modified", "cluster_removed"],
  http: [
    "downstream_cx_total", "downstream_cx_active", "downstream_cx_http1_total", "downstream_cx_ssl_total", "downstream_cx_ssl_active",
    "downstream_cx_upgrades_total", "downstream_cx_upgrades_active", "downstream_cx_protocol_error", "downstream_cx_length_ms",
    "downstream_rq_total", "downstream_rq_active", "downstream_rq_http1_total", "downstream_rq_xx", "downstream_rq_completed",
    "downstream_rq_rx_reset", "downstream_rq_tx_reset", "downstream_rq_timeout", "downstream_rq_idle_timeout",
    "downstream_rq_ws_on_non_ws_route", "downstream_rq_time", "no_route", "no_cluster", "rq_direct_response", "rq_redirect", "rq_total",
    "tracing_random_sampling", "tracing_service_forced", "tracing_client_enabled", "tracing_not_traceable", "tracing_health_check",
  ],
  listener: ["downstream_cx_total", "downstream_cx_active", "downstream_cx_length_ms", "no_filter_chain_match", "ssl_handshake", "ssl_connection_error"],
  listener_manager: ["total_listeners_active", "total_listeners_warming", "listener_added", "listener_modified", "listener_removed"],
  server: ["uptime", "live", "state", "version", "concurrency", "memory_allocated", "memory_heap_size", "total_connections", "days_until_first_cert_expiring", "hot_restart_epoch"],
  control_plane: ["connected_state", "pending_requests", "rate_limit_enforced"],
};
export const ENVOY_FAMILIES = new Set(Object.entries(FAMILIES).flatMap(([scope, names]) => names.map((n) => `envoy_${scope}_${n}`)));
const HISTOGRAMS = new Set(["envoy_cluster_upstream_cx_connect_ms", "envoy_cluster_upstream_cx_length_ms", "envoy_cluster_upstream_rq_time", "envoy_http_downstream_cx_length_ms", "envoy_http_downstream_rq_time", "envoy_listener_downstream_cx_length_ms"]);

const FUNCTIONS = new Set([
  "sum", "min", "max", "avg", "count", "group", "topk", "bottomk", "quantile", "stddev", "count_values",
  "rate", "irate", "increase", "delta", "idelta", "deriv", "changes", "resets", "histogram_quantile", "label_replace", "label_join",
  "max_over_time", "min_over_time", "avg_over_time", "sum_over_time", "count_over_time", "last_over_time", "present_over_time",
  "absent", "absent_over_time", "clamp_min", "clamp_max", "clamp", "abs", "ceil", "floor", "round", "time", "timestamp", "vector", "scalar", "sort", "sort_desc",
]);
const KEYWORDS = new Set(["and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan"]);

/** The metric names an expression reads (histogram series by family), and the functions it calls. */
export function promqlNames(expr: string): { metrics: string[]; functions: string[] } {
  const lv = /^\s*label_values\(\s*([a-zA-Z_:][\w:]*)\s*,\s*\w+\s*\)\s*$/.exec(expr);
  if (lv) return { metrics: [lv[1]], functions: [] };
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
    .replace(/\$\w+/g, " ");
  const metrics = new Set<string>();
  const functions = new Set<string>();
  for (const m of bare.matchAll(/(?<![\w.])[a-zA-Z_:][\w:]*/g)) {
    const word = m[0];
    if (KEYWORDS.has(word)) continue;
    if (bare.slice(m.index! + word.length).trimStart().startsWith("(")) functions.add(word);
    else metrics.add(word.replace(/_(bucket|sum|count)$/, (s) => (HISTOGRAMS.has(word.slice(0, -s.length)) ? "" : s)));
  }
  return { metrics: [...metrics].sort(), functions: [...functions].sort() };
}

export const isKnownFunction = (f: string) => FUNCTIONS.has(f);

// The parts of Grafana's dashboard JSON model these tests read; everything else is kept as it is.
const Panel = z.looseObject({
  id: z.number(),
  type: z.string(),
  title: z.string(),
  gridPos: z.looseObject({ x: z.number(), y: z.number(), w: z.number(), h: z.number() }),
  // a row has no queries
  targets: z.array(z.looseObject({ refId: z.string(), expr: z.string() })).default([]),
});
type Panel = z.infer<typeof Panel>;
const Dashboard = z.looseObject({
  uid: z.string(),
  title: z.string(),
  schemaVersion: z.number(),
  // a collapsed row holds its panels
  panels: z.array(Panel.extend({ panels: z.array(Panel).optional() })),
  templating: z.looseObject({
    list: z.array(z.looseObject({ type: z.string(), name: z.string(), query: z.union([z.string(), z.looseObject({ query: z.string() })]) })),
  }),
});
type Dashboard = z.infer<typeof Dashboard>;

export function loadDashboard(): Dashboard {
  return Dashboard.parse(JSON.parse(fs.readFileSync(DASHBOARD_FILE, "utf8")));
}

export function dashboardPanels(d: Dashboard): Panel[] {
  return d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Every query of the dashboard: panel targets and query variables, with where it comes from. */
export function dashboardQueries(d: Dashboard): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const p of dashboardPanels(d)) for (const t of p.targets ?? []) out.push({ where: `panel "${p.title}" ${t.refId}`, expr: t.expr });
  for (const v of d.templating?.list ?? []) if (v.type === "query") out.push({ where: `variable $${v.name}`, expr: typeof v.query === "string" ? v.query : v.query.query });
  return out;
}

/** Every metric family the dashboard reads. */
export function dashboardFamilies(d = loadDashboard()): string[] {
  return [...new Set(dashboardQueries(d).flatMap((q) => promqlNames(q.expr).metrics))].sort();
}

/** A panel query with Grafana's variables replaced, so Prometheus can parse it. */
export function withoutGrafanaVariables(expr: string): string {
  return expr.replace(/\$__rate_interval|\$__interval|\$__range/g, "1m").replace(/\$\{?\w+\}?/g, ".*");
}

/** Runs promtool; a missing promtool is an error, not a skip (CI installs Debian's prometheus package). */
export function promtool(args: string[], cwd?: string): { status: number; output: string } {
  const r = spawnSync("promtool", args, { cwd, encoding: "utf8", timeout: 30_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT")
    throw new Error("promtool is not installed: `apt-get install prometheus` (Debian's package; .ci/run installs it)");
  if (r.error) throw r.error;
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}
