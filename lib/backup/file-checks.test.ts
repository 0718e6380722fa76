// The checks a backup file passes before a restore writes anything, on backups of a real, freshly migrated
// SQLite file filled through the console's own services; then a restore into a second real file.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../migrate";
import { closeDb } from "../db";
import { ApiError } from "../errors";
import { setControlPlane } from "../control-plane/registry";
import type { BackupFile } from "../contract/backup";
import { publish } from "../config/publish";
import { replaceDraft } from "../config/draft-write";
import { getDraftDocument } from "../config/draft-read";
import { bootstrap, cluster, listener, prefixRoute } from "../config/test-fixtures";
import { updateSettings } from "../settings/settings-service";
import { listAudit } from "../repos/audit-repo";
import { getDraftState } from "../repos/draft-state-repo";
import { listVersions } from "../repos/version-repo";
import { createBackup } from "./create-backup";
import { bodyHash, checkRows, decodeRow, encodeRow, parseBackup } from "./file-checks";
import { restoreBackup } from "./restore";
import { EXCLUDED, TABLES, classifyTables, tableShapes, type TableShape } from "./tables";

let dir: string;
let file: BackupFile;
let text: string;
let shapes: TableShape[];
const pushed: number[] = [];

async function useDb(name: string) {
  await closeDb();
  process.env.DATABASE_URL = "file:" + path.join(dir, name);
  await migrate("deploy", undefined, { log: () => {} });
}

const doc = (port: number, clusters: string[]) =>
  bootstrap([listener("main", port, clusters.map((c) => prefixRoute(`/${c}`, c)))], clusters.map((c, i) => cluster(c, [9000 + i])));

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-backup-unit-"));
  process.env.SIGNALBOX_DATA_DIR = dir;
  setControlPlane({ pushLive: (v) => void pushed.push(v.number), connectedNodes: () => [] });
  await useDb("source.db");
  await replaceDraft(doc(18080, ["a"]), "alice");
  await publish("first", "alice");
  await replaceDraft(doc(18080, ["a", "b"]), "bob");
  await publish("second", "bob");
  await replaceDraft(doc(18080, ["a", "b", "c"]), "carol");
  await updateSettings({ retentionHours: 48 }, "alice");
  file = await createBackup();
  text = JSON.stringify(file);
  shapes = (await tableShapes()).tables;
}, 30_000);

