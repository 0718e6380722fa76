// Draft storage against a real, freshly migrated SQLite file: a write touches only the rows that changed.
// Every insert, update and delete on the draft tables is logged by SQLite triggers on a second connection, so
// the counts are what the database saw, not what the code says it did.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../migrate";
import { closeDb } from "../db";
import { setControlPlane } from "../control-plane/registry";
import { loadDraftRows, writeDraftRows } from "../repos/draft-repo";
import { transaction } from "../repos/transaction";
import { getDraftState } from "../repos/draft-state-repo";
import { getDraftDocument, readDraft } from "./draft-read";
import { replaceDraft } from "./draft-write";
import { createDraftRoute, deleteDraftRoute, listDraftRoutes, moveDraftRoute, updateDraftRoute } from "./draft-routes";
import { deleteDraftCluster, putDraftCluster } from "./draft-clusters";
import { compose } from "./draft-mapper";
import { bootstrap, cluster, listener, prefixRoute } from "./test-fixtures";

const TABLES = ["DraftListener", "DraftVirtualHost", "DraftRoute", "DraftCluster", "DraftEndpoint", "DraftCircuitBreaker"];

let dir: string;
let sqlite: Database.Database;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-draft-storage-"));
  process.env.SIGNALBOX_DATA_DIR = dir;
  process.env.DATABASE_URL = "file:" + path.join(dir, "test.db");
  await migrate("deploy", undefined, { log: () => {} });
  setControlPlane({ pushLive: () => {}, connectedNodes: () => [] });
  sqlite = new Database(path.join(dir, "test.db"));
  sqlite.exec(`CREATE TABLE "WriteLog" (tbl TEXT, op TEXT, id TEXT)`);
  for (const t of TABLES) {
    sqlite.exec(`CREATE TRIGGER "log_${t}_i" AFTER INSERT ON "${t}" BEGIN INSERT INTO "WriteLog" VALUES ('${t}', 'insert', NEW.id); END`);
    sqlite.exec(`CREATE TRIGGER "log_${t}_u" AFTER UPDATE ON "${t}" BEGIN INSERT INTO "WriteLog" VALUES ('${t}', 'update', NEW.id); END`);
    sqlite.exec(`CREATE TRIGGER "log_${t}_d" AFTER DELETE ON "${t}" BEGIN INSERT INTO "WriteLog" VALUES ('${t}', 'delete', OLD.id); END`);
  }
});

