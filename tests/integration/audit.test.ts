// The audit trail in words, end to end: the real console (production build, SQLite file, no worker) is edited
// through its API (a route, a publish, a rollback, a second environment and a promotion into the first), and
// GET /api/audit must answer each entry's summary, target, environment, version and changes, filter by actor,
// action and words on the server, page with `before`, and describe an entry written in an older shape.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { AuditList, type AuditEntry } from "../../lib/contract/audit";
import { DraftRouteList } from "../../lib/contract/draft";
import { VersionSummary } from "../../lib/contract/versions";
import { bootstrap, cluster, listener } from "../../lib/config/test-fixtures";
import { api, assertBuilt, ConsoleProcess, errorBody, freePort, parsed, tmpDir } from "./harness";

const TOKEN = "audit-token-" + Math.random().toString(36).slice(2);
let dataDir: string;
let consoleProc: ConsoleProcess;
let call: ReturnType<typeof api>;
const v: Record<string, { id: string; number: number }> = {};
let routeId: string;
let listenerPort: number;

const doc = (clusterName: string, extra: Record<string, unknown> = {}) =>
  bootstrap([listener("main", listenerPort, [{ name: "api", match: { prefix: "/api" }, route: { cluster: clusterName, ...extra } }])], [cluster("one", [9001]), cluster("two", [9002])]);
/** writes whose answer these tests do not read */
const anything = z.unknown();
const inEnv = (env: string | null): Record<string, string> => (env ? { "x-signalbox-environment": env } : {});

async function ok<S extends z.ZodType>(schema: S, method: string, p: string, body?: unknown, env: string | null = null): Promise<z.output<S>> {
  const r = await call(method, p, body, inEnv(env));
  expect(r.status, `${method} ${p}: ${r.text}`).toBeLessThan(300);
  return parsed(r, schema);
}

const audit = (query = ""): Promise<AuditEntry[]> => ok(AuditList, "GET", `/api/audit?limit=200${query}`);

const one = (entries: AuditEntry[], pred: (e: AuditEntry) => boolean) => {
  const found = entries.filter(pred);
  expect(found, JSON.stringify(entries.map((e) => [e.action, e.summary]))).toHaveLength(1);
  return found[0];
};

beforeAll(async () => {
  assertBuilt();
  dataDir = tmpDir("signalbox-audit-");
  // the worker is off: nothing binds it, but it is a port no other test is given
  listenerPort = await freePort();
  consoleProc = new ConsoleProcess({ dataDir, port: await freePort(), token: TOKEN, starterPort: await freePort(), workerAdminPort: await freePort(), env: { SIGNALBOX_WORKER: "off" } });
  await consoleProc.start();
  call = api(consoleProc.base, TOKEN);

  await ok(anything, "PUT", "/api/config", doc("one"));
  v.base = await ok(VersionSummary, "POST", "/api/versions", { message: "api on one" });
  const routes = await ok(DraftRouteList, "GET", "/api/draft/routes");
  routeId = routes.find((r) => (r.route as { name?: string }).name === "api")!.id;
  await ok(anything, "PUT", `/api/draft/routes/${routeId}`, { route: { name: "api", match: { prefix: "/api" }, route: { cluster: "two", timeout: "5s" } } });
  v.next = await ok(VersionSummary, "POST", "/api/versions", { message: "api to two" });
  v.rolled = await ok(VersionSummary, "POST", `/api/versions/${v.base.id}/rollback`, {});
  await ok(anything, "POST", "/api/environments", { name: "staging" });
  await ok(anything, "PUT", "/api/config", doc("two", { timeout: "9s" }), "staging");
  v.staging = await ok(VersionSummary, "POST", "/api/versions", { message: "staging first" }, "staging");
  v.promoted = await ok(VersionSummary, "POST", "/api/environments/default/promote", { versionId: v.staging.id });
}, 60_000);

