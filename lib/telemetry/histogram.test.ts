// The console's reading of the workers' histogram buckets agrees with proxy-core's own (the wire format).
import { describe, expect, it } from "vitest";
import { HistogramData } from "../../proxy-core/src/stats/histogram";
import { HistogramAccumulator, mergeSparse } from "./histogram";

const sample = (values: number[]) => {
  const h = new HistogramData();
  for (const v of values) h.record(v);
  return { data: h, wire: { b: h.sparse(), n: h.count, s: h.sumUs, m: h.maxUs } };
};

describe("histogram buckets", () => {
  it("merged buckets give the percentiles of all samples together, as proxy-core computes them", () => {
    const a = sample(Array.from({ length: 900 }, (_, i) => 1000 + i * 10)); // 1–10 ms
    const b = sample(Array.from({ length: 100 }, (_, i) => 200_000 + i * 1000)); // 200–300 ms
    const acc = new HistogramAccumulator();
    acc.add(a.wire);
    acc.add(b.wire);
    const all = new HistogramData();
    all.addSparse(a.wire.b, a.wire.n, a.wire.s, a.wire.m);
    all.addSparse(b.wire.b, b.wire.n, b.wire.s, b.wire.m);
    for (const q of [0.5, 0.9, 0.99]) expect(acc.quantileMs(q)).toBeCloseTo(all.quantileMs(q), 9);
    const lat = acc.latency()!;
    expect(lat.p50).toBeGreaterThan(5);
    expect(lat.p50).toBeLessThan(6);
    expect(lat.p99).toBeGreaterThan(280);
    expect(lat.p99).toBeLessThanOrEqual(299);
    expect(new HistogramAccumulator().latency()).toBeNull();
  });

  it("adds sparse histograms bucket by bucket, whatever their order", () => {
    const x = { b: [3, 1, 40, 2], n: 3, s: 100, m: 60 };
    const y = { b: [50, 5, 3, 4], n: 9, s: 500, m: 90 };
    expect(mergeSparse(x, y)).toEqual({ b: [3, 5, 40, 2, 50, 5], n: 12, s: 600, m: 90 });
    expect(mergeSparse(undefined, x)).toEqual(x);
    expect(x.b).toEqual([3, 1, 40, 2]);
    const acc = new HistogramAccumulator();
    acc.add(x);
    acc.add(y);
    expect(acc.sparse()).toEqual({ b: [3, 5, 40, 2, 50, 5], n: 12, s: 600, m: 90 });
  });
});
