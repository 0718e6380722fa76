import { describe, expect, it } from "vitest";
import { rolloutCounts } from "../control-plane/nodes";
import { fleetCounts, type CountedNode } from "./fleet-counts";

const node = (id: string, appliedVersionId: string | null, o: Partial<CountedNode> = {}): CountedNode => ({
  id, connected: true, appliedVersionId, lastError: null, lastErrorVersionId: null, labels: null, ...o,
});
const canaryOn = (nodes: string[]) => ({ versionId: "v43", rule: { nodes, selector: null } });

describe("the header's node counts", () => {
  it("without a canary, count every node against the live version, as before", () => {
    const nodes = [node("a", "v42"), node("b", "v41"), node("c", "v41", { lastError: "bad", lastErrorVersionId: "v42" }), node("d", "v42", { connected: false })];
    expect(fleetCounts(nodes, "v42", null)).toEqual({ nodes: rolloutCounts(nodes, "v42"), canary: null });
    expect(fleetCounts(nodes, "v42", null).nodes).toEqual({ total: 4, connected: 3, applied: 1, rejected: 1 });
  });

  it("during a canary, a canary node on the canary version is up to date, not pending", () => {
    const nodes = [node("edge-1", "v43"), node("edge-2", "v42")];
    expect(fleetCounts(nodes, "v42", canaryOn(["edge-1"]))).toEqual({
      nodes: { total: 2, connected: 2, applied: 2, rejected: 0 },
      canary: { targeted: 1, applied: 1, rejected: 0 },
    });
  });

  it("a canary node still on the live version is behind; a node outside the canary on the canary version is too", () => {
    expect(fleetCounts([node("edge-1", "v42"), node("edge-2", "v42")], "v42", canaryOn(["edge-1"]))).toEqual({
      nodes: { total: 2, connected: 2, applied: 1, rejected: 0 },
      canary: { targeted: 1, applied: 0, rejected: 0 },
    });
    expect(fleetCounts([node("edge-1", "v43"), node("edge-2", "v43")], "v42", canaryOn(["edge-1"])).nodes.applied).toBe(1);
  });

  it("a node is rejected only for its own version: a canary NACK counts, an old NACK of the canary by a live node does not", () => {
    const nodes = [node("edge-1", "v42", { lastError: "cluster b: bad", lastErrorVersionId: "v43" }), node("edge-2", "v42", { lastError: "old", lastErrorVersionId: "v43" })];
    expect(fleetCounts(nodes, "v42", canaryOn(["edge-1"]))).toEqual({
      nodes: { total: 2, connected: 2, applied: 1, rejected: 1 },
      canary: { targeted: 1, applied: 0, rejected: 1 },
    });
  });

  it("selectors are matched against the node's labels; disconnected nodes are not targeted", () => {
    const rule = { versionId: "v43", rule: { nodes: null, selector: { ring: "canary" } } };
    const nodes = [node("a", "v43", { labels: JSON.stringify({ ring: "canary" }) }), node("b", "v42"), node("c", "v42", { connected: false, labels: JSON.stringify({ ring: "canary" }) })];
    expect(fleetCounts(nodes, "v42", rule)).toEqual({ nodes: { total: 3, connected: 2, applied: 2, rejected: 0 }, canary: { targeted: 1, applied: 1, rejected: 0 } });
  });
});
