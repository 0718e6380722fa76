// The readable diff on real Envoy v3 snapshots (the shapes the console stores and the worker loads).
import { describe, expect, it } from "vitest";
import { cluster, listener, prefixRoute } from "../test-fixtures";
import { readableDiff, resourceChanges, unifiedDiff } from "../diff";
import { configDiff } from "./config-diff";
import type { ReadableChange } from "../../contract/diff";

type Route = Record<string, unknown>;
const named = (name: string, prefix: string, clusterName: string, extra: Record<string, unknown> = {}): Route => ({ name, match: { prefix }, route: { cluster: clusterName, ...extra } });
const snap = (routes: Route[], clusters: Record<string, unknown>[] = [cluster("a", [80]), cluster("b", [81])], vhostExtra: Record<string, unknown> = {}) => {
  const l = listener("main", 8080, routes);
  const vh = (l.filter_chains[0].filters[0].typed_config as { route_config: { virtual_hosts: Record<string, unknown>[] } }).route_config.virtual_hosts[0];
  Object.assign(vh, vhostExtra);
  return { listeners: [l], clusters };
};
const texts = (c: ReadableChange) => c.fields.map((f) => f.text);

describe("readable diff: routes", () => {
  it("a route edit is one change with its fields in words, and its JSON on both sides", () => {
    const before = snap([named("api", "/api", "a", { timeout: "15s" }), prefixRoute("/", "a")]);
    const after = snap([named("api", "/api", "b", { timeout: "5s" }), prefixRoute("/", "a")]);
    const changes = readableDiff(before, after);
    expect(changes).toHaveLength(1);
    const [c] = changes;
    expect(c).toMatchObject({ kind: "route", change: "changed", label: "route /api (api) on listener main/default", group: "listener main", position: { before: 1, after: 1 } });
    expect(texts(c)).toEqual(["cluster a → b", "timeout 15s → 5s"]);
    expect(c.summary).toBe("route /api (api) on listener main/default changed: cluster a → b; timeout 15s → 5s");
    expect(c.before).toEqual(named("api", "/api", "a", { timeout: "15s" }));
    expect(c.after).toEqual(named("api", "/api", "b", { timeout: "5s" }));
  });

  it("compares an unset timeout with Envoy's default, and names other action fields by their Envoy names", () => {
    const before = snap([named("api", "/api", "a")]);
    const after = snap([named("api", "/api", "a", { timeout: "5s", prefix_rewrite: "/v2", retry_policy: { retry_on: "5xx", num_retries: 2 } })]);
    expect(texts(readableDiff(before, after)[0])).toEqual(["timeout 15s (default) → 5s", "prefix_rewrite unset → /v2", "retry_policy.num_retries unset → 2", "retry_policy.retry_on unset → 5xx"]);
    const again = snap([named("api", "/api", "a", { timeout: "5s", prefix_rewrite: "/v2", retry_policy: { retry_on: "5xx", num_retries: 3 } })]);
    expect(texts(readableDiff(after, again)[0])).toEqual(["retry_policy.num_retries 2 → 3"]);
  });

  it("a reorder reads as a move, not a removal and an addition", () => {
    const [x, y, z] = [named("x", "/x", "a"), named("y", "/y", "a"), named("z", "/z", "a")];
    const changes = readableDiff(snap([x, y, z]), snap([z, x, y]));
    expect(changes.map((c) => [c.change, c.label, c.summary])).toEqual([["moved", "route /z (z) on listener main/default", "route /z (z) on listener main/default moved from 3 to 1"]]);
    expect(changes[0].position).toEqual({ before: 3, after: 1 });
  });

  it("pairs unnamed routes by match and action, so they move too; an edited one is paired by its match", () => {
    const [x, y, z] = [prefixRoute("/x", "a"), prefixRoute("/y", "a"), prefixRoute("/z", "a")];
    expect(readableDiff(snap([x, y, z]), snap([y, z, x])).map((c) => `${c.change} ${c.label}`)).toEqual(["moved route /x on listener main/default"]);
    const edited = readableDiff(snap([x, y]), snap([x, prefixRoute("/y", "b")]));
    expect(edited.map((c) => [c.change, texts(c)])).toEqual([["changed", ["cluster a → b"]]]);
  });

  it("a route inserted above the others moves none of them; a moved and edited route says both", () => {
    const [x, y] = [named("x", "/x", "a"), named("y", "/y", "a")];
    const inserted = readableDiff(snap([x, y]), snap([named("new", "/new", "b"), x, y]));
    expect(inserted.map((c) => `${c.change} ${c.label}`)).toEqual(["added route /new (new) on listener main/default"]);
    const both = readableDiff(snap([x, y]), snap([named("y", "/y", "b"), x]));
    expect(both).toHaveLength(1);
    expect(both[0]).toMatchObject({ change: "changed", position: { before: 2, after: 1 } });
    expect(texts(both[0])).toEqual(["cluster a → b", "moved from 2 to 1"]);
  });

  it("describes weighted clusters as weights, and a change of action kind as the action", () => {
    const split = (a: number, b: number) => ({ name: "api", match: { prefix: "/api" }, route: { weighted_clusters: { clusters: [{ name: "a", weight: a }, { name: "b", weight: b }] } } });
    expect(texts(readableDiff(snap([split(50, 50)]), snap([split(90, 10)]))[0])).toEqual(["weights a 50 · b 50 → a 90 · b 10"]);
    expect(texts(readableDiff(snap([named("api", "/api", "a")]), snap([split(90, 10)]))[0])).toEqual(["action cluster a → split a 90 · b 10"]);
    const direct = { name: "api", match: { prefix: "/api" }, direct_response: { status: 503 } };
    expect(texts(readableDiff(snap([named("api", "/api", "a")]), snap([direct]))[0])).toEqual(["action cluster a → direct response 503"]);
  });

  it("a new match reads as the match in words", () => {
    const changes = readableDiff(snap([named("api", "/api", "a")]), snap([{ name: "api", match: { path: "/api/v2" }, route: { cluster: "a" } }]));
    expect(texts(changes[0])).toEqual(["match /api → /api/v2 (exact)"]);
  });
});

