// The Review drawer's validation summary against the real console (production build, its own worker off): a
// draft the publish path refuses, stored through the API, shows its problems in GET /api/draft/validation, and
// the publish is refused with the same paths and messages. Every draft edit is validated, so such a draft comes
// in through a restore: a backup's draft rows are only checked to be JSON (lib/backup/tables.ts). The file is a
// real backup of this console with one route pointed at a cluster that does not exist, re-hashed.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as C from "../../lib/contract";
import { bodyHash } from "../../lib/backup/file-checks";
import { bootstrap, cluster, listener } from "../../lib/config/test-fixtures";
import { api, assertBuilt, ConsoleProcess, freePort, tmpDir } from "./harness";

const TOKEN = "validation-token-" + Math.random().toString(36).slice(2);
const ROUTE_CLUSTER = "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0].route.cluster";

let dataDir: string;
let consoleProc: ConsoleProcess;
let call: ReturnType<typeof api>;

async function validation() {
  const r = await call("GET", "/api/draft/validation");
  expect(r.status, r.text).toBe(200);
  return C.DraftValidation.parse(r.json);
}

async function status() {
  return C.DraftStatus.parse((await call("GET", "/api/draft/status")).json);
}

beforeAll(async () => {
  assertBuilt();
  dataDir = tmpDir("signalbox-validation-");
  consoleProc = new ConsoleProcess({ dataDir, port: await freePort(), token: TOKEN, starterPort: await freePort(), workerAdminPort: await freePort(), env: { SIGNALBOX_WORKER: "off" } });
  await consoleProc.start();
  call = api(consoleProc.base, TOKEN);
}, 60_000);

afterAll(async () => {
  await consoleProc?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("the draft's validation summary", () => {
  it("is clean for the starter draft, for the draft the status describes", async () => {
    const v = await validation();
    expect(v.problems).toEqual([]);
    const s = await status();
    expect([v.revision, v.draftHash]).toEqual([s.revision, s.draftHash]);
  });

  it("shows what a publish refuses in a draft stored through a restore, and the publish says the same", async () => {
    // this console's own backup, with the starter route sent to a cluster that does not exist
    const backup = await call("GET", "/api/backup");
    expect(backup.status, backup.text).toBe(200);
    const file = C.BackupFile.parse(backup.json);
    const row = file.tables.DraftRoute.find((r) => String(r.json).includes('"starter"'));
    expect(row, "the starter route in the backup").toBeDefined();
    const route = JSON.parse(String(row!.json));
    delete route.direct_response;
    route.route = { cluster: "ghost" };
    row!.json = JSON.stringify(route);
    file.header.sha256 = bodyHash(file.tables);
    const restored = await call("POST", "/api/restore", JSON.stringify(file));
    expect(restored.status, restored.text).toBe(201);

    const v = await validation();
    expect(v.problems).toEqual([{ path: ROUTE_CLUSTER, message: 'unknown cluster "ghost"' }]);
    expect((await status()).changes.length).toBeGreaterThan(0);

    const refused = await call("POST", "/api/versions", { message: "publish the restored draft" });
    expect(refused.status, refused.text).toBe(422);
    const body = C.ErrorBody.parse(refused.json);
    expect(body.error.code).toBe("invalid_config");
    expect(body.errors).toEqual(v.problems);
    expect((await call.as(C.VersionList, "GET", "/api/versions")).length).toBe(1);
  });

  it("a whole-config PUT of the same mistake is refused at write time with the same words, and leaves the draft as it was", async () => {
    const before = await validation();
    const put = await call("PUT", "/api/config", bootstrap([listener("main", await freePort(), [{ match: { prefix: "/" }, route: { cluster: "ghost" } }])], []));
    expect(put.status, put.text).toBe(422);
    expect(C.ErrorBody.parse(put.json).errors).toEqual([{ path: ROUTE_CLUSTER, message: 'unknown cluster "ghost"' }]);
    expect(await validation()).toEqual(before);
  });

  it("is clean again once the draft is fixed, and the publish goes through", async () => {
    const fix = await call("PUT", "/api/draft/clusters/ghost", cluster("ghost", [await freePort()]));
    expect(fix.status, fix.text).toBe(201);
    const v = await validation();
    expect(v.problems).toEqual([]);
    expect(v.draftHash).toBe((await status()).draftHash);
    const r = await call("POST", "/api/versions", { message: "ghost exists now" });
    expect(r.status, r.text).toBe(201);
  });
});
