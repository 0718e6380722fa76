// Envoy-style stats store. Components resolve their stat objects once (per scope, at build time) and
// then only touch numbers on the hot path: `counter.inc()` is a field increment, no string building.
// Stats are keyed by full name, so a rebuilt cluster or listener with the same name keeps its counters,
// as in Envoy.
import { HistogramData } from "./histogram";

/** A histogram's samples as mergeable buckets (the console protocol's HistogramBuckets). */
export interface SparseHistogram {
  /** `[bucket, count, …]` pairs of the non-empty log-linear buckets */
  b: number[];
  /** samples, their sum (µs) and maximum (µs) */
  n: number;
  s: number;
  m: number;
}

export class Counter {
  value = 0;
  /** value at the last `flushChanged()`, to send only what changed */
  flushed = 0;
  /** included in a `flushChanged()` at least once */
  sent = false;
  constructor(readonly name: string) {}
  inc() {
    this.value++;
  }
  add(n: number) {
    this.value += n;
  }
}

export class Gauge {
  value = 0;
  flushed = 0;
  /** Envoy hides gauges that were never set from `?usedonly`; also lets text output skip untouched dynamic ones */
  used = false;
  /** included in a `flushChanged()` at least once */
  sent = false;
  constructor(readonly name: string) {}
  inc() {
    this.value++;
    this.used = true;
  }
  dec() {
    this.value--;
  }
  set(v: number) {
    this.value = v;
    this.used = true;
  }
}

export class Histogram {
  /** since start */
  readonly cumulative = new HistogramData();
  /** since the last flush (Envoy's "interval" histogram) */
  readonly interval = new HistogramData();
  constructor(readonly name: string) {}
  /** records a duration in milliseconds */
  recordMs(ms: number) {
    const us = ms * 1000;
    this.cumulative.record(us);
    this.interval.record(us);
  }
}

export interface StatsSnapshot {
  counters: Record<string, number>;
  gauges: Record<string, number>;
  histograms: Record<string, SparseHistogram>;
}

/** Envoy replaces ':' in stat names (addresses) with '_'. */
export function sanitizeStatName(s: string): string {
  return s.replace(/:/g, "_");
}

export class Scope {
  constructor(
    readonly store: StatsStore,
    readonly prefix: string,
  ) {}
  counter(name: string) {
    return this.store.counter(this.prefix + name);
  }
  gauge(name: string) {
    return this.store.gauge(this.prefix + name);
  }
  histogram(name: string) {
    return this.store.histogram(this.prefix + name);
  }
  scope(name: string) {
    return new Scope(this.store, this.prefix + name + ".");
  }
}

export class StatsStore {
  readonly counters = new Map<string, Counter>();
  readonly gauges = new Map<string, Gauge>();
  readonly histograms = new Map<string, Histogram>();

  counter(name: string): Counter {
    let c = this.counters.get(name);
    if (!c) this.counters.set(name, (c = new Counter(name)));
    return c;
  }
  gauge(name: string): Gauge {
    let g = this.gauges.get(name);
    if (!g) this.gauges.set(name, (g = new Gauge(name)));
    return g;
  }
  histogram(name: string): Histogram {
    let h = this.histograms.get(name);
    if (!h) this.histograms.set(name, (h = new Histogram(name)));
    return h;
  }
  scope(prefix: string): Scope {
    return new Scope(this, prefix.endsWith(".") || prefix === "" ? prefix : prefix + ".");
  }

  /**
   * Counters and gauges whose value changed since the previous call, and the interval buckets of histograms
   * that saw samples (their interval data is reset). Feeds the console's stats stream.
   */
  flushChanged(): StatsSnapshot {
    const out: StatsSnapshot = { counters: {}, gauges: {}, histograms: {} };
    for (const c of this.counters.values()) {
      // a stat created since the last flush is sent once even at 0 (a cluster added by a config swap): the
      // console must know every stat, not only the ones that moved
      if (c.value !== c.flushed || !c.sent) {
        c.sent = true;
        out.counters[c.name] = c.value;
        c.flushed = c.value;
      }
    }
    for (const g of this.gauges.values()) {
      if (g.value !== g.flushed || !g.sent) {
        g.sent = true;
        out.gauges[g.name] = g.value;
        g.flushed = g.value;
      }
    }
    for (const h of this.histograms.values()) {
      if (h.interval.count > 0) {
        const i = h.interval;
        out.histograms[h.name] = { b: i.sparse(), n: i.count, s: i.sumUs, m: i.maxUs };
        i.reset();
      }
    }
    return out;
  }
}
