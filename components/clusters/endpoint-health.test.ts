import { describe, expect, it } from "vitest";
import { healthOf, usageBars } from "./endpoint-health";

describe("endpoint health", () => {
  it("reads Envoy's health flags", () => {
    expect(healthOf("healthy")).toEqual({ tone: "green", text: "healthy" });
    expect(healthOf("/failed_outlier_check")).toEqual({ tone: "red", text: "ejected by outlier detection" });
    expect(healthOf("/failed_active_hc/failed_outlier_check").text).toBe("failing health check, ejected by outlier detection");
    expect(healthOf("/pending_active_hc")).toEqual({ tone: "amber", text: "waiting for its first health check" });
  });

  it("colours breaker usage by how close it is to the limit", () => {
    const bars = usageBars({ connections: { now: 1, max: 1024 }, pending: { now: 8, max: 10 }, requests: { now: 1, max: 1 }, retries: { now: 0, max: 0 } });
    expect(bars.map((b) => [b.key, b.tone, Math.round(b.pct)])).toEqual([
      ["connections", "green", 0],
      ["pending", "amber", 80],
      ["requests", "red", 100],
      ["retries", "green", 0],
    ]);
    expect(bars[2].threshold).toBe("max_requests");
  });
});