afterAll(async () => {
  await consoleProc?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("each entry in words", () => {
  it("a route edit: the route by its match, listener and virtual host, with the change the write made", async () => {
    const e = one(await audit(), (x) => x.action === "draft.route.update");
    expect(e).toMatchObject({ actor: "admin", summary: "changed route /api on main/default", targetLabel: "route /api on main/default", environment: "default", version: null, moreChanges: 0 });
    expect(e.changes).toEqual([{ kind: "route", name: "api", change: "changed", text: "route api changed" }]);
  });

  it("a publish: number and message, its diff against the version before it, and the version for the link", async () => {
    const e = one(await audit(), (x) => x.action === "version.publish" && x.target === v.next.id);
    expect(e).toMatchObject({ summary: `published v${v.next.number}: api to two`, targetLabel: `v${v.next.number} (default)`, environment: "default", moreChanges: 0 });
    expect(e.version).toEqual({ id: v.next.id, number: v.next.number, environment: "default" });
    expect(e.changes).toHaveLength(1);
    expect(e.changes[0]).toMatchObject({ kind: "route", change: "changed" });
    expect(e.changes[0].text).toMatch(/^route \/api \(api\) on listener main\/default changed: .*cluster one → two.*timeout/);
  });

  it("a rollback: the version rolled back to and the one it made, with what went back", async () => {
    const e = one(await audit(), (x) => x.action === "version.rollback");
    expect(e).toMatchObject({ summary: `rolled back to v${v.base.number} (as v${v.rolled.number})`, environment: "default", version: { id: v.rolled.id, number: v.rolled.number } });
    expect(e.changes.map((c) => [c.kind, c.change])).toEqual([["route", "changed"]]);
    expect(e.changes[0].text).toBe("route /api (api) on listener main/default changed: cluster two → one; timeout 5s → 15s (default)");
  });

  it("a new environment, its first publish, and a promotion from it", async () => {
    const entries = await audit();
    expect(one(entries, (x) => x.action === "environment.create")).toMatchObject({ summary: "created environment staging", environment: "staging", targetLabel: "environment staging" });
    const first = one(entries, (x) => x.action === "version.publish" && x.target === v.staging.id);
    expect(first).toMatchObject({ summary: `published v${v.staging.number}: staging first`, environment: "staging", targetLabel: `v${v.staging.number} (staging)` });
    // the first version of an environment: everything in it is new
    expect(first.changes.map((c) => `${c.kind} ${c.change}`).sort()).toEqual(["cluster added", "cluster added", "listener added"]);
    const promote = one(entries, (x) => x.action === "environment.promote");
    expect(promote).toMatchObject({ summary: `promoted staging v${v.staging.number} to default (as v${v.promoted.number})`, environment: "default", version: { id: v.promoted.id, environment: "default" } });
    expect(promote.changes).toHaveLength(1);
    expect(promote.changes[0].text).toBe("route /api (api) on listener main/default changed: cluster one → two; timeout 15s (default) → 9s");
    const published = one(entries, (x) => x.action === "version.publish" && x.target === v.promoted.id);
    expect(published.summary).toBe(`published v${v.promoted.number} (promotion of staging v${v.staging.number}): Promote staging v${v.staging.number}: staging first`);
  });

  it("describes an entry written in an older shape (no environment, no changes) from what it has", async () => {
    const db = new Database(path.join(dataDir, "signalbox.db"));
    try {
      db.prepare(`INSERT INTO AuditEvent (id, at, actor, action, target, details) SELECT 'zzlegacy', at, 'alice', 'draft.route.update', ?, ? FROM AuditEvent ORDER BY at DESC LIMIT 1`).run(
        `route:${routeId}`,
        JSON.stringify({ route: { name: "api", match: { prefix: "/api" }, route: { cluster: "one" } } }),
      );
    } finally {
      db.close();
    }
    const [legacy] = await audit("&actor=alice");
    expect(legacy).toMatchObject({ id: "zzlegacy", actor: "alice", summary: "changed route /api on main/default", environment: "default", moreChanges: null });
    expect(legacy.changes).toEqual([{ kind: "route", name: "api", change: "changed", text: "route api changed" }]);
  });
});

describe("filters, with paging", () => {
  it("?actor= keeps that actor's entries only", async () => {
    const admin = await audit("&actor=admin");
    expect(admin.length).toBeGreaterThanOrEqual(8);
    expect(new Set(admin.map((e) => e.actor))).toEqual(new Set(["admin"]));
    expect(await audit("&actor=nobody")).toEqual([]);
  });

  it("?action= keeps that action and the actions under it", async () => {
    expect((await audit("&action=version.rollback")).map((e) => e.target)).toEqual([v.rolled.id]);
    const drafts = await audit("&action=draft");
    expect(drafts.length).toBeGreaterThanOrEqual(3);
    expect(drafts.every((e) => e.action.startsWith("draft."))).toBe(true);
    expect((await audit("&action=environment")).map((e) => e.action).sort()).toEqual(["environment.create", "environment.promote"]);
    // a prefix that is not a whole part matches nothing
    expect(await audit("&action=env")).toEqual([]);
  });

  it("?q= keeps the entries whose words hold every word, case aside", async () => {
    expect((await audit("&q=Promoted%20STAGING")).map((e) => e.action)).toEqual(["environment.promote"]);
    const api = await audit(`&q=${encodeURIComponent("route /api")}&action=draft`);
    expect(api.map((e) => e.action).sort()).toEqual(["draft.route.update", "draft.route.update"]);
    expect(await audit("&q=nothing-says-this")).toEqual([]);
  });

  it("filters combine with limit and before", async () => {
    const all = await audit();
    const publishes = all.filter((e) => e.action === "version.publish");
    expect(publishes.length).toBeGreaterThanOrEqual(4);
    const first = await ok(AuditList, "GET", "/api/audit?action=version.publish&limit=2");
    expect(first.map((e) => e.id)).toEqual(publishes.slice(0, 2).map((e) => e.id));
    const cut = publishes[1].at;
    const older = await ok(AuditList, "GET", `/api/audit?action=version.publish&before=${encodeURIComponent(cut)}`);
    expect(older.map((e) => e.id)).toEqual(publishes.filter((e) => e.at < cut).map((e) => e.id));
    const words = await ok(AuditList, "GET", "/api/audit?q=published&limit=1");
    expect(words.map((e) => e.id)).toEqual([publishes[0].id]);
  });

  it("answers 400 naming the field for a malformed filter", async () => {
    const bad = await call("GET", "/api/audit?action=Not%20an%20action");
    expect(bad.status).toBe(400);
    expect(errorBody(bad).error.message).toMatch(/action/);
    const big = await call("GET", `/api/audit?q=${"x".repeat(201)}`);
    expect(big.status).toBe(400);
    expect(errorBody(big).error.message).toMatch(/\bq\b/);
  });
});
