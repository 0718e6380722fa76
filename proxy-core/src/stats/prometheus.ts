// Prometheus text exposition (format 0.0.4) of Envoy-named stats, written as Envoy's admin /stats/prometheus
// writes it (source/server/admin/prometheus_stats.cc), so Envoy's Grafana dashboards and alerts work unchanged:
// - a metric is `envoy_` + the tag-extracted name (envoy-tags.ts), every character outside [a-zA-Z0-9_] as `_`;
// - its labels are the extracted tags in extraction order (`envoy.cluster_name` → `envoy_cluster_name`), then
//   the source's own labels sorted by name (the console adds `node` when it serves a fleet), then `le`;
// - one `# TYPE` line per metric: counters, then gauges, then histograms, each family sorted by name and its
//   series by stat name;
// - histograms as `_bucket{le}` (cumulative, Envoy's default bounds in ms, then `+Inf`), `_sum` (ms), `_count`.
// Differences from Envoy's bytes, none of which changes a series: a series without labels is written without
// `{}`, label values are escaped as the format requires (Envoy writes them raw), and there are no blank lines.
// Pure: plain data in, text out; the worker's admin and the console both render through it.
import { HistogramData, sparseCumulativeAt } from "./histogram";
import { extractTags } from "./envoy-tags";

/** Envoy's default histogram bucket bounds in ms (HistogramStatisticsImpl::supportedBuckets). */
export const ENVOY_HISTOGRAM_BUCKETS_MS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000,
] as const;

/**
 * A histogram as mergeable buckets: `HistogramData.sparse()` pairs, the sample count and their sum in µs
 * (the `{b, n, s}` a worker reports, so the console can pass on what it received).
 */
export interface BucketedHistogram {
  readonly b: readonly number[];
  readonly n: number;
  readonly s: number;
}

export type HistogramInput = HistogramData | BucketedHistogram;

type Named<T> = Readonly<Record<string, T>> | ReadonlyMap<string, T>;

/** The stats of one process (or one node of a fleet) by their Envoy names. */
export interface PrometheusSource {
  /** labels for every series of this source, e.g. `{ node: "edge-1" }`; a tag of the same name wins */
  readonly labels?: Readonly<Record<string, string>>;
  readonly counters?: Named<number>;
  readonly gauges?: Named<number>;
  /** cumulative since start, as Envoy's Prometheus output is */
  readonly histograms?: Named<HistogramInput>;
}

export interface PrometheusSeries {
  /** e.g. `envoy_cluster_upstream_rq` */
  readonly metric: string;
  /** label name → value, in output order */
  readonly labels: readonly (readonly [string, string])[];
}

interface CachedSeries {
  readonly metric: string;
  /** `name="value",…` of the tags, escaped; "" without tags */
  readonly tagText: string;
  readonly tagNames: readonly string[];
}

// Tag extraction costs a few regex runs per name and a scrape sees the same names again and again: remember
// them. Bounded, so a fleet's churn of names cannot grow it forever.
const SERIES_CACHE_MAX = 200_000;
const seriesCache = new Map<string, CachedSeries>();

function sanitize(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, "_");
}

/** A label name the format accepts: [a-zA-Z_][a-zA-Z0-9_]*. */
function labelName(name: string): string {
  const s = sanitize(name);
  return /^[0-9]/.test(s) ? "_" + s : s;
}

/** Label value escaping of the text format: backslash, double quote and line feed. */
function escapeValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function cachedSeries(statName: string): CachedSeries {
  let s = seriesCache.get(statName);
  if (s !== undefined) return s;
  const { name, tags } = extractTags(statName);
  const tagNames = tags.map((t) => labelName(t.name));
  s = { metric: "envoy_" + sanitize(name), tagText: tags.map((t, i) => `${tagNames[i]}="${escapeValue(t.value)}"`).join(","), tagNames };
  if (seriesCache.size >= SERIES_CACHE_MAX) seriesCache.clear();
  seriesCache.set(statName, s);
  return s;
}

/** The Prometheus metric and labels Envoy gives a stat, e.g. `cluster.c1.upstream_rq_503` →
 *  `envoy_cluster_upstream_rq{envoy_response_code="503",envoy_cluster_name="c1"}`. */
export function prometheusSeries(statName: string): PrometheusSeries {
  const { name, tags } = extractTags(statName);
  return { metric: "envoy_" + sanitize(name), labels: tags.map((t) => [labelName(t.name), t.value] as const) };
}

