// The impact preview's grouping and rates, on real route tables compiled by proxy-core from real snapshots.
import { describe, expect, it } from "vitest";
import { cluster, listener, prefixRoute } from "../config/test-fixtures";
import { DraftImpact } from "../contract/impact";
import { replayImpact } from "./replay";
import { RequestSampleStore, type SampleSet } from "./sample-store";

const NOW = 1_800_000_000_000;
type Route = Record<string, unknown>;
const CLUSTERS = ["a", "b", "c", "t"].map((n, i) => cluster(n, [9001 + i]));
const snapshot = (routes: Route[], name = "edge") => ({ listeners: [listener(name, 8080, routes)], clusters: CLUSTERS });
const head = (path: string, at = NOW - 30_000, headers: string[] = []) => ({ at, method: "GET", authority: "shop.example", path, hcm: "edge", headers });
const set = (heads: ReturnType<typeof head>[], opts: Partial<SampleSet> = {}): SampleSet => ({ node: "n1", listener: "edge", heads, truncated: false, ...opts });
const times = (n: number, path: string, at?: number) => Array.from({ length: n }, (_, i) => head(`${path}/${i}`, at));

const LIVE = [prefixRoute("/api/v1", "a"), prefixRoute("/other", "c")].map((r, i) => ({ ...r, name: ["api_v1", "other"][i] }));
const live = (routes: Route[] = LIVE) => ({ id: "v-live", number: 7, resources: snapshot(routes) });

function replay(sets: SampleSet[], draft: Route[], liveRoutes?: Route[]) {
  // the answer the API sends, so it must satisfy the contract
  return DraftImpact.parse(replayImpact({ sets, live: live(liveRoutes), draft: snapshot(draft), now: NOW }));
}

