// config-service against a real, freshly migrated SQLite file.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "../migrate";
import { closeDb } from "../db";
import { setControlPlane, type ControlPlane } from "../control-plane/registry";
import { diffVersions, draftStatus, ensureStarterVersion, getDraftDocument, publish, replaceDraft, rollback } from "./config-service";
import { createDraftRoute, listDraftRoutes, moveDraftRoute, updateDraftRoute } from "./draft-routes";
import { deleteDraftCluster, putDraftCluster } from "./draft-clusters";
import { listVersions, getVersion } from "../repos/version-repo";
import { listAudit } from "../repos/audit-repo";
import { InvalidConfigError } from "../errors";
import { bootstrap, cluster, listener, prefixRoute } from "./test-fixtures";
import { jsonAt, jsonObject } from "../json";
import { STARTER_BODY } from "./starter";

let dir: string;
const pushed: { id: string; number: number }[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-unit-"));
  process.env.SIGNALBOX_DATA_DIR = dir;
  process.env.DATABASE_URL = "file:" + path.join(dir, "test.db");
  process.env.SIGNALBOX_STARTER_LISTENER = "127.0.0.1:18999";
  await migrate("deploy", undefined, { log: () => {} });
  const fake: ControlPlane = {
    pushLive: (v) => pushed.push({ id: v.id, number: v.number }),
    connectedNodes: () => [],
  };
  setControlPlane(fake);
});

afterAll(async () => {
  setControlPlane(null);
  await closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  pushed.length = 0;
});

const docA = bootstrap([listener("main", 18001, [prefixRoute("/first", "backend")])], [cluster("backend", [18010, 18011])]);
/** docA as the console stores it: every route gets a name and stat_prefix (route-names.ts) */
const docANamed = bootstrap([listener("main", 18001, [{ name: "first", ...prefixRoute("/first", "backend"), stat_prefix: "first" }])], [cluster("backend", [18010, 18011])]);
const docB = bootstrap([listener("main", 18001, [prefixRoute("/first", "backend"), prefixRoute("/second", "other")])], [cluster("backend", [18010, 18011]), cluster("other", [18012])]);

async function expectInvalid(p: Promise<unknown>) {
  const e = await p.then(() => null, (x) => x);
  expect(e).toBeInstanceOf(InvalidConfigError);
  return (e as InvalidConfigError).errors;
}

