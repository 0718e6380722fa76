// Draft revisions, conflicts, discard and the publish rules, against a real, freshly migrated SQLite file.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../migrate";
import { closeDb } from "../db";
import { setControlPlane } from "../control-plane/registry";
import { ApiError } from "../errors";
import { listAudit } from "../repos/audit-repo";
import { draftChangesSince, KEEP_REVISIONS, recordDraftChanges } from "../repos/draft-change-repo";
import { transaction } from "../repos/transaction";
import { getDraftState } from "../repos/draft-state-repo";
import { discardDraft, discardPreview } from "./discard";
import { getDraftDocument, getLiveVersion } from "./draft-read";
import { putDraftCluster } from "./draft-clusters";
import { createDraftRoute, listDraftRoutes, updateDraftRoute } from "./draft-routes";
import { staleRevision } from "./draft-revision";
import { draftStatus } from "./draft-status";
import { replaceDraft } from "./draft-write";
import { ensureStarterVersion, publish } from "./publish";
import { rollback } from "./rollback";
import { bootstrap, cluster, listener, prefixRoute } from "./test-fixtures";

let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-draft-revision-"));
  process.env.SIGNALBOX_DATA_DIR = dir;
  process.env.DATABASE_URL = "file:" + path.join(dir, "test.db");
  process.env.SIGNALBOX_STARTER_LISTENER = "127.0.0.1:18997";
  await migrate("deploy", undefined, { log: () => {} });
  setControlPlane({ pushLive: () => {}, connectedNodes: () => [] });
  await ensureStarterVersion();
});

afterAll(async () => {
  setControlPlane(null);
  await closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
});

const refusal = (p: Promise<unknown>) => p.then(() => null, (e) => e as ApiError);
const docA = bootstrap([listener("main", 18201, [prefixRoute("/a", "up")])], [cluster("up", [18210])]);

