// Named tokens and worker enrollment end to end: the real console (production build) with its bundled worker, real
// proxy-core processes started with --token, the real SQLite file. A worker with a live worker token connects and
// applies; a wrong, a revoked and an expired token are answered 401 on the upgrade (and audited); revoking the token
// of a connected worker disconnects it at once; a token scoped to an environment cannot say hello into another; an
// API token acts with its role; no list carries a secret or its hash.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditList } from "../../lib/contract/audit";
import { NodeList } from "../../lib/contract/nodes";
import { ApiTokenList, CreatedToken, RevokedToken } from "../../lib/contract/tokens";
import { PublishResult } from "../../lib/contract/versions";
import { bootstrap, cluster, listener } from "../../lib/config/test-fixtures";
import { api, ConsoleProcess, errorBody, freePort, parsed, ROOT, waitFor, startTestConsole } from "./harness";

const TOKEN = "tokens-int-" + Math.random().toString(36).slice(2);
const BIN = path.join(ROOT, "proxy-core/bin/proxy-core.mjs");

let dataDir: string;
let consoleProc: ConsoleProcess;
let call: ReturnType<typeof api>;
const secrets: string[] = [];

interface Worker { proc: ChildProcess; log: string; exited: Promise<unknown> }
const workers: Worker[] = [];

beforeAll(async () => {
  ({ proc: consoleProc, dataDir } = await startTestConsole("signalbox-tokens-", TOKEN));
  call = api(consoleProc.base, TOKEN);
});

