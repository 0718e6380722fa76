// GET /api/versions pages through the versions (the Versions page's "Load older versions"): the real console
// (production build, SQLite file, no worker) publishes seven versions, and `limit` + `before` (a version number)
// must answer each exactly once, newest first, while the request without them answers every version as before.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VersionList, VersionSummary } from "../../lib/contract/versions";
import { bootstrap, cluster, listener } from "../../lib/config/test-fixtures";
import { api, assertBuilt, ConsoleProcess, errorBody, freePort, parsed, tmpDir } from "./harness";

const TOKEN = "paging-token-" + Math.random().toString(36).slice(2);
let dataDir: string;
let consoleProc: ConsoleProcess;
let call: ReturnType<typeof api>;
let listenerPort: number;

const versions = async (query = "") => {
  const r = await call("GET", `/api/versions${query}`);
  expect(r.status, r.text).toBe(200);
  return parsed(r, VersionList).map((v) => v.number);
};

beforeAll(async () => {
  assertBuilt();
  dataDir = tmpDir("signalbox-paging-");
  listenerPort = await freePort();
  consoleProc = new ConsoleProcess({ dataDir, port: await freePort(), token: TOKEN, starterPort: await freePort(), workerAdminPort: await freePort(), env: { SIGNALBOX_WORKER: "off" } });
  await consoleProc.start();
  call = api(consoleProc.base, TOKEN);
  // the starter version is v1; six publishes, each of a different timeout, make v2…v7
  for (let i = 1; i <= 6; i++) {
    const put = await call("PUT", "/api/config", bootstrap([listener("main", listenerPort, [{ name: "api", match: { prefix: "/api" }, route: { cluster: "one", timeout: `${i}s` } }])], [cluster("one", [9001])]));
    expect(put.status, put.text).toBeLessThan(300);
    const pub = await call("POST", "/api/versions", { message: `timeout ${i}s` });
    expect(pub.status, pub.text).toBe(201);
    parsed(pub, VersionSummary);
  }
}, 90_000);

afterAll(async () => {
  await consoleProc?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("GET /api/versions paging", () => {
  it("answers every version without paging parameters, as before", async () => {
    expect(await versions()).toEqual([7, 6, 5, 4, 3, 2, 1]);
  });

  it("pages newest first with limit and a version-number cursor, each version once", async () => {
    const seen: number[] = [];
    let before: number | undefined;
    for (let page = 0; page < 10; page++) {
      const got = await versions(`?limit=3${before ? `&before=${before}` : ""}`);
      seen.push(...got);
      if (got.length < 3) break;
      before = got[got.length - 1];
    }
    expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(await versions("?before=5")).toEqual([4, 3, 2, 1]);
    expect(await versions("?limit=2&before=2")).toEqual([1]);
    expect(await versions("?before=1")).toEqual([]);
  });

  it("refuses a bad limit or cursor with a 400 naming it", async () => {
    for (const [query, field] of [
      ["?limit=0", "limit"],
      ["?limit=1001", "limit"],
      ["?limit=ten", "limit"],
      ["?before=0", "before"],
      ["?before=v3", "before"],
    ] as const) {
      const r = await call("GET", `/api/versions${query}`);
      expect(r.status, `${query}: ${r.text}`).toBe(400);
      expect(errorBody(r).error.message).toContain(field);
    }
  });
});
