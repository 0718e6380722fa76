// publishChange (automated edit + publish, used by the demo) against a real, freshly migrated SQLite file.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { migrate } from "../migrate";
import { closeDb } from "../db";
import { setControlPlane } from "../control-plane/registry";
import { ensureStarterVersion, getDraftDocument, getLiveVersion, publishChange, replaceDraft, rollback } from "./config-service";
import { listAudit } from "../repos/audit-repo";
import { ApiError, InvalidConfigError } from "../errors";
import { cluster } from "./test-fixtures";

let dir: string;
const pushed: number[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-publish-change-"));
  process.env.SIGNALBOX_DATA_DIR = dir;
  process.env.DATABASE_URL = "file:" + path.join(dir, "test.db");
  process.env.SIGNALBOX_STARTER_LISTENER = "127.0.0.1:18998";
  await migrate("deploy", undefined, { log: () => {} });
  setControlPlane({ pushLive: (v) => pushed.push(v.number), connectedNodes: () => [] });
  await ensureStarterVersion();
  pushed.length = 0;
});

afterAll(async () => {
  setControlPlane(null);
  await closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
});

const addCluster = (name: string) => (doc: { static_resources: { listeners: Record<string, unknown>[]; clusters: Record<string, unknown>[] } }) => {
  doc.static_resources.clusters.push(cluster(name, [40000]));
  return doc;
};

it("edits a clean draft and publishes it in one step, as the given actor, and pushes it", async () => {
  const v = await publishChange(addCluster("added"), "automated: add a cluster", "demo");
  expect(v).toMatchObject({ number: 2, author: "demo", message: "automated: add a cluster" });
  expect(pushed).toEqual([2]);
  expect((await getLiveVersion())!.id).toBe(v.id);
  expect((await getDraftDocument()).static_resources.clusters.map((c) => c.name)).toEqual(["added"]);
  const audit = await listAudit({ limit: 2 });
  expect(audit.map((a) => [a.actor, a.action])).toEqual([["demo", "version.publish"], ["demo", "draft.replace"]]);
});

it("refuses with 409 while the draft has unpublished changes, and changes nothing", async () => {
  const live = await getLiveVersion();
  const doc = await getDraftDocument();
  doc.static_resources.clusters.push(cluster("half-done", [40001]));
  await replaceDraft(doc, "admin");
  const e = await publishChange(addCluster("other"), "automated", "demo").catch((x) => x);
  expect(e).toBeInstanceOf(ApiError);
  expect(e).toMatchObject({ status: 409, message: expect.stringContaining("1 unpublished change") });
  expect((await getLiveVersion())!.id).toBe(live!.id);
  expect((await getDraftDocument()).static_resources.clusters.map((c) => c.name)).toEqual(["added", "half-done"]);
  // discarding the draft (roll back to the live version, saying so) lets it through again
  await rollback(live!.id, "admin", { discardDraft: true });
  expect((await publishChange(addCluster("other"), "automated", "demo")).author).toBe("demo");
});

it("validates the result: 422 with the problems, nothing published", async () => {
  const live = await getLiveVersion();
  const e = await publishChange((doc) => {
    doc.static_resources.clusters.push({ name: "broken", connect_timeout: "soon" });
    return doc;
  }, "automated", "demo").catch((x) => x);
  expect(e).toBeInstanceOf(InvalidConfigError);
  expect((await getLiveVersion())!.id).toBe(live!.id);
});