function entries<T>(m: Named<T> | undefined): Iterable<readonly [string, T]> {
  if (m === undefined) return [];
  return m instanceof Map ? m.entries() : Object.entries(m as Readonly<Record<string, T>>);
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

/** A source's labels, sorted by name and rendered once. */
interface SourceLabels {
  readonly pairs: readonly (readonly [string, string])[];
}

function sourceLabels(labels: Readonly<Record<string, string>> | undefined): SourceLabels {
  const pairs = Object.entries(labels ?? {})
    .map(([k, v]) => [labelName(k), `${labelName(k)}="${escapeValue(v)}"`] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { pairs };
}

/** `{tags,source labels[,extra]}`, or "" when there is no label at all. */
function labelSet(s: CachedSeries, src: SourceLabels, extra = ""): string {
  let text = s.tagText;
  for (const [name, rendered] of src.pairs) {
    if (s.tagNames.includes(name)) continue;
    text = text === "" ? rendered : `${text},${rendered}`;
  }
  if (extra !== "") text = text === "" ? extra : `${text},${extra}`;
  return text === "" ? "" : `{${text}}`;
}

interface Sample {
  /** the stat name, then the source's position: Envoy orders a family's series by stat name */
  readonly statName: string;
  readonly source: number;
  readonly text: string;
}

function bySample(a: Sample, b: Sample): number {
  if (a.statName !== b.statName) return a.statName < b.statName ? -1 : 1;
  return a.source - b.source;
}

function writeFamilies(out: string[], type: string, families: Map<string, Sample[]>) {
  for (const metric of [...families.keys()].sort()) {
    out.push(`# TYPE ${metric} ${type}`);
    for (const sample of families.get(metric)!.sort(bySample)) out.push(sample.text);
  }
}

function add(families: Map<string, Sample[]>, metric: string, sample: Sample) {
  let list = families.get(metric);
  if (list === undefined) families.set(metric, (list = []));
  list.push(sample);
}

function histogramLines(h: HistogramInput, metric: string, s: CachedSeries, src: SourceLabels): string {
  const isData = h instanceof HistogramData;
  const cumulative = isData ? h.cumulativeAt(ENVOY_HISTOGRAM_BUCKETS_MS) : sparseCumulativeAt(h.b, ENVOY_HISTOGRAM_BUCKETS_MS);
  const count = isData ? h.count : h.n;
  // µs recorded, ms reported; rounded to the µs so float noise does not show
  const sumMs = Math.round(isData ? h.sumUs : h.s) / 1000;
  const lines: string[] = [];
  for (let i = 0; i < ENVOY_HISTOGRAM_BUCKETS_MS.length; i++) {
    lines.push(`${metric}_bucket${labelSet(s, src, `le="${ENVOY_HISTOGRAM_BUCKETS_MS[i]}"`)} ${cumulative[i]}`);
  }
  lines.push(`${metric}_bucket${labelSet(s, src, 'le="+Inf"')} ${count}`, `${metric}_sum${labelSet(s, src)} ${formatValue(sumMs)}`, `${metric}_count${labelSet(s, src)} ${count}`);
  return lines.join("\n");
}

/**
 * Renders one or more sources (one process, or every node of a fleet) as one exposition: series of the same
 * metric from different sources share its `# TYPE` line.
 */
export function renderPrometheusText(input: PrometheusSource | readonly PrometheusSource[]): string {
  const sources: readonly PrometheusSource[] = Array.isArray(input) ? input : [input as PrometheusSource];
  const labels = sources.map((s) => sourceLabels(s.labels));
  const out: string[] = [];
  for (const [type, pick] of [
    ["counter", (s: PrometheusSource) => s.counters],
    ["gauge", (s: PrometheusSource) => s.gauges],
  ] as const) {
    const families = new Map<string, Sample[]>();
    sources.forEach((src, i) => {
      for (const [statName, value] of entries(pick(src))) {
        const s = cachedSeries(statName);
        add(families, s.metric, { statName, source: i, text: `${s.metric}${labelSet(s, labels[i])} ${formatValue(value)}` });
      }
    });
    writeFamilies(out, type, families);
  }
  const histograms = new Map<string, Sample[]>();
  sources.forEach((src, i) => {
    for (const [statName, h] of entries(src.histograms)) {
      const s = cachedSeries(statName);
      add(histograms, s.metric, { statName, source: i, text: histogramLines(h, s.metric, s, labels[i]) });
    }
  });
  writeFamilies(out, "histogram", histograms);
  return out.length === 0 ? "" : out.join("\n") + "\n";
}
