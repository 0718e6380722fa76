// One worker session's stats: stats messages carry cumulative counters (only those that changed, every one in
// the first report after a connect), gauges (changed ones) and histogram buckets of the last interval. This
// turns each report into the frame of its second and keeps the latest value of everything for /api/metrics.
import type { StatsMessage } from "../../proxy-core/src/config/index";
import { addCount, addLatency, classifyCached, emptyFrame, type Frame } from "./frame";
import { HistogramAccumulator } from "./histogram";

/**
 * The increase of a cumulative counter since its previous report. The first report of a session is the
 * baseline (what the worker counted before it connected is not this second's traffic); a counter first seen
 * later started at 0 in this session; a counter that went down means the worker restarted, so it counts from 0.
 */
export function counterDelta(prev: number | undefined, raw: number, baseline: boolean): number {
  if (prev === undefined) return baseline ? 0 : raw;
  return raw >= prev ? raw - prev : raw;
}

/**
 * Where a session's counting starts:
 * - `baseline`: the first report only sets the values (a worker that ran before this console knew it);
 * - `zero`: the worker said it runs no version yet (it just started): it has no listener or cluster, so every
 *   charted counter was 0 at hello and its first report is all new traffic (the first second of a fresh worker
 *   is not lost);
 * - the counters of the node's previous session in this console: a reconnect of a worker that kept running
 *   continues where it left off, so traffic during a dropped connection is counted once.
 */
export type CountingStart = "baseline" | "zero" | ReadonlyMap<string, number>;

export class NodeStats {
  #baseline: boolean;
  /** latest cumulative value of every counter */
  readonly counters = new Map<string, number>();
  /** latest value of every gauge */
  readonly gauges = new Map<string, number>();
  /** every histogram's samples since this session started (Prometheus histograms are cumulative) */
  readonly histograms = new Map<string, HistogramAccumulator>();
  /** http.*.downstream_cx_active, by name */
  readonly #connections = new Map<string, number>();

  constructor(start: CountingStart = "baseline") {
    this.#baseline = start === "baseline";
    if (typeof start === "object") for (const [k, v] of start) this.counters.set(k, v);
  }

  /** The frame of one report. */
  ingest(msg: Pick<StatsMessage, "counters" | "gauges" | "histograms">): Frame {
    const f = emptyFrame();
    const baseline = this.#baseline;
    this.#baseline = false;
    const counters = this.counters;
    for (const name in msg.counters) {
      const raw = msg.counters[name];
      if (!Number.isFinite(raw)) continue;
      const prev = counters.get(name);
      counters.set(name, raw);
      const s = classifyCached(name);
      if (s !== null) addCount(f, s, counterDelta(prev, raw, baseline));
    }
    for (const name in msg.gauges) {
      const v = msg.gauges[name];
      if (!Number.isFinite(v)) continue;
      this.gauges.set(name, v);
      const s = classifyCached(name);
      if (s !== null && s.scope === "d" && s.field === "x") this.#connections.set(name, v);
    }
    for (const name in msg.histograms) {
      const h = msg.histograms[name];
      let acc = this.histograms.get(name);
      if (acc === undefined) this.histograms.set(name, (acc = new HistogramAccumulator()));
      acc.add(h);
      const s = classifyCached(name);
      if (s !== null) addLatency(f, s, h);
    }
    if (this.#connections.size > 0) {
      let x = 0;
      for (const v of this.#connections.values()) x += v;
      f.x = x;
    }
    return f;
  }
}