describe("config-service", () => {
  it("publishes the starter version once on an empty database", async () => {
    const v = await ensureStarterVersion();
    expect(v).toMatchObject({ number: 1, author: "system" });
    expect(JSON.stringify(v!.snapshot)).toContain(STARTER_BODY);
    expect(v!.snapshot.listeners[0].address.socket_address).toEqual({ address: "127.0.0.1", port_value: 18999 });
    expect(await ensureStarterVersion()).toBeNull();
    expect(pushed).toEqual([{ id: v!.id, number: 1 }]);
  });

  it("replaces the draft with a valid document and stores exactly what was written", async () => {
    const out = await replaceDraft({ ...docA, admin: { address: { socket_address: { address: "127.0.0.1", port_value: 9901 } } } }, "alice");
    expect(out.value).toStrictEqual(docANamed);
    expect(await getDraftDocument()).toStrictEqual(docANamed);
  });

  it("refuses an invalid document, names every problem, and leaves the draft unchanged", async () => {
    const before = await getDraftDocument();
    const bad = structuredClone(docB);
    bad.static_resources.clusters.pop(); // "other" is now unknown
    const [backend] = bad.static_resources.clusters;
    jsonObject(jsonAt(backend, "load_assignment", "endpoints", 0, "lb_endpoints", 0, "endpoint", "address", "socket_address"))!.port_value = 70000;
    backend.lb_policy = "MAGLEV";
    backend.bogus = true;
    const errors = await expectInvalid(replaceDraft(bad, "alice"));
    const paths = errors.map((e) => e.path);
    expect(paths).toContain("static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[1].route.cluster");
    expect(errors.find((e) => e.message.includes('unknown cluster "other"'))).toBeTruthy();
    expect(paths).toContain("static_resources.clusters[0].lb_policy");
    expect(paths).toContain("static_resources.clusters[0].bogus");
    expect(paths).toContain("static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value");
    expect(await getDraftDocument()).toStrictEqual(before);
  });

  it("refuses duplicate virtual host names (Envoy does too)", async () => {
    const bad = structuredClone(docA);
    const vhs = jsonAt(bad.static_resources.listeners[0], "filter_chains", 0, "filters", 0, "typed_config", "route_config", "virtual_hosts") as unknown[];
    vhs.push({ ...jsonObject(vhs[0]), domains: ["x.example"] });
    const errors = await expectInvalid(replaceDraft(bad, "alice"));
    expect(errors[0].message).toMatch(/duplicate virtual host name/);
  });

  it("publishes numbered versions, makes them live and pushes them", async () => {
    const v2 = await publish("first", "alice");
    expect(v2).toMatchObject({ number: 2, author: "alice", message: "first" });
    expect(v2.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(pushed).toEqual([{ id: v2.id, number: 2 }]);
    await replaceDraft(docB, "bob");
    const v3 = await publish("second", "bob");
    expect(v3.number).toBe(3);
    expect(v3.parentId).toBe(v2.id);
    expect((await listVersions("default")).map((v) => v.number)).toEqual([3, 2, 1]);
    const status = await draftStatus();
    expect(status.live).toEqual({ id: v3.id, number: 3, hash: v3.hash });
    expect(status.draftHash).toBe(v3.hash);
    expect(status.changes).toEqual([]);
  });

  it("diffs two versions per resource and as unified text", async () => {
    const [v3, v2] = await listVersions("default");
    const d = await diffVersions(v2.id, v3.id);
    expect(d.from.number).toBe(2);
    expect(d.to.number).toBe(3);
    expect(d.identical).toBe(false);
    expect(d.changes).toEqual([
      { kind: "listener", name: "main", change: "changed" },
      { kind: "cluster", name: "other", change: "added" },
    ]);
    expect(d.unified).toContain("--- v2");
    expect(d.unified).toContain("+++ v3");
    expect(d.unified).toMatch(/^\+.*prefix: \/second/m);
    const back = await diffVersions(v3.id, v2.id);
    expect(back.changes).toContainEqual({ kind: "cluster", name: "other", change: "removed" });
  });

  it("rolls back: a new version with the old snapshot, live, draft reset, audited", async () => {
    const [v3, v2] = await listVersions("default");
    const { value: v4 } = await rollback(v2.id, "carol");
    expect(v4).toMatchObject({ number: 4, hash: v2.hash, rollbackOfId: v2.id, parentId: v3.id, message: "Rollback to v2", author: "carol" });
    expect((await getVersion(v4.id))!.snapshot).toStrictEqual((await getVersion(v2.id))!.snapshot);
    expect(await getDraftDocument()).toStrictEqual(docANamed);
    expect(pushed).toEqual([{ id: v4.id, number: 4 }]);
    const audit = await listAudit();
    expect(audit[0]).toMatchObject({ actor: "carol", action: "version.rollback", target: v4.id });
    expect(audit[0].details).toMatchObject({ rollbackOf: v2.id, number: 4 });
    const actions = audit.map((a) => `${a.actor}:${a.action}`);
    expect(actions).toContain("alice:version.publish");
    expect(actions).toContain("bob:draft.replace");
    expect(actions).toContain("system:version.publish");
  });

  it("edits routes: create, update, move; per-resource errors are relative", async () => {
    const { value: created } = await createDraftRoute({ route: { match: { prefix: "/new" }, direct_response: { status: 204 } } }, "dave");
    expect(created).toMatchObject({ listener: "main", virtualHost: "default", position: 1 });
    const errors = await expectInvalid(updateDraftRoute(created.id, { match: { prefix: "/new" }, route: { cluster: "ghost" } }, "dave"));
    expect(errors).toEqual([{ path: "route.cluster", message: 'unknown cluster "ghost"' }]);
    const { value: moved } = await moveDraftRoute(created.id, "up", "dave");
    expect(moved.position).toBe(0);
    expect((await listDraftRoutes()).map((r) => r.route.match.prefix)).toEqual(["/new", "/first"]);
    const { value: updated } = await updateDraftRoute(created.id, { match: { prefix: "/new2" }, route: { cluster: "backend" } }, "dave");
    expect(updated.id).toBe(created.id);
  });

  it("names every route it stores: a slug of the match, unique per virtual host, kept across edits and moves", async () => {
    const routes = () => listDraftRoutes().then((rs) => rs.map((r) => [r.route.name, r.route.stat_prefix]));
    // created as /new, then edited to /new2 without a name: the name it got first stays
    expect(await routes()).toEqual([["new", "new"], ["first", "first"]]);
    const { value: second } = await createDraftRoute({ route: { match: { prefix: "/new" }, route: { cluster: "backend" } } }, "dave");
    expect(second.route).toMatchObject({ name: "new_2", stat_prefix: "new_2" });
    await moveDraftRoute(second.id, "up", "dave");
    await moveDraftRoute(second.id, "up", "dave");
    expect(await routes()).toEqual([["new_2", "new_2"], ["new", "new"], ["first", "first"]]);
    // what the user writes is kept, even over a generated value
    const { value: mine } = await updateDraftRoute(second.id, { name: "Checkout API", match: { prefix: "/new" }, route: { cluster: "backend" } }, "dave");
    expect(mine.route).toMatchObject({ name: "Checkout API", stat_prefix: "new_2" });
    const { value: own } = await createDraftRoute({ route: { stat_prefix: "mine", match: { path: "/" }, direct_response: { status: 200 } } }, "dave");
    expect(own.route).toMatchObject({ name: "mine", stat_prefix: "mine" });
  });

  it("edits clusters: rename follows routes; deleting a referenced cluster is refused", async () => {
    const { created, item } = (await putDraftCluster("backend", cluster("renamed", [18010]), "erin")).value;
    expect(created).toBe(false);
    expect(item.name).toBe("renamed");
    expect((await listDraftRoutes()).every((r) => !r.route.route || r.route.route.cluster === "renamed")).toBe(true);
    const errors = await expectInvalid(deleteDraftCluster("renamed", "erin"));
    expect(errors[0].message).toBe('unknown cluster "renamed"');
    expect(errors[0].path).toMatch(/^static_resources\.listeners\[0\]/);
  });

  it("answers any garbage with InvalidConfigError, never another error", async () => {
    const before = await getDraftDocument();
    const garbage: unknown[] = [
      null, [], "str", 42, {}, { static_resources: null }, { static_resources: { listeners: "x" } },
      { static_resources: { listeners: [null, 1, "x"] } },
      { static_resources: { clusters: [{ name: "a", load_assignment: { endpoints: [null, { lb_endpoints: [null] }] } }, { name: "a" }] } },
      { static_resources: { listeners: [{ filter_chains: [{ filters: [{ typed_config: { route_config: { virtual_hosts: [null, { name: 1, routes: [null, { route: null }, { route: { cluster: "zz" } }] }] } } }] }] }] } },
      { static_resources: { listeners: [], clusters: [] }, extra: true },
    ];
    for (const g of garbage) await expectInvalid(replaceDraft(g, "fuzz"));
    await expectInvalid(putDraftCluster("weird", { load_assignment: { endpoints: [null, { lb_endpoints: "x" }] }, circuit_breakers: { thresholds: [null] } }, "fuzz"));
    await expectInvalid(putDraftCluster("weird", { name: "" }, "fuzz"));
    await expectInvalid(createDraftRoute({ route: { match: null, route: "x" } }, "fuzz"));
    await expectInvalid(createDraftRoute({ listener: "nope", route: { match: { prefix: "/" }, direct_response: { status: 200 } } }, "fuzz"));
    expect(await getDraftDocument()).toStrictEqual(before);
  });
});
