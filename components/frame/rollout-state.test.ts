import { describe, expect, it } from "vitest";
import { rolloutState } from "./rollout-state";

const node = (appliedVersion: string | null, appliedVersionNumber: number | null, rejectedVersionId: string | null = null, target: [string, number] | null = ["v7", 7]) => ({
  appliedVersion, appliedVersionNumber, rejectedVersionId, targetVersion: target?.[0] ?? null, targetVersionNumber: target?.[1] ?? null,
});

describe("a node in one version's rollout", () => {
  it("is rejected only by a NACK of that version: an earlier version's error leaves it pending", () => {
    expect(rolloutState(node("v6", 6, "v5"), "v7", 7)).toBe("pending");
    expect(rolloutState(node("v6", 6, "v7"), "v7", 7)).toBe("rejected");
    expect(rolloutState(node("v7", 7), "v7", 7)).toBe("applied");
    expect(rolloutState(node("v8", 8, null, ["v8", 8]), "v7", 7)).toBe("superseded");
    expect(rolloutState(node(null, null), "v7", 7)).toBe("pending");
    expect(rolloutState(node(null, null, null, null), "v7", 7)).toBe("pending");
  });

  it("is outside a canary of that version that does not target it, rather than pending forever", () => {
    // v7 runs as a canary on other nodes: this one is meant to stay on the live v6
    expect(rolloutState(node("v6", 6, null, ["v6", 6]), "v7", 7)).toBe("outside");
    // a canary node that has not applied it yet is pending
    expect(rolloutState(node("v6", 6, null, ["v7", 7]), "v7", 7)).toBe("pending");
  });
});
