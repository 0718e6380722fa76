// The draft_revisions migration on a database that already holds a draft: every row survives with its id
// and JSON (the dropped columns were copies of what the JSON holds), and the console reads the same draft.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { migrate } from "../migrate";
import { closeDb } from "../db";
import { loadDraftRows } from "../repos/draft-repo";
import { getDraftState } from "../repos/draft-state-repo";
import { compose } from "./draft-mapper";
import { bootstrap, cluster, listener, prefixRoute } from "./test-fixtures";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const MIGRATION = "20261130094000_draft_revisions";

let dir: string;
let dbFile: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-draft-migration-"));
  dbFile = path.join(dir, "test.db");
  process.env.SIGNALBOX_DATA_DIR = dir;
  process.env.DATABASE_URL = "file:" + dbFile;
  // a checkout as it was before this migration: the schema file and the migrations up to it
  fs.mkdirSync(path.join(dir, "root", "prisma", "migrations"), { recursive: true });
  fs.copyFileSync(path.join(ROOT, "prisma", "schema.prisma"), path.join(dir, "root", "prisma", "schema.prisma"));
  fs.copyFileSync(path.join(ROOT, "prisma", "migrations", "migration_lock.toml"), path.join(dir, "root", "prisma", "migrations", "migration_lock.toml"));
  for (const m of fs.readdirSync(path.join(ROOT, "prisma", "migrations")).filter((d) => /^\d+_/.test(d) && d < MIGRATION))
    fs.cpSync(path.join(ROOT, "prisma", "migrations", m), path.join(dir, "root", "prisma", "migrations", m), { recursive: true });
});

afterAll(async () => {
  await closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
});

const doc = bootstrap(
  [listener("main", 18301, [{ name: "a", ...prefixRoute("/a", "up"), stat_prefix: "a" }])],
  [cluster("up", [18310, 18311], { circuit_breakers: { thresholds: [{ max_connections: 5 }] } })],
);

it("keeps every draft row, with its id, through the migration", async () => {
  const root = path.join(dir, "root");
  await migrate("deploy", undefined, { root, databaseUrl: "file:" + dbFile, log: () => {} });
  // the draft as the previous schema stored it (what decompose wrote, with the columns since dropped)
  const sq = new Database(dbFile);
  const l = doc.static_resources.listeners[0] as ReturnType<typeof listener>;
  const hcm = l.filter_chains[0].filters[0].typed_config;
  const vh = hcm.route_config.virtual_hosts[0];
  const lJson = { ...l, filter_chains: [{ filters: [{ ...l.filter_chains[0].filters[0], typed_config: { ...hcm, route_config: { ...hcm.route_config, virtual_hosts: [] } } }] }] };
  const c = doc.static_resources.clusters[0] as ReturnType<typeof cluster>;
  const cJson = { ...c, load_assignment: { ...c.load_assignment, endpoints: [{ lb_endpoints: [] }] }, circuit_breakers: { thresholds: [] } };
  const now = Date.now();
  sq.prepare(`INSERT INTO "DraftListener" (id, name, position, address, port, owner, json, updatedAt) VALUES ('L1', 'main', 0, '127.0.0.1', 18301, NULL, ?, ?)`).run(JSON.stringify(lJson), now);
  sq.prepare(`INSERT INTO "DraftVirtualHost" (id, listenerId, filterChainIndex, name, position, domains, owner, json) VALUES ('V1', 'L1', 0, 'default', 0, '["*"]', NULL, ?)`).run(JSON.stringify({ ...vh, routes: [] }));
  sq.prepare(`INSERT INTO "DraftRoute" (id, virtualHostId, position, name, matchKind, matchValue, action, clusterName, owner, json) VALUES ('R1', 'V1', 0, 'a', 'prefix', '/a', 'cluster', 'up', NULL, ?)`).run(JSON.stringify(vh.routes[0]));
  sq.prepare(`INSERT INTO "DraftCluster" (id, name, position, type, lbPolicy, owner, json, updatedAt) VALUES ('C1', 'up', 0, 'STATIC', 'ROUND_ROBIN', NULL, ?, ?)`).run(JSON.stringify(cJson), now);
  c.load_assignment.endpoints[0].lb_endpoints.forEach((ep, i) =>
    sq.prepare(`INSERT INTO "DraftEndpoint" (id, clusterId, localityIndex, position, address, port, weight, json) VALUES (?, 'C1', 0, ?, '127.0.0.1', ?, 1, ?)`).run(`E${i}`, i, ep.endpoint.address.socket_address.port_value, JSON.stringify(ep)),
  );
  sq.prepare(`INSERT INTO "DraftCircuitBreaker" (id, clusterId, position, priority, json) VALUES ('B1', 'C1', 0, 'DEFAULT', '{"max_connections":5}')`).run();
  sq.close();

  // this migration and every later one (the environments migration moves the same rows into "default")
  const later = fs.readdirSync(path.join(ROOT, "prisma", "migrations")).filter((d) => /^\d+_/.test(d) && d >= MIGRATION).sort();
  for (const m of later) fs.cpSync(path.join(ROOT, "prisma", "migrations", m), path.join(root, "prisma", "migrations", m), { recursive: true });
  const { applied } = await migrate("deploy", undefined, { root, databaseUrl: "file:" + dbFile, log: () => {} });
  expect(applied).toEqual(later);

  const rows = await loadDraftRows("default");
  expect([rows.listeners, rows.virtualHosts, rows.routes, rows.clusters, rows.endpoints, rows.circuitBreakers].map((t) => t.map((r) => r.id))).toEqual([
    ["L1"], ["V1"], ["R1"], ["C1"], ["E0", "E1"], ["B1"],
  ]);
  expect(compose(rows)).toStrictEqual(doc);
  expect(rows.routes[0]).toMatchObject({ name: "a", matchKind: "prefix", matchValue: "/a", action: "cluster", clusterName: "up" });
  expect(rows.endpoints[1]).toMatchObject({ address: "127.0.0.1", port: 18311, weight: 1 });
  expect(await getDraftState("default")).toEqual({ revision: 0, updatedAt: null, updatedBy: null });

  const sq2 = new Database(dbFile, { readonly: true });
  const cols = (t: string) => (sq2.prepare(`PRAGMA table_info("${t}")`).all() as { name: string }[]).map((x) => x.name);
  // owner: the team owning the route (the teams migration), console metadata beside the JSON
  expect(cols("DraftRoute")).toEqual(["id", "virtualHostId", "position", "json", "owner"]);
  expect(sq2.pragma("foreign_key_check")).toEqual([]);
  sq2.close();
});