afterAll(async () => {
  sqlite?.close();
  setControlPlane(null);
  await closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The writes logged since the last call, as "DraftRoute update" strings, sorted. */
function writes(): string[] {
  const rows = sqlite.prepare(`SELECT tbl, op FROM "WriteLog"`).all() as { tbl: string; op: string }[];
  sqlite.exec(`DELETE FROM "WriteLog"`);
  return rows.map((r) => `${r.tbl} ${r.op}`).sort();
}

const routes = [prefixRoute("/a", "one"), prefixRoute("/b", "one"), prefixRoute("/c", "two"), prefixRoute("/d", "two")];
const clusters = (onePorts = [18110, 18111, 18112]) => [
  cluster("one", onePorts, { circuit_breakers: { thresholds: [{ max_connections: 10 }] } }),
  cluster("two", [18120, 18121]),
];
const doc = (onePorts?: number[]) => bootstrap([listener("main", 18101, routes)], clusters(onePorts));

describe("draft storage", () => {
  beforeEach(async () => {
    await replaceDraft(doc(), "setup");
    writes();
  });

  it("a whole-draft PUT of the same document writes no row and keeps the revision", async () => {
    const before = await readDraft();
    await replaceDraft(doc(), "alice");
    expect(writes()).toEqual([]);
    const after = await readDraft();
    expect(after.revision).toBe(before.revision);
    // the ids the console shows survive a whole-draft PUT
    expect(after.rows.routes.map((r) => r.id).sort()).toEqual(before.rows.routes.map((r) => r.id).sort());
  });

  it("editing one route writes that route's row only", async () => {
    const [, b] = await listDraftRoutes();
    const { revision: from } = await getDraftState("default");
    const w = await updateDraftRoute(b.id, { match: { prefix: "/b2" }, route: { cluster: "two" } }, "alice");
    expect(writes()).toEqual(["DraftRoute update"]);
    expect(w.revision).toBe(from + 1);
    expect((await listDraftRoutes()).map((r) => r.route.match.prefix)).toEqual(["/a", "/b2", "/c", "/d"]);
  });

  it("moving a route writes the two rows that swap places; adding one inserts one row", async () => {
    const [, , c] = await listDraftRoutes();
    await moveDraftRoute(c.id, "up", "alice");
    expect(writes()).toEqual(["DraftRoute update", "DraftRoute update"]);
    await createDraftRoute({ route: { match: { prefix: "/e" }, direct_response: { status: 204 } } }, "alice");
    expect(writes()).toEqual(["DraftRoute insert"]);
  });

  it("deleting a route deletes its row and renumbers only the routes after it", async () => {
    const [, b] = await listDraftRoutes();
    await deleteDraftRoute(b.id, "alice");
    expect(writes()).toEqual(["DraftRoute delete", "DraftRoute update", "DraftRoute update"]);
  });

  it("a PUT that changes one endpoint's port updates that endpoint's row only", async () => {
    await replaceDraft(doc([18110, 18119, 18112]), "alice");
    expect(writes()).toEqual(["DraftEndpoint update"]);
    expect(JSON.stringify((await getDraftDocument()).static_resources.clusters[0])).toContain("18119");
  });

  it("saving a cluster with one new setting updates the cluster row; its endpoints and thresholds keep their rows", async () => {
    await putDraftCluster("two", cluster("two", [18120, 18121], { connect_timeout: "3s" }), "alice");
    expect(writes()).toEqual(["DraftCluster update"]);
    await putDraftCluster("two", cluster("two", [18120, 18121, 18122], { connect_timeout: "3s" }), "alice");
    expect(writes()).toEqual(["DraftEndpoint insert"]);
  });

  it("deleting a cluster deletes its rows and nothing else", async () => {
    await replaceDraft(bootstrap([listener("main", 18101, [prefixRoute("/a", "one")])], clusters()), "setup");
    writes();
    await deleteDraftCluster("two", "alice");
    expect(writes()).toEqual(["DraftCluster delete", "DraftEndpoint delete", "DraftEndpoint delete"]);
  });

  it("two clusters swapping names in one write do not trip the unique index", async () => {
    const before = await loadDraftRows("default");
    const after = structuredClone(before);
    const [one, two] = after.clusters;
    [one.name, two.name] = [two.name, one.name];
    one.json.name = one.name;
    two.json.name = two.name;
    await transaction((tx) => writeDraftRows(tx, "default", before, after));
    expect((await loadDraftRows("default")).clusters.map((c) => [c.id, c.name])).toEqual([[one.id, "two"], [two.id, "one"]]);
  });

  it("a route kept while its virtual host is replaced is written again, not lost to the cascade", async () => {
    const before = await loadDraftRows("default");
    const after = structuredClone(before);
    const vh = after.virtualHosts[0];
    const newVh = { ...structuredClone(vh), id: "vh-new", name: "other" };
    newVh.json.name = "other";
    after.virtualHosts = [newVh];
    for (const r of after.routes) r.virtualHostId = newVh.id;
    await transaction((tx) => writeDraftRows(tx, "default", before, after));
    const rows = await loadDraftRows("default");
    expect(rows.routes.map((r) => r.id).sort()).toEqual(before.routes.map((r) => r.id).sort());
    expect(rows.routes.every((r) => r.virtualHostId === "vh-new")).toBe(true);
    expect(compose(rows)).toStrictEqual(compose(after));
  });
});