describe("readable diff: virtual hosts, listeners, clusters, endpoints, breakers", () => {
  it("virtual host domains, one by one", () => {
    const changes = readableDiff(snap([]), snap([], undefined, { domains: ["api.example.com", "*"] }));
    expect(changes.map((c) => [c.kind, c.label, texts(c)])).toEqual([["virtual_host", "virtual host default on listener main", ["domain api.example.com added"]]]);
    expect(changes[0].before).toEqual({ name: "default", domains: ["*"] });
  });

  it("a listener's own fields, without its virtual hosts", () => {
    const before = snap([named("api", "/api", "a")]);
    const after = snap([named("api", "/api", "a")]);
    (after.listeners[0] as { address: unknown }).address = { socket_address: { address: "0.0.0.0", port_value: 8080 } };
    (after.listeners[0].filter_chains[0].filters[0].typed_config as Record<string, unknown>).stat_prefix = "edge";
    const [c] = readableDiff(before, after);
    expect(c).toMatchObject({ kind: "listener", change: "changed", label: "listener main" });
    expect(texts(c)).toEqual(["address 127.0.0.1:8080 → 0.0.0.0:8080", "http_connection_manager.stat_prefix main → edge"]);
    expect(JSON.stringify(c.after)).not.toContain("virtual_hosts");
  });

  it("endpoints added and removed by address, in their cluster's group", () => {
    const changes = readableDiff(snap([], [cluster("a", [80, 81])]), snap([], [cluster("a", [81, 82])]));
    expect(changes.map((c) => [c.kind, c.change, c.label, c.group])).toEqual([
      ["endpoint", "added", "endpoint 127.0.0.1:82 in cluster a", "cluster a"],
      ["endpoint", "removed", "endpoint 127.0.0.1:80 in cluster a", "cluster a"],
    ]);
    expect(changes[0].summary).toBe("endpoint 127.0.0.1:82 in cluster a added");
  });

  it("circuit-breaker thresholds against Envoy's defaults", () => {
    const cb = (t: Record<string, unknown>) => cluster("a", [80], { circuit_breakers: { thresholds: [t] } });
    const added = readableDiff(snap([], [cluster("a", [80])]), snap([], [cb({ max_requests: 100 })]));
    expect(added.map((c) => [c.kind, c.change, c.label, texts(c)])).toEqual([["circuit_breaker", "added", "circuit breakers (DEFAULT) of cluster a", ["max_requests 1024 (default) → 100"]]]);
    const changed = readableDiff(snap([], [cb({ max_requests: 100, max_connections: 5 })]), snap([], [cb({ max_requests: 200 })]));
    expect(texts(changed[0])).toEqual(["max_connections 5 → 1024 (default)", "max_requests 100 → 200"]);
  });

  it("a cluster's own fields; a new cluster is one change carrying its endpoints", () => {
    const changed = readableDiff(snap([], [cluster("a", [80])]), snap([], [cluster("a", [80], { lb_policy: "LEAST_REQUEST", connect_timeout: "2s" })]));
    expect(changed.map((c) => [c.kind, texts(c)])).toEqual([["cluster", ["connect_timeout 1s → 2s", "lb_policy ROUND_ROBIN → LEAST_REQUEST"]]]);
    const added = readableDiff(snap([], [cluster("a", [80])]), snap([], [cluster("a", [80]), cluster("c", [90, 91], { circuit_breakers: { thresholds: [{ max_requests: 1 }] } })]));
    expect(added.map((c) => `${c.change} ${c.label}`)).toEqual(["added cluster c"]);
    expect(added[0].after).toEqual(cluster("c", [90, 91], { circuit_breakers: { thresholds: [{ max_requests: 1 }] } }));
  });

  it("the same snapshot has no changes; resourceChanges keeps its listener/cluster granularity", () => {
    const s = snap([named("api", "/api", "a")]);
    expect(readableDiff(s, structuredClone(s))).toEqual([]);
    const after = snap([named("api", "/api", "b")], [cluster("a", [80, 81]), cluster("b", [81])]);
    expect(resourceChanges(s, after)).toEqual([
      { kind: "listener", name: "main", change: "changed" },
      { kind: "cluster", name: "a", change: "changed" },
    ]);
  });
});

