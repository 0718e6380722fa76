// The diffs the endpoints answer, against a real, freshly migrated SQLite file: whole, without sides, one change
// with its sides; computed once per pair of hashes, and never stale after a draft edit or a new live version.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../../migrate";
import { closeDb } from "../../db";
import { ApiError } from "../../errors";
import { ConfigDiff, ConfigDiffSummary, DiffChange } from "../../contract/diff";
import { publish } from "../publish";
import { replaceDraft } from "../draft-write";
import { listDraftRoutes, updateDraftRoute } from "../draft-routes";
import { getVersion, type Version } from "../../repos/version-repo";
import { affectedTargets } from "../../guard/affected";
import { bootstrap, cluster, listener } from "../test-fixtures";
import { changesBetween, diffChange, diffSummary, draftPair, fullDiff, versionPair } from "./config-diff";
import { diffsComputed, forgetDiffs } from "./diff-cache";
import { draftStatus } from "../draft-status";

let dir: string;
let v1: Version;

const route = (name: string, clusterName: string, timeout: string) => ({ name, stat_prefix: name, match: { prefix: `/${name}` }, route: { cluster: clusterName, timeout } });
const doc = (timeout: string, extra: ReturnType<typeof route>[] = []) =>
  bootstrap([listener("main", 18101, [route("api", "a", timeout), route("web", "b", timeout), ...extra])], [cluster("a", [18110]), cluster("b", [18111])]);

async function expectApiError(p: Promise<unknown>, status: number): Promise<ApiError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(ApiError);
  expect((e as ApiError).status).toBe(status);
  return e as ApiError;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-config-diff-"));
  process.env.SIGNALBOX_DATA_DIR = dir;
  process.env.DATABASE_URL = "file:" + path.join(dir, "test.db");
  await migrate("deploy", undefined, { log: () => {} });
  await replaceDraft(doc("15s"), "alice");
  v1 = (await getVersion((await publish("first", "alice")).id))!;
  await replaceDraft(doc("5s"), "alice");
}, 30_000);

