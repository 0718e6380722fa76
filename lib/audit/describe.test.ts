import { describe, expect, it } from "vitest";
import { describeAudit, queryWords, searchText, type DescribeContext, type StoredAudit } from "./describe";

const versions: Record<string, { id: string; number: number; environment: string }> = {
  v12: { id: "v12", number: 12, environment: "default" },
  v7: { id: "v7", number: 7, environment: "default" },
  v13: { id: "v13", number: 13, environment: "default" },
  s3: { id: "s3", number: 3, environment: "staging" },
  d5: { id: "d5", number: 5, environment: "default" },
};
const routes: Record<string, { environment: string; listener: string; virtualHost: string; json: unknown }> = {
  r1: { environment: "staging", listener: "main", virtualHost: "default", json: { name: "api", match: { prefix: "/api/now" } } },
};
const ctx: DescribeContext = { version: (id) => versions[id], route: (id) => routes[id] };

const entry = (action: string, target: string, details: unknown): StoredAudit => ({ id: "e1", at: new Date("2026-01-02T03:04:05Z"), actor: "alice", action, target, details });
const words = (action: string, target: string, details: unknown) => describeAudit(entry(action, target, details), ctx);

describe("describeAudit: draft writes", () => {
  it("names a changed route by the match it was given and where it sits, with the changes the write recorded", () => {
    const d = words("draft.route.update", "route:r1", { route: { name: "api", match: { prefix: "/api" } }, environment: "staging", revision: 4, changes: [{ kind: "route", name: "api", change: "changed" }] });
    expect(d.summary).toBe("changed route /api on main/default");
    expect(d.targetLabel).toBe("route /api on main/default");
    expect(d.environment).toBe("staging");
    expect(d.changes).toEqual([{ kind: "route", name: "api", change: "changed", text: "route api changed" }]);
    expect(d.moreChanges).toBe(0);
    expect(d.version).toBeNull();
    expect(d.diffOf).toBeNull();
  });

  it("an added route names the listener and virtual host of its request when the draft no longer has it", () => {
    const d = words("draft.route.create", "route:gone", { listener: "edge", virtualHost: "shop", route: { match: { path: "/health" } }, changes: [{ kind: "route", name: "health", change: "added" }] });
    expect(d.summary).toBe("added route /health (exact) on edge/shop");
  });

  it("a removed route is named by its recorded change, a moved one by the draft, with its direction", () => {
    expect(words("draft.route.delete", "route:gone", { environment: "default", changes: [{ kind: "route", name: "legacy", change: "removed" }] }).summary).toBe("removed route legacy");
    expect(words("draft.route.move", "route:r1", { direction: "down", changes: [{ kind: "route", name: "api", change: "moved" }] }).summary).toBe("moved route /api/now down on main/default");
  });

  it("clusters: added, changed, renamed, removed, and a write that changed nothing", () => {
    expect(words("draft.cluster.put", "cluster:backend", { cluster: {}, changes: [{ kind: "cluster", name: "backend", change: "added" }] }).summary).toBe("added cluster backend");
    expect(words("draft.cluster.put", "cluster:backend", { cluster: {}, changes: [{ kind: "cluster", name: "backend", change: "changed" }] }).summary).toBe("changed cluster backend");
    expect(words("draft.cluster.put", "cluster:b2", { renamedFrom: "b1", cluster: {}, changes: [{ kind: "cluster", name: "b1 → b2", change: "changed" }] }).summary).toBe("renamed cluster b1 to b2");
    expect(words("draft.cluster.put", "cluster:backend", { cluster: {}, changes: [] }).summary).toBe("saved cluster backend (no change)");
    const del = words("draft.cluster.delete", "cluster:old", { changes: [{ kind: "cluster", name: "old", change: "removed" }] });
    expect(del.summary).toBe("removed cluster old");
    expect(del.targetLabel).toBe("cluster old");
  });

  it("replacing, discarding and the route tests", () => {
    expect(words("draft.replace", "draft", { listeners: 1, clusters: 2, changes: [{ kind: "cluster", name: "a", change: "added" }], moreChanges: 3 })).toMatchObject({
      summary: "replaced the draft with 1 listener and 2 clusters", targetLabel: "the draft", moreChanges: 3,
    });
    expect(words("draft.discard", "draft", { live: 4, discarded: [{ kind: "cluster", name: "a", change: "added" }, { kind: "listener", name: "l", change: "changed" }], changes: [] }).summary).toBe(
      "discarded the draft (2 changes), back to v4",
    );
    expect(words("draft.route_tests", "draft", { tests: 3, changes: [{ kind: "route_tests", name: "suite", change: "added" }] })).toMatchObject({
      summary: "added the route tests (3 tests)", changes: [{ kind: "route_tests", change: "added", text: "route tests added" }],
    });
    expect(words("draft.route_tests", "draft", { tests: 0, changes: [{ kind: "route_tests", name: "suite", change: "removed" }] }).summary).toBe("removed the route tests");
  });

  it("drops a recorded change of a shape it does not know, and counts it", () => {
    const d = words("draft.replace", "draft", { changes: [{ kind: "cluster", name: "a", change: "added" }, { kind: "secret", name: "s", change: "added" }] });
    expect(d.changes.map((c) => c.name)).toEqual(["a"]);
    expect(d.moreChanges).toBe(1);
  });
});

