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

/** Prometheus text format 0.0.4; names are `envoy_` + the stat name with every non [a-zA-Z0-9_] as `_`. */
export function renderPrometheus(store: StatsStore, o: RenderOptions = {}): string {
  const out: string[] = [];
  const emit = (type: string, items: { name: string; value: number }[]) => {
    for (const s of [...items].filter((s) => selected(s.name, o)).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const n = promName(s.name);
      out.push(`# TYPE ${n} ${type}`, `${n} ${s.value}`);
    }
  };
  emit("counter", [...store.counters.values()]);
  emit("gauge", [...store.gauges.values()]);
  for (const h of [...store.histograms.values()].filter((h) => selected(h.name, o)).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const n = promName(h.name);
    out.push(`# TYPE ${n} histogram`);
    const cum = h.cumulative.cumulativeAt(PROM_BUCKETS);
    PROM_BUCKETS.forEach((b, i) => out.push(`${n}_bucket{le="${b}"} ${cum[i]}`));
    out.push(`${n}_bucket{le="+Inf"} ${h.cumulative.count}`, `${n}_sum ${fmt(h.cumulative.sumUs / 1000)}`, `${n}_count ${h.cumulative.count}`);
  }
  return out.join("\n") + "\n";
}
