import { describe, expect, it } from "vitest";
import { rolloutState } from "./rollout-state";

const node = (appliedVersion: string | null, appliedVersionNumber: number | null, rejectedVersionId: string | null = null) => ({ appliedVersion, appliedVersionNumber, rejectedVersionId });

describe("a node in one version's rollout", () => {
  it("is rejected only by a NACK of that version: an earlier version's error leaves it pending", () => {
    expect(rolloutState(node("v6", 6, "v5"), "v7", 7)).toBe("pending");
    expect(rolloutState(node("v6", 6, "v7"), "v7", 7)).toBe("rejected");
    expect(rolloutState(node("v7", 7), "v7", 7)).toBe("applied");
    expect(rolloutState(node("v8", 8), "v7", 7)).toBe("superseded");
    expect(rolloutState(node(null, null), "v7", 7)).toBe("pending");
  });
});
