import { describe, expect, it } from "vitest";
import { liveLabel } from "./live-label";

const live = { id: "v7id", number: 7, hash: "h" };
const nodes = (connected: number, applied: number, rejected = 0) => ({ total: connected, connected, applied, rejected });

describe("the header's live version", () => {
  it("is live only once a node runs it", () => {
    expect(liveLabel({ live, nodes: nodes(2, 0) })).toEqual({ version: "v7 published", chip: "0/2 nodes run it", tone: "amber" });
    expect(liveLabel({ live, nodes: nodes(2, 0, 1) })).toEqual({ version: "v7 published", chip: "0/2 nodes run it · 1 rejected", tone: "red" });
    expect(liveLabel({ live, nodes: nodes(0, 0) })).toEqual({ version: "v7 published", chip: "no nodes connected", tone: "grey" });
    expect(liveLabel({ live, nodes: nodes(2, 1) })).toEqual({ version: "v7 live", chip: "1/2 nodes pending", tone: "amber" });
    expect(liveLabel({ live, nodes: nodes(2, 1, 1) })).toEqual({ version: "v7 live", chip: "1/2 nodes · 1 rejected", tone: "red" });
    expect(liveLabel({ live, nodes: nodes(2, 2) })).toEqual({ version: "v7 live", chip: "2/2 nodes ✓", tone: "green" });
    expect(liveLabel({ live: null, nodes: nodes(1, 0) }).version).toBe("nothing published");
  });
});
