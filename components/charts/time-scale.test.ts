import { describe, expect, it } from "vitest";
import { fmtDuration, pct, tickStep, timeTicks } from "./time-scale";

describe("time scale", () => {
  it("places times on the track, clamped", () => {
    expect(pct(50, 0, 200)).toBe(25);
    expect(pct(-5, 0, 200)).toBe(0);
    expect(pct(500, 0, 200)).toBe(100);
    expect(pct(1, 1, 1)).toBe(0);
  });

  it("picks round steps and ticks at their multiples", () => {
    expect(tickStep(60 * 60_000)).toBe(10 * 60_000);
    expect(tickStep(5 * 60_000)).toBe(60_000);
    expect(tickStep(12)).toBe(2);
    const ticks = timeTicks(1000, 61_000, 6);
    expect(ticks.map((t) => t.t)).toEqual([10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
    expect(ticks[0].pct).toBeCloseTo(15);
  });

  it("formats durations as a person reads them", () => {
    expect(fmtDuration(0.25)).toBe("0.25 ms");
    expect(fmtDuration(3.456)).toBe("3.46 ms");
    expect(fmtDuration(380)).toBe("380 ms");
    expect(fmtDuration(4200)).toBe("4.2 s");
    expect(fmtDuration(125_000)).toBe("2 min 5 s");
    expect(fmtDuration(2 * 3_600_000)).toBe("2 h");
  });
});
