import { describe, expect, it } from "vitest";
import type { EventRow } from "@/lib/contract/events";
import { describeEvent, eventText } from "./event-lines";

const e = (kind: string, details: Record<string, unknown>, over: Partial<EventRow> = {}): EventRow => ({ id: 1, ts: 0, node: "local", kind, cluster: "slow", details, ...over });

describe("event lines", () => {
  it("reads a closed trip with its refused count and duration", () => {
    const ev = e("circuit_breaker", { threshold: "max_requests", max: 2, state: "closed", refused: 37, openMs: 4200 });
    expect(eventText(ev)).toBe("cluster `slow` max_requests (2) tripped: 37 refused in 4.2 s");
    expect(describeEvent(ev).tone).toBe("amber");
    expect(eventText(e("circuit_breaker", { threshold: "max_requests", max: 2, state: "open", refused: 1 }))).toBe("cluster `slow` max_requests (2) tripped: refusing requests, 1 so far");
  });

  it("reads ejections, health flips and NACKs", () => {
    expect(eventText(e("outlier_ejection", { host: "10.0.0.1:80", ejected: true, type: "consecutive_5xx", durationMs: 30000 }))).toBe(
      "cluster `slow` host `10.0.0.1:80` ejected (consecutive_5xx) for 30 s",
    );
    expect(eventText(e("outlier_ejection", { host: "10.0.0.1:80", ejected: false }))).toBe("cluster `slow` host `10.0.0.1:80` returned from ejection");
    expect(eventText(e("health_flip", { host: "h:1", healthy: false, reason: "network" }))).toBe("cluster `slow` host `h:1` failed its health check (network)");
    expect(describeEvent(e("health_flip", { host: "h:1", healthy: true })).tone).toBe("green");
    expect(eventText(e("nack", { version: "3f9a0c2e11aa77", error: "cluster x: bad port" }, { cluster: null, node: "edge-1" }))).toBe(
      "node `edge-1` rejected version 3f9a0c2e: cluster x: bad port",
    );
  });

  it("reads publishes from whatever details the console sends", () => {
    expect(eventText(e("publish", { number: 7, author: "ana", message: "raise timeouts" }, { cluster: null, node: "console" }))).toBe("v7 published by ana: “raise timeouts”");
    expect(eventText(e("rollback", {}, { cluster: null, node: "console" }))).toBe("a version published as a rollback");
    expect(eventText(e("something_new", { a: 1 }))).toBe("cluster `slow` something_new a=1");
  });
});
