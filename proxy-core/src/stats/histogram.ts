// A small log-linear histogram (HDR-style): values in microseconds, 16 linear sub-buckets per power of two,
// so any recorded value is reported within ~6% of its true value. Fixed memory, O(1) record, no allocation.
const SUB_BITS = 4;
const SUB = 1 << SUB_BITS;
const MAX_EXP = 40; // 2^40 µs ≈ 12.7 days: enough for any latency
/** How many buckets a histogram has: part of the console protocol's HistogramBuckets wire format. */
export const BUCKETS = (MAX_EXP - SUB_BITS + 1) * SUB;

function log2Floor(v: number): number {
  return v < 4294967296 ? 31 - Math.clz32(v) : Math.floor(Math.log2(v));
}

// Values below SUB map to themselves; above, the top SUB_BITS+1 bits pick the bucket.
function bucketOf(us: number): number {
  if (!(us >= SUB)) return us > 0 ? us | 0 : 0;
  const v = us >= 2 ** MAX_EXP ? 2 ** MAX_EXP - 1 : Math.floor(us);
  const shift = log2Floor(v) - SUB_BITS;
  const mantissa = Math.floor(v / 2 ** shift); // SUB..2*SUB-1
  return (shift + 1) * SUB + (mantissa - SUB);
}

/** Lowest (inclusive) and highest (exclusive) value in µs that fall into bucket `b`. */
export function bucketRange(b: number): [number, number] {
  if (b < SUB) return [b, b + 1];
  const shift = Math.floor(b / SUB) - 1;
  const width = 2 ** shift;
  const lo = (SUB + (b % SUB)) * width;
  return [lo, lo + width];
}

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  count: number;
}

export const QUANTILES = [0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 1] as const;

export class HistogramData {
  counts = new Float64Array(BUCKETS);
  count = 0;
  sumUs = 0;
  maxUs = 0;

  record(us: number) {
    this.counts[bucketOf(us)]++;
    this.count++;
    this.sumUs += us;
    if (us > this.maxUs) this.maxUs = us;
  }

  reset() {
    this.counts.fill(0);
    this.count = 0;
    this.sumUs = 0;
    this.maxUs = 0;
  }

  /** Non-empty buckets as flat `[bucket, count, …]` pairs: a cheap, mergeable copy (for --concurrency N). */
  sparse(): number[] {
    const out: number[] = [];
    for (let b = 0; b < BUCKETS; b++) if (this.counts[b] !== 0) out.push(b, this.counts[b]);
    return out;
  }

  /** Adds another HistogramData's samples, given as `sparse()` pairs plus its count, sum and max. */
  addSparse(pairs: readonly number[], count: number, sumUs: number, maxUs: number) {
    for (let i = 0; i + 1 < pairs.length; i += 2) if (pairs[i] >= 0 && pairs[i] < BUCKETS) this.counts[pairs[i]] += pairs[i + 1];
    this.count += count;
    this.sumUs += sumUs;
    if (maxUs > this.maxUs) this.maxUs = maxUs;
  }

  /** Value (in ms) at quantile q, interpolated inside its bucket; NaN when empty. */
  quantileMs(q: number): number {
    if (this.count === 0) return NaN;
    const target = q * this.count;
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      const c = this.counts[b];
      if (c === 0) continue;
      if (seen + c >= target) {
        const [lo, hi] = bucketRange(b);
        const frac = c === 0 ? 0 : Math.max(0, Math.min(1, (target - seen) / c));
        return Math.min(lo + (hi - lo) * frac, this.maxUs) / 1000; // never report above the largest sample
      }
      seen += c;
    }
    return bucketRange(BUCKETS - 1)[1] / 1000;
  }

  percentiles(): Percentiles {
    return { p50: this.quantileMs(0.5), p90: this.quantileMs(0.9), p99: this.quantileMs(0.99), p999: this.quantileMs(0.999), count: this.count };
  }

  /** Cumulative counts at the given upper bounds (ms), for Prometheus buckets. */
  cumulativeAt(boundsMs: readonly number[]): number[] {
    const out: number[] = [];
    let b = 0;
    let acc = 0;
    for (const bound of boundsMs) {
      const limitUs = bound * 1000;
      while (b < BUCKETS && bucketRange(b)[1] <= limitUs) acc += this.counts[b++];
      out.push(acc);
    }
    return out;
  }
}

/**
 * Cumulative counts at the given upper bounds (ms) from `sparse()` pairs, in any order: what
 * `cumulativeAt` gives for the HistogramData they came from, without building one (the console renders a
 * whole fleet's histograms this way). Like Envoy's (libcircllhist's hist_approx_count_below), a bucket
 * counts below a bound only when it lies entirely at or below it.
 */
export function sparseCumulativeAt(pairs: readonly number[], boundsMs: readonly number[]): number[] {
  const perBound = new Array<number>(boundsMs.length).fill(0);
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    if (!(pairs[i] >= 0 && pairs[i] < BUCKETS)) continue;
    const upperUs = bucketRange(pairs[i])[1];
    const at = boundsMs.findIndex((bound) => upperUs <= bound * 1000);
    if (at >= 0) perBound[at] += pairs[i + 1];
  }
  for (let i = 1; i < perBound.length; i++) perBound[i] += perBound[i - 1];
  return perBound;
}

export const _internal = { bucketOf, bucketRange, BUCKETS };
