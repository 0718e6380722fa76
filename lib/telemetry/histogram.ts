// Latency histograms as the workers report them: log-linear buckets (16 per power of two, values in µs) sent as
// flat `[bucket, count, …]` pairs with the sample count, sum and maximum (protocol.ts `HistogramBuckets`).
// Buckets add up across nodes and seconds, so percentiles of any set are computed from merged buckets, never by
// averaging percentiles. The bucket layout is the wire format's: it comes from proxy-core's histogram module (pure,
// like the Prometheus renderer that imports it). This accumulator allocates its buckets only once a sample
// arrives, since the console holds one per route, cluster and step.
import { BUCKETS, bucketRange } from "../../proxy-core/src/stats/histogram";

export { BUCKETS, bucketRange };

/** `{b:[bucket,count,…], n, s, m}`: what a stats message and a rollup row carry. */
export interface SparseHistogram {
  b: number[];
  n: number;
  /** sum of the samples, µs */
  s: number;
  /** largest sample, µs */
  m: number;
}


/** Merges histograms into one dense array: cheap to add to, and to read percentiles from. */
export class HistogramAccumulator {
  counts: Float64Array | null = null;
  n = 0;
  s = 0;
  m = 0;

  add(h: SparseHistogram) {
    const b = h.b;
    if (b.length > 0) {
      const counts = (this.counts ??= new Float64Array(BUCKETS));
      for (let i = 0; i + 1 < b.length; i += 2) {
        const k = b[i];
        if (k >= 0 && k < BUCKETS) counts[k] += b[i + 1];
      }
    }
    this.n += h.n;
    this.s += h.s;
    if (h.m > this.m) this.m = h.m;
  }

  get empty() {
    return this.n === 0;
  }

  /** Value (ms) at quantile q, interpolated inside its bucket and never above the largest sample; NaN when empty. */
  quantileMs(q: number): number {
    const counts = this.counts;
    if (this.n === 0 || counts === null) return NaN;
    const target = q * this.n;
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      const c = counts[b];
      if (c === 0) continue;
      if (seen + c >= target) {
        const [lo, hi] = bucketRange(b);
        const frac = Math.max(0, Math.min(1, (target - seen) / c));
        return Math.min(lo + (hi - lo) * frac, this.m) / 1000;
      }
      seen += c;
    }
    return this.m / 1000;
  }

  /** p50/p90/p99 in ms, rounded to the µs; null without samples. */
  latency(): { p50: number; p90: number; p99: number } | null {
    if (this.empty) return null;
    const r = (v: number) => Math.round(v * 1000) / 1000;
    return { p50: r(this.quantileMs(0.5)), p90: r(this.quantileMs(0.9)), p99: r(this.quantileMs(0.99)) };
  }

  /** Back to the sparse wire form (for rollup rows and the Prometheus renderer). */
  sparse(): SparseHistogram {
    const b: number[] = [];
    const counts = this.counts;
    if (counts !== null) for (let k = 0; k < BUCKETS; k++) if (counts[k] !== 0) b.push(k, counts[k]);
    return { b, n: this.n, s: this.s, m: this.m };
  }
}

/** a + b as a new sparse histogram (bucket lists merged in order; both inputs left alone). */
export function mergeSparse(a: SparseHistogram | undefined, b: SparseHistogram): SparseHistogram {
  if (a === undefined) return { b: b.b.slice(), n: b.n, s: b.s, m: b.m };
  const out: number[] = [];
  const x = sortedPairs(a.b);
  const y = sortedPairs(b.b);
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (j >= y.length || (i < x.length && x[i] < y[j])) {
      out.push(x[i], x[i + 1]);
      i += 2;
    } else if (i >= x.length || y[j] < x[i]) {
      out.push(y[j], y[j + 1]);
      j += 2;
    } else {
      out.push(x[i], x[i + 1] + y[j + 1]);
      i += 2;
      j += 2;
    }
  }
  return { b: out, n: a.n + b.n, s: a.s + b.s, m: Math.max(a.m, b.m) };
}

function sortedPairs(p: number[]): number[] {
  for (let i = 2; i < p.length; i += 2) if (p[i] <= p[i - 2]) return sortPairs(p);
  return p;
}

function sortPairs(p: number[]): number[] {
  const m = new Map<number, number>();
  for (let i = 0; i + 1 < p.length; i += 2) m.set(p[i], (m.get(p[i]) ?? 0) + p[i + 1]);
  const out: number[] = [];
  for (const k of [...m.keys()].sort((a, b) => a - b)) out.push(k, m.get(k)!);
  return out;
}
