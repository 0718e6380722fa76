// Admin renderings of the stats store: Envoy's `/stats` text and JSON, and `/stats/prometheus`.
import { QUANTILES, type HistogramData } from "./histogram";
import { renderPrometheusText } from "./prometheus";
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

/** `/stats/prometheus`: the store through the Prometheus renderer (prometheus.ts), honouring filter and usedonly. */
export function renderPrometheus(store: StatsStore, o: RenderOptions = {}): string {
  const counters = new Map<string, number>();
  const gauges = new Map<string, number>();
  const histograms = new Map<string, HistogramData>();
  for (const c of store.counters.values()) if (selected(c.name, o) && (!o.usedOnly || c.value > 0)) counters.set(c.name, c.value);
  for (const g of store.gauges.values()) if (selected(g.name, o) && (!o.usedOnly || g.used)) gauges.set(g.name, g.value);
  for (const h of store.histograms.values()) if (selected(h.name, o) && (!o.usedOnly || h.cumulative.count > 0)) histograms.set(h.name, h.cumulative);
  return renderPrometheusText({ counters, gauges, histograms });
}