describe("replaying sampled requests against the draft", () => {
  it("moves a cluster change and counts a deleted route as no route", () => {
    const r = replay([set([...times(30, "/api/v1/x"), ...times(10, "/other")])], [{ ...LIVE[0], route: { cluster: "b" } }]);
    expect(r.window).toEqual({ from: NOW - 30_000, to: NOW, requests: 40 });
    expect(r.live).toEqual({ id: "v-live", number: 7 });
    expect(r.moves).toHaveLength(1);
    const m = r.moves[0];
    expect([m.listener, m.routeBefore?.name, m.routeAfter.name, m.clusterBefore, m.clusterAfter, m.requests, m.perMinute, m.share]).toEqual(["edge", "api_v1", "api_v1", "a", "b", 30, 30, 1]);
    expect(m.routeBefore).toEqual({ virtualHost: "default", name: "api_v1", matchKind: "prefix", match: "/api/v1", conditions: false });
    expect(m.examples.map((e) => e.path)).toEqual(["/api/v1/x/0", "/api/v1/x/1", "/api/v1/x/2"]);
    expect(r.noRoute.requests).toBe(10);
    expect(r.noRoute.perMinute).toBe(10);
    expect(r.noRoute.byRoute).toEqual([{ listener: "edge", routeBefore: expect.objectContaining({ name: "other" }), requests: 10, perMinute: 10 }]);
    expect(r.noRoute.examples).toHaveLength(3);
    expect(r.unchanged).toBe(0);
    expect(r.notes).toEqual([]);
  });

  it("leaves what does not change as unchanged, including requests without a route either way", () => {
    const r = replay([set([...times(5, "/api/v1"), ...times(2, "/nothing")])], LIVE);
    expect(r.moves).toEqual([]);
    expect(r.noRoute.requests).toBe(0);
    expect(r.unchanged).toBe(7);
  });

  it("splits weighted clusters by their expected share, and only the share that changes cluster moves", () => {
    const draft = [{ ...LIVE[0], route: { weighted_clusters: { clusters: [{ name: "a", weight: 90 }, { name: "b", weight: 10 }] } } }, LIVE[1]];
    const r = replay([set(times(30, "/api/v1"))], draft);
    expect(r.moves.map((m) => [m.clusterBefore, m.clusterAfter, m.requests, m.share])).toEqual([["a", "b", 3, 0.1]]);
    expect(r.unchanged).toBe(27);
    // and back from the split to one cluster: the 10 % on b move to a
    const back = replay([set(times(30, "/api/v1"))], LIVE, draft);
    expect(back.moves.map((m) => [m.clusterBefore, m.clusterAfter, m.requests, m.share])).toEqual([["b", "a", 3, 0.1]]);
  });

  it("treats a redirect and a direct response as destinations of their own", () => {
    const draft = [
      { name: "api_v1", match: { prefix: "/api/v1" }, direct_response: { status: 410 } },
      { name: "other", match: { prefix: "/other" }, redirect: { https_redirect: true, response_code: "PERMANENT_REDIRECT" } },
    ];
    const r = replay([set([...times(4, "/api/v1"), ...times(2, "/other")])], draft);
    expect(r.moves.map((m) => [m.destinationBefore, m.destinationAfter, m.clusterAfter, m.requests])).toEqual([
      [{ kind: "cluster", name: "a" }, { kind: "direct_response", name: "410" }, null, 4],
      [{ kind: "cluster", name: "c" }, { kind: "redirect", name: "308 → https" }, null, 2],
    ]);
  });

  it("reports a route change that keeps the cluster, and traffic that gains a route", () => {
    const draft = [{ name: "catch_all", match: { prefix: "/" }, route: { cluster: "a" } }];
    const r = replay([set([...times(3, "/api/v1"), ...times(2, "/new")])], draft);
    expect(r.moves.map((m) => [m.routeBefore?.name ?? null, m.routeAfter.name, m.destinationBefore?.name ?? null, m.destinationAfter.name, m.requests])).toEqual([
      ["api_v1", "catch_all", "a", "a", 3],
      [null, "catch_all", null, "a", 2],
    ]);
  });

  it("takes rates over each sample's window: at least a minute, or the heads' own span when truncated", () => {
    const quiet = set(times(12, "/api/v1", NOW - 5 * 60_000));
    const busy = set(
      Array.from({ length: 100 }, (_, i) => head("/api/v1/b", NOW - 10_000 + i * 100)),
      { node: "n2", truncated: true },
    );
    const r = replay([quiet, busy], [{ ...LIVE[0], route: { cluster: "b" } }, LIVE[1]]);
    // 12 over 5 minutes, plus 100 over the 10 s the truncated sample spans
    expect(r.moves[0].requests).toBe(112);
    expect(r.moves[0].perMinute).toBeCloseTo(12 / 5 + 600, 1);
  });

  it("does not replay heads older than an hour, or a listener the live version lacks", () => {
    const r = replay([set([head("/api/v1", NOW - 61 * 60_000), head("/api/v1")]), set(times(3, "/x"), { listener: "gone" })], [{ ...LIVE[0], route: { cluster: "b" } }]);
    expect(r.window.requests).toBe(1);
    expect(r.moves[0].requests).toBe(1);
    expect(r.notes).toEqual(["3 sampled requests on listener gone, which the live version does not have, were not replayed"]);
  });

  it("counts a listener the draft removes as no route, and says so", () => {
    const r = DraftImpact.parse(replayImpact({ sets: [set(times(2, "/api/v1"))], live: live(), draft: snapshot(LIVE, "renamed"), now: NOW }));
    expect(r.noRoute.requests).toBe(2);
    expect(r.notes).toEqual(["listener edge is not in the draft: its 2 sampled requests would find no listener (counted as no route)"]);
  });

  it("says when the draft matches on a header the workers did not sample", () => {
    const draft = [{ name: "t", match: { prefix: "/api", headers: [{ name: "X-Tenant", string_match: { exact: "t1" } }] }, route: { cluster: "t" } }, ...LIVE];
    const r = replay([set(times(2, "/api/v1"))], draft);
    expect(r.moves).toEqual([]);
    expect(r.notes).toEqual([expect.stringContaining("match on header x-tenant, which the live routes do not")]);
  });

  it("says when the draft matches on the value of a header the live routes only require to be present", () => {
    const authed = (m: Record<string, unknown>) => ({ name: "authed", match: { prefix: "/api", headers: [{ name: "authorization", ...m }] }, route: { cluster: "t" } });
    const r = replay([set([head("/api/v1", NOW - 1000, ["Authorization", ""])])], [authed({ string_match: { prefix: "Bearer " } }), ...LIVE], [authed({ present_match: true }), ...LIVE]);
    expect(r.moves.map((m) => [m.routeBefore?.name, m.routeAfter.name, m.requests])).toEqual([["authed", "api_v1", 1]]);
    expect(r.notes).toEqual([expect.stringContaining("match on the value of authorization, which the live routes only require to be present")]);
  });

  it("replays sampled headers: a request carrying the header the live routes match on", () => {
    const tenant = { name: "t", match: { prefix: "/api", headers: [{ name: "x-tenant", string_match: { exact: "t1" } }] }, route: { cluster: "t" } };
    const r = replay([set([head("/api/v1", NOW - 1000, ["X-Tenant", "t1"]), head("/api/v1")])], LIVE, [tenant, ...LIVE]);
    expect(r.moves.map((m) => [m.routeBefore?.name, m.clusterBefore, m.clusterAfter, m.requests])).toEqual([["t", "t", "a", 1]]);
    expect(r.unchanged).toBe(1);
  });

  it("leaves out what it cannot compile, and says why", () => {
    const invalid = replay([set(times(2, "/api/v1"))], [prefixRoute("/api/v1", "no-such-cluster")]);
    expect(invalid.window.requests).toBe(0);
    expect(invalid.notes).toEqual([expect.stringMatching(/^the draft does not validate \(.*no-such-cluster.*\): it was not replayed$/)]);
  });

  it("never opens a direct_response body file: a route naming one is matched by its status, whether the file exists here or not", () => {
    for (const filename of ["/nonexistent/signalbox-body", "/etc/hostname", "../../etc/passwd"]) {
      const r = replay([set(times(2, "/api/v1"))], [{ name: "f", match: { prefix: "/" }, direct_response: { status: 200, body: { filename } } }]);
      expect(r.notes, filename).toEqual([]);
      expect(r.window.requests, filename).toBe(2);
      expect(JSON.stringify(r), filename).not.toMatch(/ENOENT|EACCES|root:/);
    }
  });

  it("is empty without samples", () => {
    const r = replay([], LIVE);
    expect(r).toEqual({ window: { from: null, to: NOW, requests: 0 }, live: { id: "v-live", number: 7 }, moves: [], noRoute: { requests: 0, perMinute: 0, examples: [], byRoute: [] }, unchanged: 0, notes: [] });
  });
});

describe("the sample store", () => {
  it("keeps the latest heads per node and listener and marks a set truncated when it drops some", () => {
    const s = new RequestSampleStore(3);
    s.add("n1", { type: "request_sample", listeners: [{ listener: "edge", heads: times(2, "/a"), overwritten: 0 }] });
    s.add("n2", { type: "request_sample", listeners: [{ listener: "edge", heads: times(1, "/b"), overwritten: 4 }] });
    s.add("n1", { type: "request_sample", listeners: [{ listener: "edge", heads: times(2, "/c"), overwritten: 0 }] });
    const sets = s.sets();
    expect(sets.map((x) => [x.node, x.heads.map((h) => h.path), x.truncated])).toEqual([
      ["n1", ["/a/1", "/c/0", "/c/1"], true],
      ["n2", ["/b/0"], true],
    ]);
  });
});
