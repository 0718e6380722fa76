// Editing the draft together, through the public API of the real console (production build, bundled worker):
// ETag/If-Match on every draft read and write, 409 with the other client's change and nothing lost, writes
// without If-Match audited as such, discard back to live, and the publish and rollback rules.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as C from "../../lib/contract";
import { bootstrap, cluster, listener, prefixRoute } from "../../lib/config/test-fixtures";
import { api, ConsoleProcess, errorBody, freePort, parsed, startUpstream, startTestConsole } from "./harness";

const TOKEN = "revisions-token-" + Math.random().toString(36).slice(2);

let dataDir: string;
let consoleProc: ConsoleProcess;
/** two API clients, as two people with their own copy of the draft */
let alice: ReturnType<typeof api>;
let bob: ReturnType<typeof api>;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let listenerPort: number;

const etag = (r: { headers: Headers }) => r.headers.get("etag");
const revisionOf = (r: { headers: Headers }) => Number(/^"r(\d+)"$/.exec(etag(r) ?? "")?.[1] ?? NaN);
const ifMatch = (tag: string | null) => ({ "if-match": tag ?? "" });

const lastAudit = async (action: string): Promise<C.AuditEntry> => (await alice.as(C.AuditList, "GET", "/api/audit?limit=20")).find((a) => a.action === action)!;

beforeAll(async () => {
  upstream = await startUpstream("revisions-up");
  listenerPort = await freePort();
  ({ proc: consoleProc, dataDir } = await startTestConsole("signalbox-revisions-", TOKEN));
  alice = api(consoleProc.base, TOKEN);
  bob = api(consoleProc.base, TOKEN);
  const doc = bootstrap([listener("main", listenerPort, [prefixRoute("/a", "up"), prefixRoute("/b", "up")])], [cluster("up", [upstream.port])]);
  expect((await alice("PUT", "/api/config", doc)).status).toBe(200);
  expect((await alice("POST", "/api/versions", { message: "two routes" })).status).toBe(201);
}, 90_000);