describe("the text diff", () => {
  const side = (label: string) => ({ kind: "version" as const, id: label, number: 1, hash: label, label });
  const routes = (n: number, cl: string) => Array.from({ length: n }, (_, i) => named(`r${i}`, `/r/${i}`, cl));

  it("is made for a few changes", () => {
    const d = configDiff(side("v1"), side("v2"), snap(routes(3, "a")), snap(routes(3, "b")));
    expect(d.changes).toHaveLength(3);
    expect(d.unified).toMatch(/^\+\s+cluster: b$/m);
  });

  it("is not attempted past 2,000 changes, and says so", () => {
    const d = configDiff(side("v1"), side("v2"), snap(routes(2_001, "a")), snap(routes(2_001, "b")));
    expect(d.changes).toHaveLength(2_001);
    expect(d.unified).toBe("--- v1\n+++ v2\n@@ 2001 changes are too many for a text diff (it is made for up to 2000): the changes above list every difference @@\n");
  });
});

describe("readable diff at scale", () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => named(`r${i}`, `/r/${i}`, i % 2 ? "a" : "b", { timeout: "5s" }));

  // complexity, not speed: anything quadratic in the routes would take minutes on 10,000 (10^8 route
  // comparisons), so the generous bound only catches that, and each case must find exactly its one change
  it("10,000 routes with one edit, one move or one insertion: exactly one change each, in linear time", () => {
    const base = many(10_000);
    const t0 = performance.now();
    const edited = many(10_000);
    edited[7_000] = named("r7000", "/r/7000", "c", { timeout: "5s" });
    const e = readableDiff(snap(base), snap(edited));
    expect(e.map((c) => [c.change, texts(c)])).toEqual([["changed", ["cluster b → c"]]]);

    const moved = [base[9_999], ...base.slice(0, 9_999)];
    expect(readableDiff(snap(base), snap(moved)).map((c) => c.summary)).toEqual(["route /r/9999 (r9999) on listener main/default moved from 10000 to 1"]);

    const inserted = [named("new", "/new", "a"), ...base];
    expect(readableDiff(snap(base), snap(inserted)).map((c) => `${c.change} ${c.label}`)).toEqual(["added route /new (new) on listener main/default"]);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it("10,000 routes all edited: 10,000 changes, each with its field", () => {
    const after = many(10_000).map((r) => ({ ...r, route: { cluster: "z" } }));
    const changes = readableDiff(snap(many(10_000)), snap(after));
    expect(changes).toHaveLength(10_000);
    expect(new Set(changes.map((c) => c.id)).size).toBe(10_000);
    expect(texts(changes[1])).toEqual(["cluster a → z", "timeout 5s → 15s (default)"]);
    // the text diff of as many changes is given up past its time budget rather than holding the answer up
    const t0 = performance.now();
    expect(unifiedDiff("v1", "v2", snap(many(10_000)), snap(after), 50)).toMatch(/^--- v1\n\+\+\+ v2\n@@ the text diff took longer than 0.05 s/);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });
});
