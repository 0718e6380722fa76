import { describe, expect, it } from "vitest";
import { nodeState, rolloutCounts } from "./nodes";

const node = (connected: boolean, appliedVersionId: string | null, lastError: string | null = null, lastErrorVersionId: string | null = null) => ({ connected, appliedVersionId, lastError, lastErrorVersionId });

describe("a node against the live version", () => {
  it("counts as rejecting it only when its NACK named it", () => {
    expect(nodeState(node(true, "v6", "bind failed", "v7"), "v7")).toBe("rejected");
    // the error is about v7; v8 is live and not answered yet
    expect(nodeState(node(true, "v6", "bind failed", "v7"), "v8")).toBe("pending");
    expect(nodeState(node(true, "v8"), "v8")).toBe("applied");
    expect(nodeState(node(false, "v6", "bind failed", "v7"), "v8")).toBe("unknown");
    // rows written before the version was recorded keep their old meaning
    expect(nodeState(node(true, "v6", "old error", null), "v8")).toBe("rejected");
  });

  it("rollout counts for the header", () => {
    const nodes = [node(true, "v8"), node(true, "v6", "bind failed", "v8"), node(true, "v6", "bind failed", "v7"), node(false, null)];
    expect(rolloutCounts(nodes, "v8")).toEqual({ total: 4, connected: 3, applied: 1, rejected: 1 });
    expect(rolloutCounts(nodes, null)).toEqual({ total: 4, connected: 3, applied: 0, rejected: 0 });
  });
});
