// Admin renderings of the stats store: Envoy's `/stats` text and JSON, and `/stats/prometheus`.
import { QUANTILES, type HistogramData } from "./histogram";
import type { StatsStore } from "./store";

export interface RenderOptions {
  filter?: RegExp;
  usedOnly?: boolean;
}

function fmt(v: number): string {
  if (Number.isNaN(v)) return "nan";
  return Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000);
}

function quantileLine(interval: HistogramData, cumulative: HistogramData): string {
  if (cumulative.count === 0) return "No recorded values";
  const names = ["P0", "P25", "P50", "P75", "P90", "P95", "P99", "P99.5", "P99.9", "P100"];
  return QUANTILES.map((q, i) => `${names[i]}(${fmt(interval.quantileMs(q))},${fmt(cumulative.quantileMs(q))})`).join(" ");
}

function selected(name: string, o: RenderOptions) {
  return !o.filter || o.filter.test(name);
}

/** Envoy text format: `name: value` sorted by name, histograms after counters and gauges. */
export function renderText(store: StatsStore, o: RenderOptions = {}): string {
  const lines: string[] = [];
  for (const c of store.counters.values()) if (selected(c.name, o) && (!o.usedOnly || c.value > 0)) lines.push(`${c.name}: ${c.value}`);
  for (const g of store.gauges.values()) if (selected(g.name, o) && (!o.usedOnly || g.used)) lines.push(`${g.name}: ${g.value}`);
  lines.sort(byName);
  const hist: string[] = [];
  for (const h of store.histograms.values())
    if (selected(h.name, o) && (!o.usedOnly || h.cumulative.count > 0)) hist.push(`${h.name}: ${quantileLine(h.interval, h.cumulative)}`);
  hist.sort(byName);
  return lines.concat(hist).join("\n") + (lines.length + hist.length ? "\n" : "");
}

function byName(a: string, b: string) {
  const an = a.slice(0, a.indexOf(": "));
  const bn = b.slice(0, b.indexOf(": "));
  return an < bn ? -1 : an > bn ? 1 : 0;
}

export function renderJson(store: StatsStore, o: RenderOptions = {}) {
  const stats: unknown[] = [];
  const names = [...store.counters.values(), ...store.gauges.values()].filter((s) => selected(s.name, o)).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const s of names) stats.push({ name: s.name, value: s.value });
  const computed: unknown[] = [];
  for (const h of [...store.histograms.values()].filter((h) => selected(h.name, o)).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    computed.push({
      name: h.name,
      values: QUANTILES.map((q) => ({ interval: nullIfNaN(h.interval.quantileMs(q)), cumulative: nullIfNaN(h.cumulative.quantileMs(q)) })),
    });
  }
  stats.push({ histograms: { supported_quantiles: QUANTILES.map((q) => q * 100), computed_quantiles: computed } });
  return { stats };
}

function nullIfNaN(v: number) {
  return Number.isNaN(v) ? null : v;
}

const PROM_BUCKETS = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

function promName(name: string) {
  return "envoy_" + name.replace(/[^a-zA-Z0-9_]/g, "_");
}

// Envoy's default tag extractors for the common stats (well_known_names.cc), in Envoy's tag order: each
// removes its captured part from the name and adds a label.
const TAG_RULES: { tag: string; re: RegExp }[] = [
  { tag: "envoy_response_code", re: /_rq(_(\d{3}))$/ },
  { tag: "envoy_response_code_class", re: /_rq(_(\d)xx)$/ },
  { tag: "envoy_http_conn_manager_prefix", re: /^http(\.([^.]+))\./ },
  { tag: "envoy_cluster_name", re: /^cluster(\.([^.]+))\./ },
  { tag: "envoy_listener_address", re: /^listener(\.((?:\[[^\]]*\]|[\d.]+)_\d+))\./ },
];

/** `cluster.svc.upstream_rq_200` → family `envoy_cluster_upstream_rq`, labels `envoy_response_code="200",envoy_cluster_name="svc"`. */
export function promSeries(statName: string): { family: string; labels: string[] } {
  let name = statName;
  const labels: string[] = [];
  for (const r of TAG_RULES) {
    const m = r.re.exec(name);
    if (!m) continue;
    labels.push(`${r.tag}="${m[2].replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`);
    const at = m.index + m[0].indexOf(m[1]);
    name = name.slice(0, at) + name.slice(at + m[1].length);
  }
  // a code class keeps Envoy's `_xx` suffix: downstream_rq_2xx → downstream_rq_xx
  if (labels.some((l) => l.startsWith("envoy_response_code_class="))) name += "_xx";
  return { family: promName(name), labels };
}

function labelSet(labels: string[], extra?: string): string {
  const all = extra ? [...labels, extra] : labels;
  return all.length ? `{${all.join(",")}}` : "";
}

/** Prometheus text format 0.0.4: `envoy_` names with Envoy's tag extraction, one `# TYPE` per family. */
export function renderPrometheus(store: StatsStore, o: RenderOptions = {}): string {
  const out: string[] = [];
  const emit = (type: string, items: { name: string; value: number }[]) => {
    const families = new Map<string, string[]>();
    for (const s of items) {
      if (!selected(s.name, o) || (o.usedOnly && s.value === 0)) continue;
      const { family, labels } = promSeries(s.name);
      let lines = families.get(family);
      if (!lines) families.set(family, (lines = []));
      lines.push(`${family}${labelSet(labels)} ${s.value}`);
    }
    for (const f of [...families.keys()].sort()) out.push(`# TYPE ${f} ${type}`, ...families.get(f)!.sort());
  };
  emit("counter", [...store.counters.values()]);
  emit("gauge", [...store.gauges.values()]);
  const hist = new Map<string, string[]>();
  for (const h of [...store.histograms.values()].filter((h) => selected(h.name, o)).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const { family, labels } = promSeries(h.name);
    let lines = hist.get(family);
    if (!lines) hist.set(family, (lines = []));
    const cum = h.cumulative.cumulativeAt(PROM_BUCKETS);
    PROM_BUCKETS.forEach((b, i) => lines!.push(`${family}_bucket${labelSet(labels, `le="${b}"`)} ${cum[i]}`));
    lines.push(
      `${family}_bucket${labelSet(labels, 'le="+Inf"')} ${h.cumulative.count}`,
      `${family}_sum${labelSet(labels)} ${fmt(h.cumulative.sumUs / 1000)}`,
      `${family}_count${labelSet(labels)} ${h.cumulative.count}`,
    );
  }
  for (const f of [...hist.keys()].sort()) out.push(`# TYPE ${f} histogram`, ...hist.get(f)!);
  return out.join("\n") + "\n";
}