describe("draft revisions", () => {
  let base: number;

  it("every write that changes the draft moves the revision by one; one that changes nothing keeps it", async () => {
    base = (await getDraftState("default")).revision;
    expect(base).toBeGreaterThan(0); // the starter
    const w = await replaceDraft(docA, "alice", { ifMatch: base });
    expect(w.revision).toBe(base + 1);
    expect((await replaceDraft(docA, "alice", { ifMatch: base + 1 })).revision).toBe(base + 1);
    expect((await draftStatus()).revision).toBe(base + 1);
    const audit = await listAudit({ limit: 2 });
    expect(audit.map((a) => a.details)).toMatchObject([{ revision: base + 1, ifMatch: true, changes: [] }, { revision: base + 1, ifMatch: true }]);
    base += 1;
  });

  it("refuses a write made on an older revision with 409, the changes since and who made them; nothing changes", async () => {
    const [route] = await listDraftRoutes();
    const seen = base;
    await updateDraftRoute(route.id, { match: { prefix: "/alice" }, route: { cluster: "up" } }, "alice", { ifMatch: seen });
    await putDraftCluster("second", cluster("second", [18211]), "carol", { ifMatch: seen + 1 });
    const before = await getDraftDocument();
    const e = await refusal(updateDraftRoute(route.id, { match: { prefix: "/bob" }, route: { cluster: "up" } }, "bob", { ifMatch: seen }));
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 409, code: "conflict" });
    expect(e!.message).toMatch(/changed since revision \d+ \(now \d+\): alice changed route a; carol added cluster second/);
    expect(e!.extra).toMatchObject({
      current: seen + 2,
      complete: true,
      changes: [
        { revision: seen + 1, actor: "alice", kind: "route", name: "a", change: "changed" },
        { revision: seen + 2, actor: "carol", kind: "cluster", name: "second", change: "added" },
      ],
    });
    expect(await getDraftDocument()).toStrictEqual(before);
    expect((await getDraftState("default")).revision).toBe(seen + 2);
    // a stale whole-draft PUT is refused the same way, and so is a revision from the future
    expect(await refusal(replaceDraft(docA, "bob", { ifMatch: seen }))).toMatchObject({ status: 409, code: "conflict" });
    expect(await refusal(replaceDraft(docA, "bob", { ifMatch: seen + 99 }))).toMatchObject({ status: 409, extra: { current: seen + 2, changes: [] } });
    base = seen + 2;
  });

  it("a write without If-Match is not checked, and its audit entry says so", async () => {
    const w = await createDraftRoute({ route: { match: { prefix: "/script" }, direct_response: { status: 204 } } }, "script");
    expect(w.revision).toBe(base + 1);
    const [entry] = await listAudit({ limit: 1 });
    expect(entry).toMatchObject({ actor: "script", action: "draft.route.create", details: { ifMatch: false, revision: base + 1 } });
    expect(entry.details).toMatchObject({ changes: [{ kind: "route", name: "script", change: "added" }] });
    base += 1;
  });

  it("publishing needs a message and a draft that differs from the live version", async () => {
    expect(await refusal(publish("   ", "alice"))).toMatchObject({ status: 400, extra: { errors: [{ path: "message" }] } });
    const v = await publish("  three changes  ", "alice", { ifMatch: base });
    expect(v.message).toBe("three changes");
    const e = await refusal(publish("again", "alice"));
    expect(e).toMatchObject({ status: 409, code: "no_changes" });
    expect(e!.message).toMatch(new RegExp(`identical to live version v${v.number}`));
    // publishing does not change the draft: same revision
    expect((await getDraftState("default")).revision).toBe(base);
  });

  it("rolling back over unpublished changes is refused until the caller says to discard them", async () => {
    const live = (await getLiveVersion())!;
    await putDraftCluster("pending", cluster("pending", [18212]), "alice");
    const e = await refusal(rollback(live.id, "alice"));
    expect(e).toMatchObject({ status: 409, code: "draft_dirty", extra: { changes: [{ kind: "cluster", name: "pending", change: "added" }] } });
    expect((await getLiveVersion())!.id).toBe(live.id);
    const { revision } = await getDraftState("default");
    const w = await rollback(live.id, "alice", { discardDraft: true, ifMatch: revision });
    expect(w.revision).toBe(revision + 1);
    expect((await draftStatus()).changes).toEqual([]);
    const [entry] = await listAudit({ limit: 1 });
    expect(entry).toMatchObject({ action: "version.rollback", details: { discardedDraft: [{ kind: "cluster", name: "pending" }], ifMatch: true } });
    base = w.revision;
  });

  it("discard resets the draft to the live version after a preview, and is audited", async () => {
    await putDraftCluster("half-done", cluster("half-done", [18213]), "alice");
    const preview = await discardPreview();
    expect(preview.changes).toEqual([{ kind: "cluster", name: "half-done", change: "added" }]);
    // a change after the preview: discarding what was previewed is refused
    await putDraftCluster("later", cluster("later", [18214]), "bob");
    expect(await refusal(discardDraft("alice", { ifMatch: preview.revision }))).toMatchObject({ status: 409, code: "conflict" });
    const { value } = await discardDraft("alice", { ifMatch: preview.revision + 1 });
    expect(value.changes.map((c) => c.name)).toEqual(["half-done", "later"]);
    const status = await draftStatus();
    expect(status.draftHash).toBe((await getLiveVersion())!.hash);
    expect(status.changes).toEqual([]);
    const [entry] = await listAudit({ limit: 1 });
    expect(entry).toMatchObject({ actor: "alice", action: "draft.discard", details: { ifMatch: true } });
  });

  it(`keeps what the last ${KEEP_REVISIONS} revisions changed, and says when older changes are gone`, async () => {
    const start = (await getDraftState("default")).revision;
    const last = start + KEEP_REVISIONS + 2;
    await transaction(async (tx) => {
      for (let r = start + 1; r <= last; r++) await recordDraftChanges(tx, "default", r, "bot", new Date(), [{ kind: "cluster", name: "churn", change: "changed" }]);
    });
    const kept = await draftChangesSince("default", 0, last);
    expect(kept.changes[0].revision).toBe(last - KEEP_REVISIONS + 1);
    expect(kept.changes).toHaveLength(KEEP_REVISIONS);
    expect(kept.complete).toBe(false);
    expect((await staleRevision(start, last)).extra).toMatchObject({ current: last, complete: false });
    expect((await staleRevision(last - 1, last)).extra).toMatchObject({ complete: true, changes: [{ revision: last, actor: "bot", kind: "cluster", name: "churn" }] });
  });
});
