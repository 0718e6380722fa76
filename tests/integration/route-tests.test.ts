// Route tests stored with the config, against the real console (production build, its own SQLite file): a suite
// is saved as a draft change under If-Match, run against the draft and the live version, and gates every
// publish: a draft that breaks a tested route is refused with Envoy's failure lines, an override with a reason
// publishes and is audited, and each version keeps the suite it was published with (read from the SQLite file).
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as C from "../../lib/contract";
import { bootstrap, cluster, listener } from "../../lib/config/test-fixtures";
import { api, assertBuilt, ConsoleProcess, errorBody, freePort, parsed, tmpDir } from "./harness";

const TOKEN = "route-tests-token-" + Math.random().toString(36).slice(2);

let dataDir: string;
let consoleProc: ConsoleProcess;
let call: ReturnType<typeof api>;
let edgePort: number;

const ROUTES = (apiCluster: string) => [
  { name: "api", match: { prefix: "/api" }, route: { cluster: apiCluster } },
  { name: "admin", match: { prefix: "/admin/" }, route: { cluster: "b", prefix_rewrite: "/" } },
  { name: "health", match: { path: "/healthz" }, direct_response: { status: 200 } },
];
const CLUSTERS = [cluster("a", [1]), cluster("b", [2])];
const config = (apiCluster: string) => bootstrap([listener("edge", edgePort, ROUTES(apiCluster))], CLUSTERS);

// YAML as a user writes it, with a uint64 as a string (proto JSON allows it): it must come back as imported
const SUITE_YAML = `tests:
  - test_name: api goes to a
    input:
      authority: api.example.com
      path: /api/users
      method: GET
      random_value: "7"
    validate:
      cluster_name: a
  - test_name: admin goes to b, rewritten
    input: {authority: api.example.com, path: /admin/x, method: GET}
    validate: {cluster_name: b, path_rewrite: /x}
`;

const etagOf = (r: { headers: Headers }) => r.headers.get("etag")!;
const revisionOf = (r: { headers: Headers }) => Number(/"r(\d+)"/.exec(etagOf(r))![1]);
const putYaml = (text: string, headers: Record<string, string> = {}) => call("PUT", "/api/draft/route-tests", text, { "content-type": "application/yaml", ...headers });
const versionSuite = (id: string) => {
  const db = new Database(path.join(dataDir, "signalbox.db"), { readonly: true });
  try {
    return (db.prepare('SELECT "routeTests" FROM "ConfigVersion" WHERE id = ?').get(id) as { routeTests: string | null }).routeTests;
  } finally {
    db.close();
  }
};

beforeAll(async () => {
  assertBuilt();
  dataDir = tmpDir("signalbox-route-tests-");
  edgePort = await freePort();
  // no bundled worker: these tests are about the console's storage, runner and gate
  consoleProc = new ConsoleProcess({ dataDir, port: await freePort(), token: TOKEN, starterPort: await freePort(), workerAdminPort: await freePort(), env: { SIGNALBOX_WORKER: "off" } });
  await consoleProc.start();
  call = api(consoleProc.base, TOKEN);
  expect((await call("PUT", "/api/config", config("a"))).status).toBe(200);
  expect((await call("POST", "/api/versions", { message: "routes without tests" })).status).toBe(201);
}, 90_000);