afterAll(async () => {
  await consoleProc?.stop();
  upstream?.server.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("draft revisions over HTTP", () => {
  it("every draft read answers the same ETag, and the status carries the revision", async () => {
    const reads = await Promise.all(["/api/config", "/api/config?format=yaml", "/api/draft/routes", "/api/draft/clusters", "/api/draft/status", "/api/draft/discard-preview"].map((p) => alice("GET", p)));
    for (const r of reads) expect(r.status).toBe(200);
    expect(new Set(reads.map(etag)).size).toBe(1);
    expect(etag(reads[0])).toMatch(/^"r\d+"$/);
    expect(C.DraftStatus.parse(reads[4].json).revision).toBe(revisionOf(reads[0]));
    expect(C.DiscardPreview.parse(reads[5].json)).toMatchObject({ revision: revisionOf(reads[0]), changes: [] });
  });

  it("two clients edit the same route: the second gets 409 with the first's change, and nothing is lost", async () => {
    const [a, b] = await Promise.all([alice("GET", "/api/draft/routes"), bob("GET", "/api/draft/routes")]);
    expect(etag(a)).toBe(etag(b));
    const route = parsed(a, C.DraftRouteList).find((r) => r.route.name === "a")!;

    const first = await alice("PUT", `/api/draft/routes/${route.id}`, { route: { ...route.route, route: { cluster: "up", timeout: "5s" } } }, ifMatch(etag(a)));
    expect(first.status, first.text).toBe(200);
    expect(revisionOf(first)).toBe(revisionOf(a) + 1);

    const second = await bob("PUT", `/api/draft/routes/${route.id}`, { route: { ...route.route, match: { prefix: "/bob" } } }, ifMatch(etag(b)));
    expect(second.status).toBe(409);
    const conflict = C.DraftConflict.parse(second.json);
    expect(conflict.error.code).toBe("conflict");
    expect(conflict.current).toBe(revisionOf(first));
    expect(conflict.changes).toEqual([expect.objectContaining({ revision: revisionOf(first), actor: "admin", kind: "route", name: "a", change: "changed" })]);
    expect(conflict.error.message).toMatch(/admin changed route a/);

    // alice's change is there, bob's is not; the revision did not move
    const now = await bob("GET", "/api/draft/routes");
    expect(etag(now)).toBe(etag(first));
    expect(parsed(now, C.DraftRouteList).find((r) => r.id === route.id)!.route).toMatchObject({ match: { prefix: "/a" }, route: { timeout: "5s" } });

    // a stale create and a stale whole-draft PUT are refused too; bob reapplies on the new revision
    expect((await bob("POST", "/api/draft/routes", { route: { match: { prefix: "/c" }, direct_response: { status: 204 } } }, ifMatch(etag(b)))).status).toBe(409);
    expect((await bob("PUT", "/api/config", (await bob("GET", "/api/config")).json, ifMatch(etag(b)))).status).toBe(409);
    const latest = parsed(now, C.DraftRouteList).find((r) => r.id === route.id)!;
    const again = await bob("PUT", `/api/draft/routes/${route.id}`, { route: { ...latest.route, match: { prefix: "/bob" } } }, ifMatch(etag(now)));
    expect(again.status).toBe(200);
    expect(parsed(again, C.DraftRouteItem).route).toMatchObject({ match: { prefix: "/bob" }, route: { timeout: "5s" } });
    expect((await lastAudit("draft.route.update")).details).toMatchObject({ ifMatch: true, revision: revisionOf(again) });
  });

  it("a cluster write on a stale revision is refused; a malformed If-Match is a 400 naming the header", async () => {
    const seen = await alice("GET", "/api/draft/clusters");
    expect((await bob("PUT", "/api/draft/clusters/extra", cluster("extra", [upstream.port]), ifMatch(etag(seen)))).status).toBe(201);
    const stale = await alice("DELETE", "/api/draft/clusters/extra", undefined, ifMatch(etag(seen)));
    expect(stale.status).toBe(409);
    expect(C.DraftConflict.parse(stale.json).changes).toEqual([expect.objectContaining({ kind: "cluster", name: "extra", change: "added" })]);
    const bad = await alice("DELETE", "/api/draft/clusters/extra", undefined, { "if-match": "r3" });
    expect(bad.status).toBe(400);
    expect(errorBody(bad).error.message).toMatch(/^If-Match/);
  });

  it("a write without If-Match still works and is audited as such", async () => {
    const before = await alice("GET", "/api/draft/status");
    const r = await alice("POST", "/api/draft/routes", { route: { match: { prefix: "/script" }, direct_response: { status: 204 } } });
    expect(r.status).toBe(201);
    expect(revisionOf(r)).toBe(revisionOf(before) + 1);
    const entry = await lastAudit("draft.route.create");
    expect(entry.details).toMatchObject({ ifMatch: false, revision: revisionOf(r), changes: [{ kind: "route", name: "script", change: "added" }] });
  });

  it("publishing needs a message and a draft that differs from live", async () => {
    const empty = await alice("POST", "/api/versions", { message: "  " });
    expect(empty.status).toBe(400);
    expect(C.ErrorBody.parse(empty.json).errors).toEqual([{ path: "message", message: expect.any(String) }]);
    expect((await alice("POST", "/api/versions", {})).status).toBe(400);
    const status = C.DraftStatus.parse((await alice("GET", "/api/draft/status")).json);
    const stale = await alice("POST", "/api/versions", { message: "stale" }, ifMatch(`"r${status.revision - 1}"`));
    expect(stale.status).toBe(409);
    const pub = await alice("POST", "/api/versions", { message: "reviewed" }, ifMatch(`"r${status.revision}"`));
    expect(pub.status, pub.text).toBe(201);
    const again = await alice("POST", "/api/versions", { message: "nothing new" });
    expect(again.status).toBe(409);
    const number = parsed(pub, C.PublishResult).number;
    expect(again.json).toEqual(expect.objectContaining({ error: { code: "no_changes", message: expect.stringMatching(new RegExp(`identical to live version v${number}`)) } }));
  });

  it("discard: the preview lists what goes, DELETE /api/draft restores live and is audited", async () => {
    const live = C.DraftStatus.parse((await alice("GET", "/api/draft/status")).json).live!;
    expect((await bob("PUT", "/api/draft/clusters/half-done", cluster("half-done", [upstream.port]))).status).toBe(201);
    const preview = await alice("GET", "/api/draft/discard-preview");
    expect(C.DiscardPreview.parse(preview.json).changes).toEqual([{ kind: "cluster", name: "half-done", change: "added" }]);
    expect((await alice("DELETE", "/api/draft?dryRun=1")).json).toEqual(preview.json);
    expect(C.DraftStatus.parse((await alice("GET", "/api/draft/status")).json).draftHash).not.toBe(live.hash);

    const r = await alice("DELETE", "/api/draft", undefined, ifMatch(etag(preview)));
    expect(r.status, r.text).toBe(200);
    expect(revisionOf(r)).toBe(revisionOf(preview) + 1);
    const status = C.DraftStatus.parse((await alice("GET", "/api/draft/status")).json);
    expect(status.draftHash).toBe(live.hash);
    expect(status.changes).toEqual([]);
    expect(await lastAudit("draft.discard")).toMatchObject({ actor: "admin", details: { ifMatch: true, discarded: [{ name: "half-done" }] } });
    // the discarded preview's revision is stale now
    expect((await alice("DELETE", "/api/draft", undefined, ifMatch(etag(preview)))).status).toBe(409);
  });

  it("rolling back with a dirty draft is refused with the pending changes, then goes through with discardDraft", async () => {
    const versions = await alice.as(C.VersionList, "GET", "/api/versions");
    const target = versions[1];
    expect((await bob("PUT", "/api/draft/clusters/pending", cluster("pending", [upstream.port]))).status).toBe(201);
    const refused = await alice("POST", `/api/versions/${target.id}/rollback`, {});
    expect(refused.status).toBe(409);
    expect(C.DraftDirty.parse(refused.json)).toMatchObject({ error: { code: "draft_dirty" }, changes: [{ kind: "cluster", name: "pending", change: "added" }] });
    expect((await alice("GET", "/api/versions")).json).toHaveLength(versions.length);

    const seen = await alice("GET", "/api/draft/status");
    const rb = await alice("POST", `/api/versions/${target.id}/rollback`, { discardDraft: true }, ifMatch(etag(seen)));
    expect(rb.status, rb.text).toBe(201);
    expect(rb.json).toMatchObject({ hash: target.hash, rollbackOfId: target.id });
    expect(revisionOf(rb)).toBe(revisionOf(seen) + 1);
    const status = C.DraftStatus.parse((await alice("GET", "/api/draft/status")).json);
    expect(status).toMatchObject({ draftHash: target.hash, changes: [] });
  });
});
