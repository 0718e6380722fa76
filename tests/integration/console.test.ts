// Issue #2 acceptance, through the public API alone: the real console + bundled proxy-core worker + real upstreams.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import * as C from "../../lib/contract";
import { bootstrap, cluster, listener, prefixRoute } from "../../lib/config/test-fixtures";
import { api, assertBuilt, ConsoleProcess, errorBody, freePort, get, parsed, startUpstream, tmpDir } from "./harness";

const TOKEN = "integration-token-" + Math.random().toString(36).slice(2);
const STARTER_TEXT = "Signalbox is running: open the console to add routes";

let dataDir: string;
let consoleProc: ConsoleProcess;
let call: ReturnType<typeof api>;
let anon: ReturnType<typeof api>;
let up1: Awaited<ReturnType<typeof startUpstream>>;
let up2: Awaited<ReturnType<typeof startUpstream>>;
let up3: Awaited<ReturnType<typeof startUpstream>>;
let starterPort: number;
let listenerPort: number;

async function localNode(): Promise<C.NodeView | undefined> {
  return (await call.as(C.NodeList, "GET", "/api/nodes")).find((n) => n.id === "local");
}

/** Milliseconds until the bundled worker reports `versionId` as applied. */
async function timeToApply(versionId: string, since: number, timeoutMs = 15_000): Promise<number> {
  await consoleProc.until(`node local to apply ${versionId}`, async () => (await localNode())?.appliedVersion === versionId, timeoutMs, 10);
  return Date.now() - since;
}

// On an idle 2-core machine the apply takes well under 1 s; allow more when the machine is loaded.
const applyBudgetMs = () => (os.loadavg()[0] > os.cpus().length ? 3000 : 1000);

/** A route as the console stores it: named, with its stat prefix, after its match (lib/config/route-names.ts). */
const stored = (prefix: string, clusterName: string) => ({ name: prefix.slice(1), ...prefixRoute(prefix, clusterName), stat_prefix: prefix.slice(1) });
const storedFirst = () => bootstrap([listener("main", listenerPort, [stored("/first", "backend")])], [cluster("backend", [up1.port, up2.port])]);
const storedSecond = () =>
  bootstrap([listener("main", listenerPort, [stored("/first", "backend"), stored("/second", "other")])], [cluster("backend", [up1.port, up2.port]), cluster("other", [up3.port])]);

const firstConfig = () =>
  bootstrap([listener("main", listenerPort, [prefixRoute("/first", "backend")])], [cluster("backend", [up1.port, up2.port])]);
const secondConfig = () =>
  bootstrap(
    [listener("main", listenerPort, [prefixRoute("/first", "backend"), prefixRoute("/second", "other")])],
    [cluster("backend", [up1.port, up2.port]), cluster("other", [up3.port])],
  );

beforeAll(async () => {
  assertBuilt();
  [up1, up2, up3] = await Promise.all([startUpstream("up1"), startUpstream("up2"), startUpstream("up3")]);
  dataDir = tmpDir("signalbox-it-");
  [starterPort, listenerPort] = [await freePort(), await freePort()];
  consoleProc = new ConsoleProcess({ dataDir, port: await freePort(), token: TOKEN, starterPort, workerAdminPort: await freePort() });
  await consoleProc.start();
  call = api(consoleProc.base, TOKEN);
  anon = api(consoleProc.base, null);
});