afterAll(async () => {
  await closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A copy of the file, changed by `edit`, with its header made to match again (sha256 and counts). */
function resealed(edit: (f: BackupFile) => void): BackupFile {
  const f = structuredClone(file);
  edit(f);
  f.header.counts = Object.fromEntries(Object.entries(f.tables).map(([k, rows]) => [k, rows.length]));
  f.header.sha256 = bodyHash(f.tables);
  return f;
}

function refusal(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

describe("the backup file", () => {
  it("holds every user-data table with counts and the sha256 of its tables, and names what it leaves out", () => {
    expect(file.header).toMatchObject({ format: "signalbox-backup", formatVersion: 2, consoleVersion: expect.any(String) });
    expect(file.header.excluded).toEqual(expect.arrayContaining(EXCLUDED));
    expect(Object.keys(file.tables)).toEqual(expect.arrayContaining(TABLES.map((t) => t.name)));
    expect(file.header.counts.ConfigVersion).toBe(2);
    expect(file.tables.ConsoleSettings).toEqual([expect.objectContaining({ retentionHours: 48 })]);
    expect(file.tables.DraftCluster).toHaveLength(3);
    expect(file.header.sha256).toBe(bodyHash(file.tables));
    expect(parseBackup(text)).toEqual(file);
    expect(checkRows(file.tables, shapes)).toEqual([]);
  });

  it("refuses a file that is not JSON, such as a download cut short", () => {
    expect(refusal(() => parseBackup(text.slice(0, Math.floor(text.length / 2))))).toMatchObject({ status: 400, code: "invalid_json" });
    expect(refusal(() => parseBackup(""))).toMatchObject({ status: 400 });
  });

  it("refuses another format and a newer format version", () => {
    expect(refusal(() => parseBackup(JSON.stringify({ ...file, header: { ...file.header, format: "other" } })))).toMatchObject({ status: 400, code: "not_a_backup" });
    expect(refusal(() => parseBackup(JSON.stringify({ static_resources: {} })))).toMatchObject({ status: 400, code: "not_a_backup" });
    const newer = refusal(() => parseBackup(JSON.stringify({ ...file, header: { ...file.header, formatVersion: 3 } })));
    expect(newer).toMatchObject({ status: 422, code: "unsupported_backup_version" });
    expect(newer.message).toMatch(/format version 3.*reads up to 2/);
  });

  it("refuses a header of the wrong shape with the field path", () => {
    const e = refusal(() => parseBackup(JSON.stringify({ ...file, header: { ...file.header, sha256: "nope" } })));
    expect(e).toMatchObject({ status: 400, code: "invalid_backup" });
    expect(e.message).toContain("header.sha256");
  });

  it("refuses a file whose tables were changed after it was written (sha256), or whose counts disagree", () => {
    const tampered = structuredClone(file);
    tampered.tables.ConfigVersion[0].message = "rewritten history";
    const e = refusal(() => parseBackup(JSON.stringify(tampered)));
    expect(e).toMatchObject({ status: 422, code: "corrupt_backup" });
    expect(e.message).toContain("sha256");

    const short = resealed((f) => f.tables.AuditEvent.pop());
    short.header.counts.AuditEvent += 1;
    expect(refusal(() => parseBackup(JSON.stringify(short)))).toMatchObject({ status: 422, code: "corrupt_backup", message: expect.stringContaining("header.counts.AuditEvent") });
  });

  it("finds a version snapshot the proxy's schema refuses, with the path inside the snapshot", () => {
    const f = resealed((f) => {
      const snap = JSON.parse(f.tables.ConfigVersion[0].snapshot as string);
      snap.clusters[0].lb_policy = "FASTEST";
      f.tables.ConfigVersion[0].snapshot = JSON.stringify(snap);
    });
    const errors = checkRows(parseBackup(JSON.stringify(f)).tables, shapes);
    expect(errors).toEqual([expect.objectContaining({ path: "tables.ConfigVersion[0].snapshot.clusters[0].lb_policy" })]);
  });

  it("finds a version whose hash is not its snapshot's", () => {
    const f = resealed((f) => void (f.tables.ConfigVersion[1].hash = "0".repeat(64)));
    expect(checkRows(f.tables, shapes)).toEqual([expect.objectContaining({ path: "tables.ConfigVersion[1].hash", message: expect.stringContaining("does not match") })]);
  });

  it("finds values of the wrong type, unknown columns and tables, duplicates and dangling references", () => {
    const f = resealed((f) => {
      f.tables.ConfigVersion[0].number = "1";
      f.tables.AuditEvent[0].at = "yesterday";
      f.tables.DraftRoute[0].virtualHostId = "gone";
      f.tables.DraftCluster[0].colour = "red";
      f.tables.DraftCluster[1].id = f.tables.DraftCluster[2].id;
      delete f.tables.DraftState[0].revision;
      f.tables.LiveState[0].versionId = "no-such-version";
      f.tables.Spaceship = [{ id: "x" }];
    });
    const paths = checkRows(f.tables, shapes).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining([
      "tables.Spaceship",
      "tables.ConfigVersion[0].number",
      "tables.AuditEvent[0].at",
      "tables.DraftRoute[0].virtualHostId",
      "tables.DraftCluster[0].colour",
      "tables.DraftCluster[2].id",
      "tables.DraftState[0].revision",
      "tables.LiveState[0].versionId",
    ]));
  });

  it("carries DateTime as ISO 8601 and BigInt as a decimal string, and back", () => {
    const cols = [
      { name: "at", kind: "datetime" as const, nullable: false, primaryKey: false },
      { name: "t", kind: "bigint" as const, nullable: false, primaryKey: false },
      { name: "note", kind: "string" as const, nullable: true, primaryKey: false },
    ];
    const row = { at: new Date("2026-02-01T10:00:00.123Z"), t: 9007199254740993n };
    const encoded = encodeRow(row);
    expect(encoded).toEqual({ at: "2026-02-01T10:00:00.123Z", t: "9007199254740993" });
    expect(decodeRow(encoded, cols)).toEqual({ ...row, note: null });
  });
});

describe("which tables a backup holds", () => {
  it("decides for every model of the schema: backed up, auto-included or excluded on purpose", () => {
    const schema = fs.readFileSync(path.resolve(import.meta.dirname, "../../prisma/schema.prisma"), "utf8");
    const models = [...schema.matchAll(/^model\s+(\w+)/gm)].map((m) => m[1]);
    const undecided = models.filter((m) => !TABLES.some((t) => t.name === m) && !EXCLUDED.includes(m) && !m.startsWith("RouteTest"));
    expect(undecided, "add each new model to TABLES or EXCLUDED in lib/backup/tables.ts").toEqual([]);
  });

  it("includes any RouteTest* table after the listed ones, and lists every other table as excluded", () => {
    const { backedUp, excluded } = classifyTables(["ConfigVersion", "Node", "RouteTestSuite", "RouteTestCase", "Scratch", "LiveState"]);
    expect(backedUp.map((t) => t.name)).toEqual(["ConfigVersion", "LiveState", "RouteTestCase", "RouteTestSuite"]);
    expect(excluded).toEqual(["Node", "Scratch"]);
  });
});

describe("restoring", () => {
  it("puts a file into a fresh store (replacing the starter), then refuses a second time with 409 and changes nothing", async () => {
    const { starterDocument } = await import("../config/starter");
    await useDb("target.db");
    await replaceDraft(starterDocument(), "system");
    await publish("Starter configuration", "system");
    pushed.length = 0;

    const dry = await restoreBackup(text, "admin", { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, restored: false, restorable: true, replacesStarter: true, versions: 2, liveVersion: { number: 2 } });
    expect((await listVersions("default")).map((v) => v.author)).toEqual(["system"]);

    const done = await restoreBackup(text, "admin", { dryRun: false });
    expect(done).toMatchObject({ restored: true, replacesStarter: true, draftRevision: file.tables.DraftState[0].revision });
    expect(pushed).toEqual([2]);
    expect((await listVersions("default")).map((v) => [v.number, v.author, v.message])).toEqual([[2, "bob", "second"], [1, "alice", "first"]]);
    expect((await getDraftState("default")).revision).toBe(file.tables.DraftState[0].revision);
    expect((await getDraftDocument()).static_resources.clusters.map((c) => c.name)).toEqual(["a", "b", "c"]);
    expect((await listAudit({ limit: 1 }))[0]).toMatchObject({ action: "backup.restore", actor: "admin" });

    const after = await createBackup();
    const again = await restoreBackup(text, "admin", { dryRun: true });
    expect(again).toMatchObject({ restorable: false, reason: expect.stringContaining("already has 2 versions") });
    await expect(restoreBackup(text, "admin", { dryRun: false })).rejects.toMatchObject({ status: 409 });
    expect((await createBackup()).tables).toEqual(after.tables);
  });
});