afterAll(async () => {
  await closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => forgetDiffs());

describe("the draft diff, whole, without sides, one change", () => {
  it("?sides=0 is the whole answer with each change's before/after left out", async () => {
    const full = ConfigDiff.parse(await fullDiff(await draftPair()));
    const lean = await diffSummary(await draftPair());
    expect(full.changes.map((c) => c.summary)).toEqual([
      "route /api (api) on listener main/default changed: timeout 15s → 5s",
      "route /web (web) on listener main/default changed: timeout 15s → 5s",
    ]);
    expect(full.changes[0]).toMatchObject({ before: route("api", "a", "15s"), after: route("api", "a", "5s") });
    expect(lean.changes.every((c) => !("before" in c) && !("after" in c))).toBe(true);
    expect(lean).toEqual({ ...full, changes: full.changes.map(({ before: _b, after: _a, ...c }) => c) });
    expect(ConfigDiffSummary.parse(lean)).toEqual(lean);
    // the default contract still requires the sides: a lean answer is not a ConfigDiff
    expect(ConfigDiff.safeParse(lean).success).toBe(false);
  });

  it("?change=<id> answers that change with the sides the whole answer has, and 404 names a change not in it", async () => {
    const full = await fullDiff(await draftPair());
    for (const c of full.changes) {
      const one = DiffChange.parse(await diffChange(await draftPair(), c.id));
      expect(one).toEqual({ from: full.from, to: full.to, change: c });
    }
    const e = await expectApiError(diffChange(await draftPair(), "route:nope"), 404);
    expect(e.message).toBe(`change route:nope is not in the diff from v${v1.number} (live) to draft`);
  });

  it("computes the diff once for the drawer opened twice, a change opened and the list without sides", async () => {
    const n = diffsComputed();
    const a = await fullDiff(await draftPair());
    await diffSummary(await draftPair());
    await diffChange(await draftPair(), a.changes[1].id);
    const b = await fullDiff(await draftPair());
    expect(diffsComputed() - n).toBe(1);
    expect(b.changes).toBe(a.changes);
  });

  it("a draft edit is a new diff, never the one kept for the draft before it", async () => {
    const before = await diffSummary(await draftPair());
    const n = diffsComputed();
    const api = (await listDraftRoutes()).find((r) => r.route.name === "api")!;
    await updateDraftRoute(api.id, route("api", "b", "5s"), "bob");
    const after = await diffSummary(await draftPair());
    expect(diffsComputed() - n).toBe(1);
    expect(after.to.hash).not.toBe(before.to.hash);
    expect(after.changes[0].summary).toBe("route /api (api) on listener main/default changed: cluster a → b; timeout 15s → 5s");
    expect((await diffChange(await draftPair(), after.changes[0].id)).change.after).toEqual(route("api", "b", "5s"));
    // a whole new document too (PUT /api/config)
    await replaceDraft(doc("5s", [route("new", "a", "1s")]), "bob");
    expect((await diffSummary(await draftPair())).changes.map((c) => c.change)).toEqual(["changed", "changed", "added"]);
  });

  it("a new live version is a new diff; the guard of that publish reads the diff the drawer computed", async () => {
    const reviewed = await fullDiff(await draftPair());
    const n = diffsComputed();
    const v2 = (await getVersion((await publish("second", "bob")).id))!;
    expect(v2.hash).toBe(reviewed.to.hash);
    // the guard: previous version → the new one, the drawer's live → draft
    expect(changesBetween(v1.snapshot, v2.snapshot)).toBe(reviewed.changes);
    expect(affectedTargets(v1.snapshot, v2.snapshot).map((t) => t.text).sort()).toEqual(["route /api on main/default", "route /new on main/default", "route /web on main/default"]);
    expect(diffsComputed() - n).toBe(0);
    // the draft is now the live version: nothing to review, although the draft's rows did not change
    expect(await diffSummary(await draftPair())).toMatchObject({ from: { id: v2.id, label: `v${v2.number} (live)` }, identical: true, changes: [], unified: "" });
    await replaceDraft(doc("7s", [route("new", "a", "1s")]), "carol");
    const next = await diffSummary(await draftPair());
    expect(next.from.id).toBe(v2.id);
    expect(next.changes.map((c) => c.summary)).toEqual([
      "route /api (api) on listener main/default changed: timeout 5s → 7s",
      "route /web (web) on listener main/default changed: timeout 5s → 7s",
    ]);
  });
});

describe("a version pair", () => {
  it("answers like the draft diff, and 404 names a version or a change that does not exist", async () => {
    const v2 = (await getVersion((await publish("third", "carol")).id))!;
    const full = await fullDiff(await versionPair(v1.id, v2.id));
    expect(full.from).toMatchObject({ kind: "version", id: v1.id, label: `v${v1.number}` });
    const lean = await diffSummary(await versionPair(v1.id, v2.id));
    expect(lean.changes).toEqual(full.changes.map(({ before: _b, after: _a, ...c }) => c));
    expect(lean.unified).toMatch(/^\+\s+timeout: 7s$/m);
    const added = full.changes.find((c) => c.change === "added")!;
    expect((await diffChange(await versionPair(v1.id, v2.id), added.id)).change).toEqual(added);
    // the other way round it is a removal, and the sides swap
    const back = (await diffChange(await versionPair(v2.id, v1.id), added.id)).change;
    expect(back).toMatchObject({ change: "removed", before: added.after, after: null });
    expect((await expectApiError(versionPair(v1.id, "nope"), 404)).message).toBe("version nope not found");
    expect((await expectApiError(diffChange(await versionPair(v1.id, v2.id), "x"), 404)).message).toBe(`change x is not in the diff from v${v1.number} to v${v2.number}`);
  });
});

describe("the header's status warms the Review drawer's diff", () => {
  it("a status with pending changes computes the draft diff in the background; opening Review then computes nothing", async () => {
    await replaceDraft(doc("9s"), "dave");
    const n = diffsComputed();
    const status = await draftStatus();
    expect(status.changes.length).toBeGreaterThan(0);
    await expect.poll(() => diffsComputed() - n, { timeout: 5000 }).toBe(1);
    const lean = await diffSummary(await draftPair());
    expect(lean.to.hash).toBe(status.draftHash);
    expect(lean.changes.map((c) => c.summary)).toContain("route /api (api) on listener main/default changed: timeout 7s → 9s");
    expect(diffsComputed() - n).toBe(1);
    // asked again at the same revision, the status neither changes nor computes anything new
    expect(await draftStatus()).toEqual(status);
    await new Promise((r) => setTimeout(r, 50));
    expect(diffsComputed() - n).toBe(1);
  });

  it("a status with nothing pending warms nothing", async () => {
    await publish("fourth", "dave");
    const n = diffsComputed();
    const status = await draftStatus();
    expect(status.changes).toEqual([]);
    await new Promise((r) => setTimeout(r, 50));
    expect(diffsComputed() - n).toBe(0);
  });
});