afterAll(async () => {
  await consoleProc?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("route tests stored with the draft", () => {
  it("starts empty, then a suite is saved as a draft change under If-Match", async () => {
    const empty = await call("GET", "/api/draft/route-tests");
    expect(empty.status).toBe(200);
    expect(empty.json).toEqual({ tests: [] });
    const before = revisionOf(empty);

    const saved = await putYaml(SUITE_YAML, { "if-match": etagOf(empty) });
    expect(saved.status).toBe(200);
    expect(revisionOf(saved)).toBe(before + 1);
    const suite = parsed(saved, C.RouteTestSuite);
    expect(suite.tests).toHaveLength(2);
    expect(suite.tests[0].input).toMatchObject({ random_value: "7" });

    // the draft's revision moved for everyone: a write on the old one is refused with what changed, and by whom
    const stale = await call("PUT", "/api/config", config("a"), { "if-match": etagOf(empty) });
    expect(stale.status).toBe(409);
    const conflict = C.DraftConflict.parse(stale.json);
    expect(conflict.changes).toEqual([expect.objectContaining({ revision: before + 1, kind: "route_tests", name: "suite", change: "added", actor: "admin" })]);
    expect((await putYaml(SUITE_YAML.replace("a\n", "b\n"), { "if-match": etagOf(empty) })).status).toBe(409);

    const audit = C.AuditList.parse((await call("GET", "/api/audit?limit=20")).json);
    expect(audit.find((e) => e.action === "draft.route_tests")?.details).toMatchObject({ tests: 2, revision: before + 1, ifMatch: true });
  });

  it("refuses a suite that is not Envoy's format with each field's path, and changes nothing", async () => {
    const before = await call("GET", "/api/draft/route-tests");
    const bad = await putYaml("tests:\n- test_name: x\n  input: {authority: a, path: /, method: GE, dynamic_metadata: {}}\n  validate: {}\n");
    expect(bad.status).toBe(422);
    const paths = errorBody(bad).errors?.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["tests[0].input.method", "tests[0].input.dynamic_metadata", "tests[0].validate"]));
    expect((await putYaml("tests: [unclosed")).status).toBe(400);
    const after = await call("GET", "/api/draft/route-tests");
    expect(etagOf(after)).toBe(etagOf(before));
    expect(after.json).toEqual(before.json);
  });

  it("exports and imports: JSON and YAML round-trip to the same suite, and re-importing it changes nothing", async () => {
    const json = await call("GET", "/api/draft/route-tests");
    const yaml = await call("GET", "/api/draft/route-tests?format=yaml");
    expect(yaml.headers.get("content-type")).toContain("application/yaml");
    expect(yaml.text).toContain("test_name: api goes to a");
    const again = await putYaml(yaml.text, { "if-match": etagOf(json) });
    expect(again.status).toBe(200);
    expect(again.json).toEqual(json.json);
    expect(etagOf(again)).toBe(etagOf(json)); // nothing changed: the revision stays
    const asJson = await call("PUT", "/api/draft/route-tests", json.text, { "if-match": etagOf(json) });
    expect(asJson.json).toEqual(json.json);
    expect(etagOf(asJson)).toBe(etagOf(json));
  });
});

