import { describe, expect, it } from "vitest";
import type { EventRow } from "@/lib/contract/events";
import type { Trip } from "@/lib/contract/telemetry";
import { tripLanes } from "./trip-lanes";

const FROM = 1_000_000;
const TO = FROM + 100_000;
const trip = (over: Partial<Trip>): Trip => ({ node: "local", cluster: "slow", threshold: "max_requests", max: 1, openedAt: FROM + 10_000, closedAt: FROM + 30_000, refused: 37, ...over });
const ev = (id: number, kind: string, ts: number, details: Record<string, unknown>): EventRow => ({ id, ts, node: "local", kind, cluster: "slow", details });

describe("tripLanes", () => {
  it("gives every threshold a lane and each trip a bar from open to close with its refused count", () => {
    const lanes = tripLanes([trip({})], [], FROM, TO);
    expect(lanes.map((l) => l.key)).toEqual(["max_connections", "max_pending_requests", "max_requests", "max_retries", "ejections", "health"]);
    const bars = lanes.find((l) => l.key === "max_requests")!.bars;
    expect(bars).toHaveLength(1);
    expect(bars[0]).toMatchObject({ left: 10, width: 20, text: "37 refused", tone: "red", open: false });
    expect(bars[0].title).toMatch(/^max_requests \(1\) on local: tripped .*, closed after 20 s, 37 refused$/);
    expect(lanes.find((l) => l.key === "max_connections")!.bars).toEqual([]);
  });

  it("runs an open trip to now, and clips trips to the window", () => {
    const lanes = tripLanes(
      [trip({ closedAt: null, openedAt: FROM + 90_000, refused: 3 }), trip({ threshold: "max_pending_requests", openedAt: FROM - 50_000, closedAt: FROM + 5_000 }), trip({ threshold: "max_retries", openedAt: FROM - 50_000, closedAt: FROM - 10_000 })],
      [],
      FROM,
      TO,
    );
    const open = lanes.find((l) => l.key === "max_requests")!.bars[0];
    expect(open).toMatchObject({ left: 90, width: 10, open: true });
    expect(open.title).toContain("still open after 10 s, 3 refused so far");
    expect(lanes.find((l) => l.key === "max_pending_requests")!.bars[0]).toMatchObject({ left: 0, width: 5 });
    // ended before the window began
    expect(lanes.find((l) => l.key === "max_retries")!.bars).toEqual([]);
  });

  it("puts ejections and health flips as points on the same axis", () => {
    const lanes = tripLanes(
      [],
      [
        ev(1, "outlier_ejection", FROM + 25_000, { host: "127.0.0.1:9001", ejected: true, type: "consecutive_5xx", durationMs: 30_000 }),
        ev(2, "outlier_ejection", FROM + 55_000, { host: "127.0.0.1:9001", ejected: false, type: "consecutive_5xx" }),
        ev(3, "health_flip", FROM + 50_000, { host: "127.0.0.1:9002", healthy: false, reason: "network" }),
        ev(4, "health_flip", FROM - 1, { host: "127.0.0.1:9002", healthy: true }),
        ev(5, "circuit_breaker", FROM + 10, {}),
      ],
      FROM,
      TO,
    );
    const ej = lanes.find((l) => l.key === "ejections")!.points!;
    expect(ej.map((p) => [Math.round(p.at * 1000) / 1000, p.symbol, p.tone])).toEqual([
      [25, "✕", "red"],
      [55, "↺", "green"],
    ]);
    expect(ej[0].title).toContain("127.0.0.1:9001 ejected (consecutive_5xx) for 30 s on local");
    const hc = lanes.find((l) => l.key === "health")!.points!;
    expect(hc).toHaveLength(1);
    expect(hc[0]).toMatchObject({ at: 50, tone: "red" });
    expect(hc[0].title).toContain("127.0.0.1:9002 unhealthy (network)");
  });
});
