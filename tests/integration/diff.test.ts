// The readable diff through the API of a real console with its bundled worker: GET /api/draft/diff and
// GET /api/versions/{id}/diff describe the same edit in the same words, and a node's rejection names the
// version it refused (and stops counting against the live one once a later version is live).
import fs from "node:fs";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as C from "../../lib/contract";
import { bootstrap, cluster, listener } from "../../lib/config/test-fixtures";
import { api, ConsoleProcess, errorBody, freePort, get, parsed, startUpstream, waitFor, startTestConsole } from "./harness";

const TOKEN = "diff-token-" + Math.random().toString(36).slice(2);

let dataDir: string;
let consoleProc: ConsoleProcess;
let call: ReturnType<typeof api>;
let upA: Awaited<ReturnType<typeof startUpstream>>;
let upB: Awaited<ReturnType<typeof startUpstream>>;
let listenerPort: number;

const route = (clusterName: string, timeout: string) => ({ name: "api", stat_prefix: "api", match: { prefix: "/api" }, route: { cluster: clusterName, timeout } });
const config = (clusterName: string, timeout: string, extra: { endpoints?: number[]; maxRequests?: number } = {}) =>
  bootstrap(
    [listener("main", listenerPort, [route(clusterName, timeout)])],
    [
      cluster("a", extra.endpoints ?? [upA.port], extra.maxRequests ? { circuit_breakers: { thresholds: [{ max_requests: extra.maxRequests }] } } : {}),
      cluster("b", [upB.port]),
    ],
  );

async function publish(message: string): Promise<{ id: string; number: number }> {
  const r = await call("POST", "/api/versions", { message });
  expect(r.status, r.text).toBe(201);
  return parsed(r, C.PublishResult);
}

async function localNode() {
  return C.NodeList.parse((await call("GET", "/api/nodes")).json).find((n) => n.id === "local");
}

beforeAll(async () => {
  [upA, upB] = await Promise.all([startUpstream("A"), startUpstream("B")]);
  listenerPort = await freePort();
  ({ proc: consoleProc, dataDir } = await startTestConsole("signalbox-diff-", TOKEN));
  call = api(consoleProc.base, TOKEN);
}, 90_000);