describe("running the tests and the publish gate", () => {
  it("runs them against the draft and live with Envoy's coverage", async () => {
    const r = await call("POST", "/api/draft/route-tests/run", {});
    expect(r.status).toBe(200);
    const run = C.RouteTestRun.parse(r.json);
    expect(run.tests).toBe(2);
    expect(run.draft).toMatchObject({ passed: true, error: null, target: "listener edge" });
    expect(run.live?.passed).toBe(true);
    // /healthz is reached by no test: listed as --covall lists it
    expect(run.draft.coverage!.missing).toEqual([{ virtualHost: "default", index: 2, name: "health", match: 'path: "/healthz"\n' }]);
    expect(run.draft.coverage!.percent).toBeCloseTo(200 / 3, 3);
    // an editor's unsaved suite runs in place of the stored one; an invalid one is a 422 with paths
    const adhoc = C.RouteTestRun.parse((await call("POST", "/api/draft/route-tests/run", { suite: { tests: [{ test_name: "health", input: { authority: "x", path: "/healthz", method: "GET" }, validate: { code_redirect: 200 } }] } })).json);
    expect(adhoc.draft.results).toEqual([{ testName: "health", passed: true, failures: [] }]);
    const invalid = await call("POST", "/api/draft/route-tests/run", { suite: { tests: [{ test_name: "x" }] } });
    expect(invalid.status).toBe(422);
    expect(errorBody(invalid).errors?.[0].path).toBe("tests[0].input");
  });

  it("refuses a publish that breaks a tested route, with the failure; an override needs a reason, then publishes and is audited", async () => {
    expect((await call("PUT", "/api/config", config("b"))).status).toBe(200);
    const run = C.RouteTestRun.parse((await call("POST", "/api/draft/route-tests/run", {})).json);
    expect(run.draft.results[0]).toEqual({ testName: "api goes to a", passed: false, failures: ["expected: [a], actual: [b], test type: cluster_name"] });
    expect(run.live?.passed).toBe(true);

    const versionsBefore = (await call.as(C.VersionList, "GET", "/api/versions")).length;
    const refused = await call("POST", "/api/versions", { message: "send /api to b" });
    expect(refused.status).toBe(409);
    const body = C.RouteTestsFailed.parse(refused.json);
    expect(body.error.code).toBe("route_tests_failed");
    expect(body.error.message).toContain("1 of 2 route tests fails against the draft: api goes to a: expected: [a], actual: [b]");
    expect(body.failures).toEqual([{ testName: "api goes to a", passed: false, failures: ["expected: [a], actual: [b], test type: cluster_name"] }]);
    expect((await call.as(C.VersionList, "GET", "/api/versions")).length).toBe(versionsBefore);

    const noReason = await call("POST", "/api/versions", { message: "send /api to b", overrideRouteTests: { reason: "  " } });
    expect(noReason.status).toBe(400);
    expect(errorBody(noReason).errors).toEqual([{ path: "overrideRouteTests.reason", message: expect.any(String) }]);

    const ok = await call("POST", "/api/versions", { message: "send /api to b", overrideRouteTests: { reason: "b serves /api from now on; test to be updated" } });
    expect(ok.status).toBe(201);
    const okId = parsed(ok, C.PublishResult).id;
    const audit = C.AuditList.parse((await call("GET", "/api/audit?limit=20")).json);
    const override = audit.find((e) => e.action === "version.publish.override");
    expect(override).toMatchObject({ actor: "admin", target: okId });
    expect(override!.details).toMatchObject({ reason: "b serves /api from now on; test to be updated", tests: 2, failures: [{ testName: "api goes to a", failures: ["expected: [a], actual: [b], test type: cluster_name"] }] });
    // the version keeps the suite it was published with, as imported
    expect(JSON.parse(versionSuite(okId)!)).toEqual((await call("GET", "/api/draft/route-tests")).json);
  });

  it("publishes a change of the tests alone (they are part of the config), and then there is nothing to publish", async () => {
    const cur = await call("GET", "/api/draft/route-tests");
    const fixed = await putYaml(SUITE_YAML.replace("cluster_name: a\n", "cluster_name: b\n"), { "if-match": etagOf(cur) });
    expect(fixed.status).toBe(200);
    // the header and the Review drawer count it as a change of its own
    const before = C.DraftStatus.parse((await call("GET", "/api/draft/status")).json);
    expect([before.changes.length, before.routeTestsChanged]).toEqual([0, true]);
    const v = await call("POST", "/api/versions", { message: "update the api test" });
    expect(v.status).toBe(201);
    const vId = parsed(v, C.PublishResult).id;
    expect(C.DraftStatus.parse((await call("GET", "/api/draft/status")).json).routeTestsChanged).toBe(false);
    expect(JSON.parse(versionSuite(vId)!).tests[0].validate).toEqual({ cluster_name: "b" });
    expect((await call.as(C.AuditList, "GET", "/api/audit?limit=5")).some((e) => e.action === "version.publish.override" && e.target === vId)).toBe(false);
    expect(errorBody(await call("POST", "/api/versions", { message: "again" })).error.code).toBe("no_changes");
  });

  it("removes the tests with an empty suite; a publish is no longer gated", async () => {
    const cur = await call("GET", "/api/draft/route-tests");
    const cleared = await call("PUT", "/api/draft/route-tests", { tests: [] }, { "if-match": etagOf(cur) });
    expect(cleared.status).toBe(200);
    expect(revisionOf(cleared)).toBe(revisionOf(cur) + 1);
    expect((await call("GET", "/api/draft/route-tests")).json).toEqual({ tests: [] });
    expect((await call("PUT", "/api/config", config("a"))).status).toBe(200);
    const v = await call("POST", "/api/versions", { message: "api back to a, no tests" });
    expect(v.status).toBe(201);
    expect(versionSuite(parsed(v, C.PublishResult).id)).toBeNull();
  });

  it("needs the token", async () => {
    expect((await api(consoleProc.base, null)("GET", "/api/draft/route-tests")).status).toBe(401);
    expect((await api(consoleProc.base, null)("POST", "/api/draft/route-tests/run", {})).status).toBe(401);
  });
});
