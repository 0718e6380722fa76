// POST /api/routes/explain against the real console (production build, SQLite file, bundled worker): the live
// version is published and applied by the worker, the draft then changes, and one request is explained against
// both. The live explanation must name the cluster the worker really sends that request to (its upstream says so).
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as C from "../../lib/contract";
import { bootstrap, cluster, listener } from "../../lib/config/test-fixtures";
import { api, ConsoleProcess, errorBody, freePort, get, parsed, startUpstream, waitFor, startTestConsole } from "./harness";

const TOKEN = "explain-token-" + Math.random().toString(36).slice(2);

let dataDir: string;
let consoleProc: ConsoleProcess;
let call: ReturnType<typeof api>;
let edgePort: number;
const upstreams: Awaited<ReturnType<typeof startUpstream>>[] = [];

const LIVE = [
  { name: "admin", match: { prefix: "/admin", headers: [{ name: "x-admin", present_match: true }] }, route: { cluster: "a" } },
  { name: "api", match: { prefix: "/api" }, route: { cluster: "a" } },
];
const DRAFT = [
  { name: "admin", match: { prefix: "/admin", headers: [{ name: "x-admin", present_match: true }] }, route: { cluster: "a" } },
  { name: "v2", match: { prefix: "/api/v2/" }, route: { cluster: "b", prefix_rewrite: "/" } },
  { name: "api", match: { prefix: "/api" }, route: { cluster: "a" } },
];

async function explain(body: unknown) {
  const r = await call("POST", "/api/routes/explain", body);
  return { status: r.status, json: r.json, body: r.status === 200 ? C.ExplainResponse.parse(r.json) : null };
}

beforeAll(async () => {
  for (const name of ["a", "b"]) upstreams.push(await startUpstream(name));
  edgePort = await freePort();
  ({ proc: consoleProc, dataDir } = await startTestConsole("signalbox-explain-", TOKEN));
  call = api(consoleProc.base, TOKEN);
  const clusters = ["a", "b"].map((n, i) => cluster(n, [upstreams[i].port]));
  expect((await call("PUT", "/api/config", bootstrap([listener("edge", edgePort, LIVE)], clusters))).status).toBe(200);
  const v = await call("POST", "/api/versions", { message: "explain test" });
  expect(v.status).toBe(201);
  const { id } = parsed(v, C.PublishResult);
  await waitFor("the worker to apply the version", async () => (await call.as(C.NodeList, "GET", "/api/nodes")).some((n) => n.id === "local" && n.appliedVersion === id));
  expect((await call("PUT", "/api/config", bootstrap([listener("edge", edgePort, DRAFT)], clusters))).status).toBe(200);
}, 90_000);

afterAll(async () => {
  await consoleProc?.stop();
  for (const u of upstreams) u.server.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("POST /api/routes/explain", () => {
  it("needs the token", async () => {
    expect((await api(consoleProc.base, null)("POST", "/api/routes/explain", { host: "x", path: "/" })).status).toBe(401);
  });

  it("explains one request against the draft and the live version side by side, as the worker routes it", async () => {
    const { status, body } = await explain({ method: "GET", host: `127.0.0.1:${edgePort}`, path: "/api/v2/users?page=1", headers: { "x-trace": "1" } });
    expect(status).toBe(200);
    const { draft, live, liveVersion, listeners } = body!;
    expect(liveVersion?.number).toBeGreaterThan(0);
    expect(listeners).toEqual([{ name: "edge", address: `127.0.0.1:${edgePort}` }]);

    expect(live!.listener).toMatchObject({ name: "edge" });
    expect(live!.virtualHost).toMatchObject({ name: "default", matchedBy: "wildcard" });
    expect(live!.route).toMatchObject({ index: 1, name: "api" });
    expect(live!.skipped).toEqual([{ index: 0, name: "admin", match: 'prefix "/admin"', conditions: ["header x-admin present"], reasons: [{ kind: "path", message: 'path "/api/v2/users?page=1" does not start with "/admin"' }, { kind: "header_missing", message: "header x-admin is missing (wants present)" }] }]);
    expect(live!.action).toEqual({ kind: "cluster", cluster: "a", known: true });

    expect(draft.route).toMatchObject({ index: 1, name: "v2" });
    expect(draft.action).toEqual({ kind: "cluster", cluster: "b", known: true });
    expect(draft.upstream).toMatchObject({ cluster: "b", path: "/users?page=1", pathRewritten: true });

    // the worker runs the live version: the same request really reaches the cluster the live explanation names
    const through = await get(edgePort, "/api/v2/users?page=1");
    expect(through).toEqual({ status: 200, body: "a /api/v2/users?page=1" });
  });

  it("answers 404 NR where no route matches, with every route's reason", async () => {
    const { body } = await explain({ host: "anything", path: "/nothing" });
    expect(body!.draft.outcome).toMatchObject({ status: 404, responseFlag: "NR" });
    expect(body!.draft.skipped.map((s) => s.reasons[0].kind)).toEqual(["path", "path", "path"]);
    expect((await get(edgePort, "/nothing")).status).toBe(404);
  });

  it("takes a listener by name or port, and says when there is none", async () => {
    expect((await explain({ host: "h", path: "/api", listener: String(edgePort) })).body!.draft.listener?.name).toBe("edge");
    const none = (await explain({ host: "h", path: "/api", listener: "nope" })).body!;
    expect(none.draft.outcome.summary).toBe('no listener is named "nope" or bound to it');
    expect(none.live!.route).toBeNull();
  });

  it("refuses bad input with a 400 naming the field, never a 500", async () => {
    for (const [body, field] of [
      [{ host: "h", path: "no-slash" }, "path: must start with /"],
      [{ path: "/" }, "host"],
      [{ host: "h", path: "/", method: "G E T" }, "method"],
      [{ host: "h", path: "/", headers: [{ name: "bad header", value: "x" }] }, "headers.0.name"],
      [{ host: "h", path: "/", randomValue: -1 }, "randomValue"],
    ] as const) {
      const r = await call("POST", "/api/routes/explain", body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      const e = errorBody(r).error;
      expect(e.code).toBe("bad_request");
      expect(e.message).toContain(field);
    }
    const malformed = await call("POST", "/api/routes/explain", "{not json", { "content-type": "application/json" });
    expect(malformed.status).toBe(400);
  });
});