afterAll(async () => {
  for (const w of workers) {
    if (w.proc.exitCode === null && w.proc.signalCode === null) {
      w.proc.kill("SIGTERM");
      await w.exited;
    }
  }
  await consoleProc?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function createToken(body: Record<string, unknown>) {
  const r = await call("POST", "/api/tokens", body);
  expect(r.status, r.text).toBe(201);
  const created = parsed(r, CreatedToken);
  secrets.push(created.secret);
  return created;
}

async function startWorker(args: { token: string; nodeId: string; environment?: string }): Promise<Worker> {
  const argv = [BIN, "--control-plane", `ws://127.0.0.1:${consoleProc.o.port}/ws/worker`, "--token", args.token, "--node-id", args.nodeId, "--admin-address", `127.0.0.1:${await freePort()}`];
  if (args.environment) argv.push("--environment", args.environment);
  const proc = spawn(process.execPath, argv, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const w: Worker = { proc, log: "", exited: new Promise((r) => proc.once("exit", r)) };
  proc.stdout!.on("data", (d) => (w.log += d));
  proc.stderr!.on("data", (d) => (w.log += d));
  workers.push(w);
  return w;
}

const node = async (id: string, env = "default") => (await call.as(NodeList, "GET", "/api/nodes", undefined, { "x-signalbox-environment": env })).find((n) => n.id === id);

/** The HTTP status /ws/worker answers an upgrade carrying `secret` (101: accepted). */
function upgradeStatus(secret: string | null): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: "127.0.0.1", port: consoleProc.o.port, path: "/ws/worker",
      headers: {
        connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
        ...(secret ? { authorization: `Bearer ${secret}` } : {}),
      },
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

const refusals = async () => (await call.as(AuditList, "GET", "/api/audit?action=worker.refused")).map((e) => ({ actor: e.actor, ...(e.details as { address: string; prefix: string | null; reason: string }) }));

describe("worker enrollment", () => {
  it("gives the bundled worker a token of its own, kept 0600 in the data dir", async () => {
    const file = path.join(dataDir, "worker-token");
    // made when the bundled worker starts, just after the console says it is ready
    await consoleProc.until("the worker token file", async () => fs.existsSync(file));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const secret = fs.readFileSync(file, "utf8").trim();
    expect(secret).toMatch(/^sbx_/);
    const list = await call.as(ApiTokenList, "GET", "/api/tokens");
    expect(list.find((t) => t.name === "bundled worker")).toMatchObject({ kind: "worker", environment: "default", prefix: secret.slice(0, 8), createdBy: "system" });
    await consoleProc.until("node local to apply the live version", async () => (await node("local"))?.state === "applied");
  });

  it("connects a worker with a live worker token, which applies the live version", async () => {
    // an environment of its own, whose listener takes any free port (the bundled worker holds the starter's)
    const edge = { "x-signalbox-environment": "edge" };
    expect((await call("POST", "/api/environments", { name: "edge" })).status).toBe(201);
    expect((await call("PUT", "/api/config", bootstrap([listener("main", 0, [{ name: "all", match: { prefix: "/" }, route: { cluster: "c" } }])], [cluster("c", [1])]), edge)).status).toBe(200);
    const published = await call("POST", "/api/versions", { message: "edge v1" }, edge);
    expect(published.status, published.text).toBe(201);
    const v = parsed(published, PublishResult);

    const { secret, token } = await createToken({ name: "edge-1", kind: "worker", environment: "edge" });
    expect(token).toMatchObject({ kind: "worker", environment: "edge", role: null });
    await startWorker({ token: secret, nodeId: "edge-1", environment: "edge" });
    await consoleProc.until("edge-1 to apply the live version", async () => {
      const n = await node("edge-1", "edge");
      return n?.connected && n.state === "applied" && n.appliedVersion === v.id;
    });
  });

  it("answers a wrong and a revoked token 401 on the upgrade, and audits each attempt", async () => {
    expect(await upgradeStatus(null)).toBe(401);
    const wrong = "sbx_" + "Q".repeat(43);
    expect(await upgradeStatus(wrong)).toBe(401);
    const w = await startWorker({ token: wrong, nodeId: "intruder" });
    await waitFor("the worker to report the refusal", async () => /refused the connection: HTTP 401: missing, unknown, revoked or expired worker token/.test(w.log), 15_000, 50);

    const { secret, token } = await createToken({ name: "short-lived", kind: "worker" });
    expect(await upgradeStatus(secret)).toBe(101);
    // (the socket of the accepted upgrade may still be closing: `disconnected` can count it)
    expect((await call.as(RevokedToken, "DELETE", `/api/tokens/${token.id}`)).token.name).toBe("short-lived");
    expect(await upgradeStatus(secret)).toBe(401);

    await waitFor("the refusals in the audit", async () => {
      const r = await refusals();
      return r.some((e) => e.prefix === "sbx_QQQQ" && e.reason === "unknown token" && e.address === "127.0.0.1") &&
        r.some((e) => e.prefix === secret.slice(0, 8) && e.reason === "revoked token short-lived");
    }, 10_000, 100);
    expect(JSON.stringify(await refusals())).not.toContain(secret.slice(8));
    expect(await node("intruder")).toBeUndefined();
  });

  it("disconnects a connected worker at once when its token is revoked", async () => {
    const { secret, token } = await createToken({ name: "edge-2", kind: "worker" });
    const w = await startWorker({ token: secret, nodeId: "edge-2" });
    await consoleProc.until("edge-2 connected", async () => (await node("edge-2"))?.connected);
    const r = await call("DELETE", `/api/tokens/${token.id}`);
    expect(r.status, r.text).toBe(200);
    expect(parsed(r, RevokedToken).disconnected).toBe(1);
    await consoleProc.until("edge-2 disconnected", async () => (await node("edge-2"))?.connected === false, 5000);
    await waitFor("the worker to log why", async () => /control plane closed the connection: 4005 worker token revoked/.test(w.log), 5000, 50);
    // it tries again, and is refused
    await waitFor("the worker to be refused", async () => /HTTP 401/.test(w.log), 10_000, 50);
    const again = await call("DELETE", `/api/tokens/${token.id}`);
    expect(again.status).toBe(404);
    expect(errorBody(again).error.message).toContain(token.id);
  });

  it("keeps a worker whose token is scoped to another environment out of it", async () => {
    const { secret } = await createToken({ name: "staging-1", kind: "worker", environment: "staging" });
    const w = await startWorker({ token: secret, nodeId: "staging-1", environment: "prod" });
    await waitFor("the worker to log the refusal", async () => /control plane closed the connection: 4004 token is for environment staging, not prod/.test(w.log), 15_000, 50);
    const envs = await call("GET", "/api/environments");
    expect(envs.text).not.toContain('"prod"');
    await waitFor("the refusal in the audit", async () => (await refusals()).some((e) => e.actor === "staging-1" && /is for environment staging, not prod/.test(e.reason)), 10_000, 100);
  });
});

describe("api tokens", () => {
  it("acts with its role: a viewer reads but cannot write or manage tokens", async () => {
    const { secret } = await createToken({ name: "ci-viewer", kind: "api", role: "viewer" });
    const viewer = api(consoleProc.base, secret);
    expect((await viewer("GET", "/api/nodes")).status).toBe(200);
    const draft = await call("GET", "/api/config");
    const put = await viewer("PUT", "/api/config", draft.json);
    expect(put.status, put.text).toBe(403);
    expect(errorBody(put).error.code).toBe("forbidden");
    expect((await viewer("GET", "/api/tokens")).status).toBe(403);
    // a worker token is no API credential
    const { secret: workerSecret } = await createToken({ name: "w-not-api", kind: "worker" });
    expect((await api(consoleProc.base, workerSecret)("GET", "/api/nodes")).status).toBe(401);
    const list = await call.as(ApiTokenList, "GET", "/api/tokens");
    await waitFor("ci-viewer's last use", async () => (await call.as(ApiTokenList, "GET", "/api/tokens")).find((t) => t.name === "ci-viewer")?.lastUsedAt != null, 5000, 100);
    expect(list.length).toBeGreaterThan(1);
  });

  it("refuses an expired token, api and worker alike, with the same 401 as an unknown one", async () => {
    const a = await createToken({ name: "expiring-api", kind: "api", role: "editor", expiresInDays: 1 });
    const w = await createToken({ name: "expiring-worker", kind: "worker", expiresInDays: 1 });
    expect((await api(consoleProc.base, a.secret)("GET", "/api/nodes")).status).toBe(200);
    expect(await upgradeStatus(w.secret)).toBe(101);
    // a day later: written into the console's own SQLite file, in the format it stores
    const db = new Database(path.join(dataDir, "signalbox.db"));
    try {
      const row = db.prepare(`SELECT "expiresAt" FROM "ApiToken" WHERE "id" = ?`).get(a.token.id) as { expiresAt: number | string };
      const past = typeof row.expiresAt === "number" ? Date.now() - 1000 : new Date(Date.now() - 1000).toISOString();
      db.prepare(`UPDATE "ApiToken" SET "expiresAt" = ? WHERE "id" IN (?, ?)`).run(past, a.token.id, w.token.id);
    } finally {
      db.close();
    }
    const expired = await api(consoleProc.base, a.secret)("GET", "/api/nodes");
    const unknown = await api(consoleProc.base, "sbx_" + "Z".repeat(43))("GET", "/api/nodes");
    expect(expired.status).toBe(401);
    expect(expired.text).toBe(unknown.text);
    expect(await upgradeStatus(w.secret)).toBe(401);
    expect((await call.as(ApiTokenList, "GET", "/api/tokens")).find((t) => t.name === "expiring-api")?.expired).toBe(true);
  });

  it("never lists a secret or its hash", async () => {
    const r = await call("GET", "/api/tokens");
    expect(r.status).toBe(200);
    expect(secrets.length).toBeGreaterThan(5);
    for (const s of secrets) {
      expect(r.text).not.toContain(s);
      expect(r.text).not.toContain(s.slice(8));
      expect(r.text).not.toContain(createHash("sha256").update(s).digest("hex"));
    }
    expect(r.text).not.toMatch(/"hash"|"secret"/);
  });

  it("refuses bad input with the field's path, and audits create and revoke with the actor", async () => {
    const bad = await call("POST", "/api/tokens", { name: "x", kind: "worker", role: "admin" });
    expect(bad.status).toBe(400);
    expect(errorBody(bad).error.message).toMatch(/role: a worker token has no role/);
    const badEnv = await call("POST", "/api/tokens", { name: "y", kind: "worker", environment: "Not Valid" });
    expect(badEnv.status).toBe(400);
    expect(errorBody(badEnv).error.message).toMatch(/environment:/);
    const dup = await call("POST", "/api/tokens", { name: "edge-1", kind: "worker" });
    expect(dup.status).toBe(409);
    const audit = await call.as(AuditList, "GET", "/api/audit?action=token");
    expect(audit.find((e) => e.action === "token.create" && e.target === "ci-viewer")?.summary).toBe("created api token ci-viewer (viewer)");
    expect(audit.find((e) => e.action === "token.revoke" && e.target === "edge-2")?.summary).toBe("revoked worker token edge-2");
    expect(JSON.stringify(audit)).not.toContain(secrets[0].slice(8));
  });
});