afterAll(async () => {
  await consoleProc?.stop();
  for (const u of [up1, up2, up3]) u?.server.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("console + bundled worker", () => {
  it("refuses API calls and worker connections without the token (401 JSON)", async () => {
    for (const [m, p] of [["GET", "/api/config"], ["PUT", "/api/config"], ["POST", "/api/versions"], ["GET", "/api/nodes"], ["GET", "/api/audit"], ["GET", "/api/draft/status"]]) {
      const r = await anon(m, p, m === "GET" ? undefined : {});
      expect(r.status, `${m} ${p}`).toBe(401);
      expect(errorBody(r).error.code).toBe("unauthorized");
    }
    const wrong = await api(consoleProc.base, "wrong")("GET", "/api/versions");
    expect(wrong.status).toBe(401);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({
        host: "127.0.0.1", port: consoleProc.o.port, path: "/ws/worker",
        headers: { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==" },
      });
      req.on("response", (res) => resolve(res.statusCode ?? 0));
      req.on("upgrade", () => resolve(101));
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(401);
  });

  it("publishes the starter version on an empty database and the worker serves it", async () => {
    const versions = await call.as(C.VersionList, "GET", "/api/versions");
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ number: 1, author: "system" });
    await timeToApply(versions[0].id, Date.now(), 30_000);
    const r = await consoleProc.until("starter listener", async () => {
      const res = await get(starterPort, "/");
      return res.status === 200 ? res : null;
    });
    expect(r.body).toBe(STARTER_TEXT);
  });

  let v1: { id: string; number: number; hash: string };

  it("publishes /first on a two-endpoint round-robin cluster: applied within ~1 s, traffic flows", async () => {
    const put = await call("PUT", "/api/config", firstConfig());
    expect(put.status).toBe(200);
    expect(put.json).toStrictEqual(storedFirst());
    const t0 = Date.now();
    const pub = await call("POST", "/api/versions", { message: "first route" });
    expect(pub.status).toBe(201);
    v1 = parsed(pub, C.PublishResult);
    expect(Object.keys(v1)).toEqual(expect.arrayContaining(["id", "number", "hash", "author", "message", "createdAt"]));
    expect(v1).toMatchObject({ number: 2, author: "admin", message: "first route" });
    const elapsed = await timeToApply(v1.id, t0);
    console.log(`[it] publish → applied by the bundled worker in ${elapsed} ms`);
    expect(elapsed).toBeLessThan(applyBudgetMs());

    const bodies: string[] = [];
    for (let i = 0; i < 4; i++) bodies.push((await get(listenerPort, "/first")).body);
    expect(bodies.filter((b) => b === "up1 /first")).toHaveLength(2);
    expect(bodies.filter((b) => b === "up2 /first")).toHaveLength(2);
    expect(bodies[0]).not.toBe(bodies[1]);
    // the starter listener is gone with the new version
    await consoleProc.until("starter listener to close", () => get(starterPort, "/").then(() => false, () => true));
  });

  it("refuses a route to an unknown cluster with a 422 naming it; draft and versions unchanged", async () => {
    const before = await call("GET", "/api/config");
    const versionsBefore = (await call("GET", "/api/versions")).json;
    const bad = secondConfig();
    bad.static_resources.clusters.pop(); // "other" no longer exists
    const r = await call("PUT", "/api/config", bad);
    expect(r.status).toBe(422);
    expect(errorBody(r).errors).toContainEqual({
      path: "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[1].route.cluster",
      message: 'unknown cluster "other"',
    });
    expect(errorBody(r).error.code).toBe("invalid_config");
    // also with schema errors in the same document, the unknown cluster is still named
    (bad.static_resources.clusters[0] as Record<string, unknown>).lb_policy = "MAGLEV";
    const r2 = await call("PUT", "/api/config", bad);
    expect(r2.status).toBe(422);
    expect(errorBody(r2).errors?.map((e) => e.message)).toEqual(expect.arrayContaining(['unknown cluster "other"', expect.stringMatching(/MAGLEV is not supported/)]));
    expect((await call("GET", "/api/config")).text).toBe(before.text);
    expect((await call("GET", "/api/versions")).json).toEqual(versionsBefore);
  });

  it("answers malformed JSON and YAML with 400, and accepts YAML", async () => {
    const bad = await call("PUT", "/api/config", '{"static_resources": {', { "content-type": "application/json" });
    expect(bad.status).toBe(400);
    expect(errorBody(bad).error.message).toMatch(/malformed JSON/);
    const badYaml = await call("PUT", "/api/config", "static_resources: [\n  a", { "content-type": "application/yaml" });
    expect(badYaml.status).toBe(400);
    expect(errorBody(badYaml).error.message).toMatch(/malformed YAML/);
    const yaml = (await call("GET", "/api/config?format=yaml")).text;
    expect(yaml).toMatch(/^static_resources:/);
    const put = await call("PUT", "/api/config", yaml, { "content-type": "application/yaml" });
    expect(put.status).toBe(200);
    expect(put.json).toStrictEqual(storedFirst());
  });

  let v2: { id: string; number: number; hash: string };

  it("publishes a second version and diffs it against the first", async () => {
    expect((await call("PUT", "/api/config", secondConfig())).status).toBe(200);
    const t0 = Date.now();
    const pub = await call("POST", "/api/versions", { message: "second route" });
    expect(pub.status).toBe(201);
    v2 = parsed(pub, C.PublishResult);
    expect(v2.number).toBe(v1.number + 1);
    await timeToApply(v2.id, t0);
    expect((await get(listenerPort, "/second")).body).toBe("up3 /second");

    const list = await call.as(C.VersionList, "GET", "/api/versions");
    expect(list.map((v) => v.number)).toEqual([3, 2, 1]);
    const one = await call("GET", `/api/versions/${v2.id}`);
    expect(parsed(one, C.VersionDetail).snapshot).toStrictEqual(storedSecond().static_resources);

    const d = await call("GET", `/api/versions/${v1.id}/diff?to=${v2.id}`);
    expect(d.status).toBe(200);
    const diff = parsed(d, C.VersionDiff);
    expect(diff.changes.map((c) => [c.kind, c.change, c.label])).toEqual([
      ["route", "added", "route /second (second) on listener main/default"],
      ["cluster", "added", "cluster other"],
    ]);
    expect(diff.unified).toMatch(/^\+.*prefix: \/second/m);
    expect((await call("GET", `/api/versions/nope/diff?to=${v2.id}`)).status).toBe(404);
  });

  it("rolls back to the first version: new version, applied, previous answers restored, audited", async () => {
    const t0 = Date.now();
    const rb = await call("POST", `/api/versions/${v1.id}/rollback`);
    expect(rb.status).toBe(201);
    expect(rb.json).toMatchObject({ number: v2.number + 1, hash: v1.hash });
    const back = parsed(rb, C.VersionSummary);
    await timeToApply(back.id, t0);
    expect((await get(listenerPort, "/second")).status).toBe(404);
    expect((await get(listenerPort, "/first")).body).toMatch(/^up[12] \/first$/);
    expect((await call("GET", "/api/config")).json).toStrictEqual(storedFirst());

    // loose: the keys check below sees every key the server sent, not only those the schema names
    const audit = await call.as(z.array(C.AuditEntry.loose()), "GET", "/api/audit");
    // exactly the contract's fields: nothing the schema does not name (an internal column) leaks out
    expect(Object.keys(audit[0]).sort()).toEqual(Object.keys(C.AuditEntry.shape).sort());
    expect(audit[0]).toMatchObject({ action: "version.rollback", actor: "admin", target: back.id });
    const actions = audit.map((a) => a.action);
    expect(actions.filter((a) => a === "version.publish").length).toBeGreaterThanOrEqual(3);
    expect(actions).toContain("draft.replace");
    expect(audit.find((a) => a.action === "version.publish" && a.target === v2.id)).toBeTruthy();
  });

  it("the bundled worker reconnects after the console restarts", async () => {
    const live = (await call.as(C.VersionList, "GET", "/api/versions"))[0];
    expect(await consoleProc.stop()).toBe(0);
    await consoleProc.start();
    const node = await consoleProc.until("local connected and applied", async () => {
      const n = await localNode();
      return n?.connected && n.appliedVersion === live.id ? n : null;
    }, 30_000, 50);
    expect(node.lastError).toBeNull();
    expect((await call("GET", "/api/versions")).json).toHaveLength(4); // no second starter
    expect((await consoleProc.until("traffic after restart", async () => {
      const r = await get(listenerPort, "/first").catch(() => null);
      return r && r.status === 200 ? r : null;
    })).body).toMatch(/^up[12] \/first$/);
  });
});
