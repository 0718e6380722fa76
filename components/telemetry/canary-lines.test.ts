import { describe, expect, it } from "vitest";
import type { EventRow } from "@/lib/contract/events";
import { describeEvent, eventText } from "./event-lines";

const e = (kind: string, details: Record<string, unknown>): EventRow => ({ id: 1, ts: 0, node: "console", kind, cluster: null, details });

describe("a canary's event lines", () => {
  it("says where a canary started and who started it", () => {
    const started = e("canary_started", { versionId: "x", number: 43, author: "alice", message: "", target: { nodes: ["edge-1"] }, nodes: ["edge-1"] });
    expect(eventText(started)).toBe("canary v43 started on 1 node (`edge-1`) by alice");
    expect(describeEvent(started).tone).toBe("amber");
    expect(eventText(e("canary_started", { number: 43, author: "alice", message: "to b", target: { selector: { ring: "canary", zone: "a" } }, nodes: ["a", "b", "c", "d"] }))).toBe(
      "canary v43 started on 4 nodes (`a`, `b`, `c` and 1 more) matching ring=canary,zone=a by alice: “to b”",
    );
    expect(eventText(e("canary_started", { number: 43, author: "alice", target: { selector: { ring: "x" } }, nodes: [] }))).toBe("canary v43 started on no connected node matching ring=x by alice");
  });

  it("says who promoted or aborted it", () => {
    const promoted = e("canary_promoted", { number: 43, actor: "bob", startedBy: "alice" });
    expect(eventText(promoted)).toBe("canary v43 promoted to every node by bob");
    expect(describeEvent(promoted).tone).toBe("green");
    expect(eventText(e("canary_aborted", { number: 43, actor: "bob" }))).toBe("canary v43 aborted by bob: its nodes went back to the live version");
    expect(eventText(e("canary_aborted", { number: 43, actor: "bob", reason: "errors on edge-1" }))).toBe(
      "canary v43 aborted by bob: its nodes went back to the live version (errors on edge-1)",
    );
  });
});