describe("describeAudit: entries written before draft writes recorded their changes or environment", () => {
  it("a route update names its one route; the environment is the only one there was", () => {
    const d = words("draft.route.update", "route:gone", { route: { name: "api", match: { prefix: "/api" } } });
    expect(d.summary).toBe("changed route /api");
    expect(d.environment).toBe("default");
    expect(d.changes).toEqual([{ kind: "route", name: "api", change: "changed", text: "route api changed" }]);
    expect(d.moreChanges).toBeNull();
  });

  it("a cluster write says saved, a discard lists what it threw away, a replace says nothing it does not know", () => {
    expect(words("draft.cluster.put", "cluster:backend", { cluster: {} })).toMatchObject({ summary: "saved cluster backend", changes: [{ kind: "cluster", name: "backend" }] });
    expect(words("draft.discard", "draft", { discarded: [{ kind: "listener", name: "main", change: "changed" }] }).changes).toEqual([
      { kind: "listener", name: "main", change: "changed", text: "listener main changed" },
    ]);
    expect(words("draft.replace", "draft", {})).toMatchObject({ summary: "replaced the draft", changes: [], moreChanges: null });
  });

  it("a publish without an environment takes its version's; a version gone is named by its recorded number", () => {
    expect(words("version.publish", "v12", { number: 12, hash: "h", message: "first" })).toMatchObject({ summary: "published v12: first", environment: "default", targetLabel: "v12 (default)" });
    expect(words("version.publish", "vanished", { number: 9, message: "old" })).toMatchObject({ summary: "published v9: old", targetLabel: "v9", version: null, diffOf: null, environment: null });
  });

  it("details that are not an object (an unreadable row) still give words", () => {
    expect(words("draft.route.update", "route:gone", "not json")).toMatchObject({ summary: "changed route gone" });
    expect(words("something.new", "x", null).summary).toBe("something new x");
  });
});

