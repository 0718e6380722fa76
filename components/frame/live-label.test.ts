import { describe, expect, it } from "vitest";
import { liveLabel } from "./live-label";

const live = { id: "v7id", number: 7, hash: "h" };
const nodes = (connected: number, applied: number, rejected = 0) => ({ total: connected, connected, applied, rejected });
const canary = (targeted: number, applied: number, rejected = 0) => ({ versionId: "v8id", number: 8, targeted, applied, rejected });

describe("the header's live version", () => {
  it("is live only once a node runs it", () => {
    expect(liveLabel({ live, nodes: nodes(2, 0) })).toEqual({ version: "v7 published", chip: "0/2 nodes run it", tone: "amber" });
    expect(liveLabel({ live, nodes: nodes(2, 0, 1) })).toEqual({ version: "v7 published", chip: "0/2 nodes run it · 1 rejected", tone: "red" });
    expect(liveLabel({ live, nodes: nodes(0, 0) })).toEqual({ version: "v7 published", chip: "no nodes connected", tone: "grey" });
    expect(liveLabel({ live, nodes: nodes(2, 1) })).toEqual({ version: "v7 live", chip: "1/2 nodes pending", tone: "amber" });
    expect(liveLabel({ live, nodes: nodes(2, 1, 1) })).toEqual({ version: "v7 live", chip: "1/2 nodes · 1 rejected", tone: "red" });
    expect(liveLabel({ live, nodes: nodes(2, 2) })).toEqual({ version: "v7 live", chip: "2/2 nodes ✓", tone: "green" });
    expect(liveLabel({ live: null, nodes: nodes(1, 0) }).version).toBe("nothing published");
    expect(liveLabel({ live, nodes: nodes(2, 2), canary: null }).canary).toBeUndefined();
  });

  it("during a canary, counts each node against its own version and follows the canary in a second chip", () => {
    // every node on the version it should run: the canary node on v8 is not "pending v7"
    expect(liveLabel({ live, nodes: nodes(2, 2), canary: canary(1, 1) })).toEqual({
      version: "v7 live", chip: "2/2 nodes ✓", tone: "green", canary: { text: "canary v8 on 1/1", tone: "green" },
    });
    // the canary node has not applied v8 yet: amber in both, and v7 is still live on the other node
    expect(liveLabel({ live, nodes: nodes(2, 1), canary: canary(1, 0) })).toEqual({
      version: "v7 live", chip: "1/2 nodes pending", tone: "amber", canary: { text: "canary v8 on 0/1", tone: "amber" },
    });
    // the canary node rejected v8: red, for that node's own version
    expect(liveLabel({ live, nodes: nodes(2, 1, 1), canary: canary(1, 0, 1) })).toEqual({
      version: "v7 live", chip: "1/2 nodes · 1 rejected", tone: "red", canary: { text: "canary v8 on 0/1 · 1 rejected", tone: "red" },
    });
    // a canary on every connected node: v7 stays the live version for the others
    expect(liveLabel({ live, nodes: nodes(1, 0), canary: canary(1, 0) })).toMatchObject({ version: "v7 live", chip: "0/1 nodes pending" });
    expect(liveLabel({ live, nodes: nodes(1, 1), canary: canary(0, 0) }).canary).toEqual({ text: "canary v8 on no connected node", tone: "grey" });
  });
});
