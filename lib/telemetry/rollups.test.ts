// Rollups: buckets of 10 s and 60 s per node and for the fleet close once over, are written in batches, and
// nothing is lost at stop or on a failed write.
import { describe, expect, it } from "vitest";
import type { RollupRow } from "../repos/rollup-repo";
import type { Frame } from "./frame";
import { FLEET, Rollups } from "./rollups";

const f = (n: number, x?: number): Frame => ({ d: { q: [n, 0, n, 0, 0, 0] }, r: {}, c: {}, ...(x !== undefined ? { x } : {}) });
const T = 1_000_000_020_000; // a minute boundary

describe("rollups", () => {
  it("rows per node and for the fleet, per 10 s and per minute, written once over; open ones at stop", async () => {
    const written: RollupRow[][] = [];
    let now = T + 5_000;
    const r = new Rollups({ insert: async (rows) => void written.push(rows) }, { now: () => now });
    const s = T / 1000;
    for (const [node, sec, n, x] of [["a", s, 1, 4], ["a", s + 9, 2, 5], ["b", s + 3, 5, 1], ["a", s + 10, 4, undefined]] as const) r.add(node, sec, f(n, x));
    expect(r.unpersistedSince(10_000)).toBe(T);
    now = T + 10_500;
    await r.flush();
    expect(written).toHaveLength(1);
    const row = (x: RollupRow) => [x.step, x.node, x.t - T, JSON.parse(x.data).d.q[0], JSON.parse(x.data).x];
    expect(written[0].map(row).sort()).toEqual([[10_000, "*", 0, 8, 6], [10_000, "a", 0, 3, 5], [10_000, "b", 0, 5, 1]].sort());
    expect(r.unpersistedSince(10_000)).toBe(T + 10_000);
    expect(r.unpersistedSince(60_000)).toBe(T);
    await r.flush();
    expect(written).toHaveLength(1);
    await r.stop();
    expect(written[1].map(row).sort()).toEqual([
      [10_000, "*", 10_000, 4, 5], [10_000, "a", 10_000, 4, 5],
      [60_000, "*", 0, 12, 6], [60_000, "a", 0, 7, 5], [60_000, "b", 0, 5, 1],
    ].sort());
    expect(r.unpersistedSince(10_000)).toBe(Infinity);
    expect(written.flat().filter((x) => x.node === FLEET)).toHaveLength(3);
  });

  it("keeps rows for the next batch when a write fails", async () => {
    let fail = true;
    const written: RollupRow[] = [];
    const r = new Rollups({ insert: async (rows) => { if (fail) throw new Error("disk full"); written.push(...rows); } }, { now: () => T + 120_000 });
    r.add("a", T / 1000, f(1));
    await r.flush();
    expect(written).toEqual([]);
    expect(r.unpersistedSince(10_000)).toBe(T);
    fail = false;
    await r.flush();
    expect(written).toHaveLength(4);
  });
});