afterAll(async () => {
  await consoleProc?.stop();
  for (const u of [upA, upB]) u?.server.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("readable diff API", () => {
  let v2: { id: string; number: number };
  let v3: { id: string; number: number };

  it("GET /api/draft/diff explains a draft edit per resource, in words", async () => {
    expect((await call("PUT", "/api/config", config("a", "15s"))).status).toBe(200);
    v2 = await publish("diff: /api on a");
    await waitFor("the worker to serve /api from A", async () => (await get(listenerPort, "/api/x")).body.startsWith("A "));
    expect(C.DraftDiff.parse((await call("GET", "/api/draft/diff")).json)).toMatchObject({ identical: true, changes: [] });

    expect((await call("PUT", "/api/config", config("b", "5s", { endpoints: [upA.port, upB.port], maxRequests: 100 }))).status).toBe(200);
    const r = await call("GET", "/api/draft/diff");
    expect(r.status).toBe(200);
    const d = C.DraftDiff.parse(r.json);
    expect(d.from).toMatchObject({ kind: "version", id: v2.id, number: v2.number, label: `v${v2.number} (live)` });
    expect(d.to).toMatchObject({ kind: "draft", id: null, label: "draft" });
    expect(d.identical).toBe(false);
    expect(d.changes.map((c) => c.summary)).toEqual([
      "route /api (api) on listener main/default changed: cluster a → b; timeout 15s → 5s",
      `endpoint 127.0.0.1:${upB.port} in cluster a added`,
      "circuit breakers (DEFAULT) of cluster a added: max_requests 1024 (default) → 100",
    ]);
    expect(d.changes[0]).toMatchObject({ kind: "route", group: "listener main", before: route("a", "15s"), after: route("b", "5s") });
    expect(d.unified).toMatch(/^-\s+cluster: a$/m);
    expect(d.unified).toMatch(/^\+\s+cluster: b$/m);
  });

  it("GET /api/versions/{id}/diff answers the same once it is published, with ?against= and ?to=", async () => {
    const draft = C.DraftDiff.parse((await call("GET", "/api/draft/diff")).json);
    v3 = await publish("diff: /api on b");
    const against = await call("GET", `/api/versions/${v3.id}/diff?against=${v2.id}`);
    expect(against.status, against.text).toBe(200);
    const d = C.VersionDiff.parse(against.json);
    expect(d.from).toMatchObject({ kind: "version", id: v2.id, label: `v${v2.number}` });
    expect(d.to).toMatchObject({ kind: "version", id: v3.id, label: `v${v3.number}` });
    expect(d.changes).toEqual(draft.changes);
    // the same text diff, but for the names of the two sides (the "===", "---" and "+++" lines)
    expect(d.unified.split("\n").slice(3)).toEqual(draft.unified.split("\n").slice(3));
    expect(C.VersionDiff.parse((await call("GET", `/api/versions/${v2.id}/diff?to=${v3.id}`)).json)).toEqual(d);
    expect(C.DraftDiff.parse((await call("GET", "/api/draft/diff")).json)).toMatchObject({ identical: true, changes: [], unified: "" });
  });

  it("bad and unknown versions: 400 naming the parameter, 404 naming the version", async () => {
    const none = await call("GET", `/api/versions/${v3.id}/diff`);
    expect(none.status).toBe(400);
    expect(errorBody(none).error.message).toMatch(/against: exactly one of \?against=<version id> or \?to=<version id> is required/);
    expect((await call("GET", `/api/versions/${v3.id}/diff?against=${v2.id}&to=${v2.id}`)).status).toBe(400);
    const missing = await call("GET", `/api/versions/${v3.id}/diff?against=nope`);
    expect(missing.status).toBe(404);
    expect(errorBody(missing).error.message).toBe("version nope not found");
  });

  it("a rejection names the version it refused, and stops counting once a later version is live", async () => {
    await waitFor("the worker to apply v3", async () => (await localNode())?.appliedVersion === v3.id);
    // a port another program holds: the worker cannot bind it and NACKs that version
    const holder = net.createServer();
    await new Promise<void>((r) => holder.listen(0, "127.0.0.1", () => r()));
    const held = (holder.address() as net.AddressInfo).port;
    try {
      const bad = config("b", "5s", { endpoints: [upA.port, upB.port], maxRequests: 100 });
      bad.static_resources.listeners.push(listener("taken", held, [route("a", "1s")], { vhost: "taken" }));
      expect((await call("PUT", "/api/config", bad)).status).toBe(200);
      const v4 = await publish("diff: a listener on a taken port");
      const rejected = await waitFor("the worker to reject v4", async () => {
        const n = await localNode();
        return n?.rejectedVersionId === v4.id ? n : null;
      });
      expect(rejected).toMatchObject({ state: "rejected", rejectedVersionNumber: v4.number, appliedVersion: v3.id });
      expect(rejected.lastError).toMatch(/EADDRINUSE|in use/i);
      expect(C.DraftStatus.parse((await call("GET", "/api/draft/status")).json).nodes).toMatchObject({ connected: 1, applied: 0, rejected: 1 });

      expect((await call("PUT", "/api/config", config("a", "5s"))).status).toBe(200);
      const v5 = await publish("diff: without the taken port");
      const applied = await waitFor("the worker to apply v5", async () => {
        const n = await localNode();
        return n?.appliedVersion === v5.id ? n : null;
      });
      expect(applied).toMatchObject({ state: "applied", lastError: null, rejectedVersionId: null, rejectedVersionNumber: null });
      expect(C.DraftStatus.parse((await call("GET", "/api/draft/status")).json).nodes).toMatchObject({ connected: 1, applied: 1, rejected: 0 });
    } finally {
      holder.close();
    }
  });
});
