import { describe, expect, it } from "vitest";
import type { DraftImpact, ImpactMove } from "@/lib/contract/impact";
import { fmtRate, impactView } from "./impact-sentences";

const route = (name: string, match: string) => ({ virtualHost: "default", name, matchKind: "prefix" as const, match, conditions: false });
const cluster = (name: string) => ({ kind: "cluster" as const, name });
const move = (m: Partial<ImpactMove>): ImpactMove => ({
  listener: "edge", routeBefore: route("api_v1", "/api/v1"), routeAfter: route("api_v1", "/api/v1"), clusterBefore: "a", clusterAfter: "b",
  destinationBefore: cluster("a"), destinationAfter: cluster("b"), requests: 37, perMinute: 37, share: 1, examples: [], ...m,
});
const impact = (d: Partial<DraftImpact>): DraftImpact => ({
  window: { from: 1_000, to: 181_000, requests: 39 }, live: { id: "v", number: 3 }, moves: [],
  noRoute: { requests: 0, perMinute: 0, examples: [], byRoute: [] }, unchanged: 0, notes: [], ...d,
});

describe("the impact preview in words", () => {
  it("says where requests move and which would get no route", () => {
    const v = impactView(impact({
      moves: [move({})],
      noRoute: { requests: 2, perMinute: 2, examples: [], byRoute: [{ listener: "edge", routeBefore: route("other", "/other"), requests: 2, perMinute: 2 }] },
    }));
    expect(v.empty).toBe(false);
    expect(v.lines.map((l) => l.text)).toEqual(["37 requests/min to /api/v1 move from cluster a to cluster b", "2 requests/min would get no route (404)"]);
    expect(v.lines[0].detail).toBe("37 sampled requests on listener edge: route api_v1");
    expect(v.lines[1].detail).toBe("2 sampled requests: 2 requests/min to /other (route other)");
    expect(v.summary).toBe("Replayed 39 requests received in the last 3 min: 0 keep their route and destination.");
  });

  it("names weighted shares, other destinations, route changes and new routes", () => {
    const v = impactView(impact({
      moves: [
        move({ requests: 3, perMinute: 3, share: 0.1 }),
        move({ destinationAfter: { kind: "redirect", name: "301 → https" }, clusterAfter: null, perMinute: 1 }),
        move({ routeAfter: route("catch_all", "/"), destinationAfter: cluster("a"), clusterAfter: "a", perMinute: 4.25 }),
        move({ routeBefore: null, destinationBefore: null, clusterBefore: null, perMinute: 0.05 }),
      ],
    }));
    expect(v.lines.map((l) => l.text)).toEqual([
      "3 requests/min (10 % of them) to /api/v1 move from cluster a to cluster b",
      "1 request/min to /api/v1 moves from cluster a to a redirect (301 → https)",
      "4.3 requests/min to /api/v1 would be taken by route catch_all instead of route api_v1 (still cluster a)",
      "<0.1 request/min to /api/v1 that gets no route today would go to cluster b",
    ]);
    expect(v.lines[2].detail).toBe("37 sampled requests on listener edge: route api_v1 → route catch_all");
  });

  it("has nothing to say without traffic", () => {
    const v = impactView(impact({ window: { from: null, to: 5, requests: 0 } }));
    expect(v.empty).toBe(true);
    expect(v.lines).toEqual([]);
    expect(v.summary).toBe("No recent traffic to replay.");
    expect([fmtRate(0), fmtRate(12.4), fmtRate(2.25)]).toEqual(["0", "12", "2.3"]);
  });
});
