// The worker's choice of console replica (xds/replica-rotation.ts): every replica once at once, the back-off only
// after a full round; a connection that held resets both, one that closed at once does not.
import { describe, expect, it } from "vitest";
import { MAX_BACKOFF_MS, MIN_BACKOFF_MS, ReplicaRotation, STABLE_AFTER_MS } from "../../src/xds/replica-rotation";

describe("ReplicaRotation", () => {
  it("tries each replica once without waiting, then backs off per round, doubling to the cap", () => {
    const r = new ReplicaRotation(["a", "b", "c"]);
    expect(r.current).toBe("a");
    const delays: [string, number][] = [];
    for (let i = 0; i < 15; i++) {
      const n = r.ended(null);
      delays.push([n.url, n.delayMs]);
      expect(n.roundFailed).toBe(n.delayMs > 0);
    }
    expect(delays.slice(0, 6)).toEqual([["b", 0], ["c", 0], ["a", MIN_BACKOFF_MS], ["b", 0], ["c", 0], ["a", MIN_BACKOFF_MS * 2]]);
    expect(delays.filter(([, d]) => d > 0).map(([, d]) => d)).toEqual([250, 500, 1000, 2000, 4000].map((d) => Math.min(d, MAX_BACKOFF_MS)));
  });

  it("after a connection that held, moves to the next replica at once and starts the back-off over", () => {
    const r = new ReplicaRotation(["a", "b"]);
    r.ended(null);
    expect(r.ended(null)).toEqual({ url: "a", delayMs: MIN_BACKOFF_MS, roundFailed: true });
    expect(r.ended(null)).toEqual({ url: "b", delayMs: 0, roundFailed: false });
    expect(r.ended(null)).toEqual({ url: "a", delayMs: MIN_BACKOFF_MS * 2, roundFailed: true });
    // connected to a for a while, then it dropped: b at once; b down too: the minimum back-off again
    expect(r.ended(STABLE_AFTER_MS)).toEqual({ url: "b", delayMs: 0, roundFailed: false });
    expect(r.ended(null)).toEqual({ url: "a", delayMs: MIN_BACKOFF_MS, roundFailed: true });
  });

  it("counts a connection closed at once as a failed attempt: replicas that all do that are not dialled in a loop", () => {
    const r = new ReplicaRotation(["a", "b"]);
    expect(r.ended(5)).toEqual({ url: "b", delayMs: 0, roundFailed: false });
    expect(r.ended(5)).toEqual({ url: "a", delayMs: MIN_BACKOFF_MS, roundFailed: true });
    expect(r.ended(5).delayMs).toBe(0);
    expect(r.ended(5).delayMs).toBe(MIN_BACKOFF_MS * 2);
  });

  it("with one URL, backs off as the single-URL worker always did", () => {
    const r = new ReplicaRotation(["a"]);
    expect([r.ended(null), r.ended(null), r.ended(STABLE_AFTER_MS)].map((n) => [n.url, n.delayMs])).toEqual([["a", 250], ["a", 500], ["a", 250]]);
  });
});
