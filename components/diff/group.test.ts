import { describe, expect, it } from "vitest";
import type { ReadableChange } from "@/lib/contract/diff";
import { countText, groupChanges } from "./group";

const change = (kind: ReadableChange["kind"], group: string, id: string): ReadableChange => ({
  kind, group, id, label: id, change: "changed", summary: id, fields: [], position: null, before: null, after: null,
});

describe("grouping readable changes", () => {
  it("keeps the server's order of groups and of changes within them", () => {
    const cs = [change("route", "listener main", "r1"), change("endpoint", "cluster a", "e1"), change("route", "listener main", "r2")];
    expect(groupChanges(cs).map((g) => [g.group, g.changes.map((c) => c.id)])).toEqual([
      ["listener main", ["r1", "r2"]],
      ["cluster a", ["e1"]],
    ]);
  });

  it("counts kinds in words", () => {
    expect(countText([change("route", "g", "1"), change("route", "g", "2"), change("circuit_breaker", "c", "3"), change("listener", "g", "4")])).toBe(
      "1 listener, 2 routes, 1 circuit-breaker setting",
    );
  });
});
