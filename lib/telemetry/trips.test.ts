// Pairing circuit_breaker open/close events into trips.
import { describe, expect, it } from "vitest";
import type { EventRecord } from "../repos/event-repo";
import { pairTrips } from "./trips";

let id = 0;
const cb = (ts: number, state: "open" | "closed", extra: Record<string, unknown> = {}, node = "n1", cluster = "web"): EventRecord => ({
  id: ++id, ts, node, kind: "circuit_breaker", cluster, details: { threshold: "max_requests", max: 1, state, refused: 0, ...extra },
});

describe("trips", () => {
  it("pairs open and close per node, cluster and threshold", () => {
    const trips = pairTrips(
      [cb(1000, "open"), cb(1100, "open", {}, "n2"), cb(2500, "closed", { refused: 7, openMs: 1500 }), cb(3000, "open", { threshold: "max_pending_requests", max: 5 })],
      0, 10_000,
    );
    expect(trips).toEqual([
      { node: "n1", cluster: "web", threshold: "max_pending_requests", max: 5, openedAt: 3000, closedAt: null, refused: 0 },
      { node: "n2", cluster: "web", threshold: "max_requests", max: 1, openedAt: 1100, closedAt: null, refused: 0 },
      { node: "n1", cluster: "web", threshold: "max_requests", max: 1, openedAt: 1000, closedAt: 2500, refused: 7 },
    ]);
  });

  it("a close without its open still has its start; windows keep the trips that overlap them", () => {
    const events = [cb(5000, "closed", { refused: 3, openMs: 2000 }), cb(6000, "open"), cb(6500, "open"), cb(9000, "closed", { refused: 1, openMs: 2500 })];
    const trips = pairTrips(events, 4000, 20_000);
    expect(trips.map((t) => [t.openedAt, t.closedAt, t.refused])).toEqual([[6500, 9000, 1], [6000, 6500, 0], [3000, 5000, 3]]);
    expect(pairTrips(events, 7000, 20_000).map((t) => t.openedAt)).toEqual([6500]);
    expect(pairTrips([cb(1, "open", { threshold: "nonsense" }), { ...cb(2, "open"), kind: "health_flip" }], 0, 10)).toEqual([]);
  });
});