describe("describeAudit: versions, environments and the rest", () => {
  it("a publish: number, message, its version for the diff link", () => {
    const d = words("version.publish", "v12", { environment: "default", number: 12, hash: "h", message: "add /api", ifMatch: true });
    expect(d).toMatchObject({ summary: "published v12: add /api", targetLabel: "v12 (default)", environment: "default", version: versions.v12, diffOf: "v12" });
  });

  it("a canary publish, a promotion's publish, and an override", () => {
    expect(words("version.publish", "v12", { environment: "default", number: 12, message: "m", canary: { percent: 10 }, canaryNodes: ["a", "b"] }).summary).toBe("published v12 as a canary to 2 nodes: m");
    expect(words("version.publish", "d5", { environment: "default", number: 5, message: "Promote", promotedFrom: "s3" }).summary).toBe("published v5 (promotion of staging v3): Promote");
    const o = words("version.publish.override", "v12", { number: 12, reason: "known flake", failures: [{ testName: "a" }] });
    expect(o.summary).toBe("published v12 although its route tests failed (1 failing test): known flake");
    expect(o.diffOf).toBeNull();
  });

  it("a rollback names the version rolled back to and the one it made", () => {
    const d = words("version.rollback", "v13", { number: 13, rollbackOf: "v7", rollbackOfNumber: 7, environment: "default", discardedDraft: [{ kind: "cluster", name: "x", change: "added" }], changes: [] });
    expect(d).toMatchObject({ summary: "rolled back to v7 (as v13), discarding 1 draft change", diffOf: "v13", version: versions.v13 });
    // written before rollbackOfNumber was recorded: the number comes from the version
    expect(words("version.rollback", "v13", { number: 13, rollbackOf: "v7" }).summary).toBe("rolled back to v7 (as v13)");
  });

  it("a promotion between environments", () => {
    const d = words("environment.promote", "d5", { number: 5, from: { environment: "staging", versionId: "s3", number: 3 }, environment: "default", changes: [] });
    expect(d).toMatchObject({ summary: "promoted staging v3 to default (as v5)", environment: "default", targetLabel: "v5 (default)", diffOf: "d5" });
  });

  it("creating an environment", () => {
    expect(words("environment.create", "staging", {})).toMatchObject({ summary: "created environment staging", targetLabel: "environment staging", environment: "staging", version: null });
  });

  it("canary promotion and abort", () => {
    expect(words("version.promote", "v12", { number: 12, previousLive: "v7", rollout: "r", target: {} }).summary).toBe("promoted canary v12 to every node");
    expect(words("version.canary.abort", "v12", { number: 12, reason: "5xx on canary" }).summary).toBe("aborted the canary of v12: 5xx on canary");
  });

  it("the publish guard", () => {
    expect(words("guard.start", "v12", { number: 12, previousVersionId: "v7", maxErrorRatio: 0.05, windowS: 30, minRequests: 20 }).summary).toBe(
      "started the publish guard on v12: roll back if 5xx > 5% within 30 s",
    );
    expect(words("guard.rollback", "v12", { number: 12, rollbackVersionId: "v13", rollbackNumber: 13, reason: "guard: 5xx 40%" }).summary).toBe(
      "rolled back v12 (as v13) on the publish guard: guard: 5xx 40%",
    );
  });

  it("settings and a restore", () => {
    expect(words("settings.update", "settings", { retentionHours: { from: 24, to: 48 }, zipkinCollectorUrl: { from: null, to: "http://z:9411" } })).toMatchObject({
      summary: "changed the settings: retentionHours 24 → 48; zipkinCollectorUrl unset → http://z:9411", environment: null, targetLabel: "settings",
    });
    expect(words("backup.restore", "store", { createdAt: "2026-01-01T00:00:00Z", liveVersion: { id: "v12", number: 12 } })).toMatchObject({
      summary: "restored a backup written 2026-01-01T00:00:00Z, live v12", targetLabel: "the whole store", environment: null,
    });
  });
});

describe("searchText", () => {
  it("holds the words a person reads, not the stored JSON", () => {
    const e = entry("draft.cluster.put", "cluster:backend", { cluster: { connect_timeout: "5s" }, environment: "staging", changes: [{ kind: "cluster", name: "backend", change: "changed" }] });
    const text = searchText(e, describeAudit(e, ctx));
    for (const w of queryWords("Changed  BACKEND staging alice draft.cluster.put")) expect(text).toContain(w);
    expect(text).not.toContain("connect_timeout");
  });
});
