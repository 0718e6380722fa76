// Named tokens on a temporary SQLite file, and the hub enrolling workers with them over real WebSockets on
// 127.0.0.1: what tokenActor answers for live, revoked, expired, unknown and worker secrets; a list that never holds
// a secret or its hash; a worker refused before its socket opens (and audited), scoped to its environment, and
// disconnected when its token is revoked.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { migrate } from "../migrate";
import { closeDb } from "../db";
import { ensureStarterVersion, getLiveVersion } from "../config/config-service";
import { setControlPlane } from "../control-plane/registry";
import { CLOSE_ENVIRONMENT_REFUSED, CLOSE_TOKEN_REVOKED, Hub, WORKER_WS_PATH } from "../control-plane/hub";
import { listAudit } from "../repos/audit-repo";
import { ApiTokenList } from "../contract/tokens";
import { PROTOCOL_VERSION } from "../../proxy-core/src/config/index";
import { createToken, listTokens, revokeToken } from "./token-service";
import { tokenActor } from "./token-actor";
import { ensureBundledWorkerToken } from "./bundled-worker-token";

const ADMIN = "tokens-test-admin-token";
let dir: string;
let hub: Hub;
let server: http.Server;
let url: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-tokens-"));
  process.env.SIGNALBOX_DATA_DIR = dir;
  process.env.DATABASE_URL = "file:" + path.join(dir, "tokens.db");
  process.env.SIGNALBOX_ADMIN_TOKEN = ADMIN;
  process.env.SIGNALBOX_STARTER_LISTENER = "127.0.0.1:18997";
  await migrate("deploy", undefined, { log: () => {} });
  await ensureStarterVersion();
  hub = new Hub({
    loadLive: async () => {
      const v = await getLiveVersion();
      return v ? { id: v.id, number: v.number, snapshot: v.snapshot } : null;
    },
    log: () => {},
  });
  await hub.start();
  setControlPlane(hub);
  server = http.createServer();
  server.on("upgrade", (req, socket, head) => hub.handleUpgrade(req, socket, head));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}${WORKER_WS_PATH}`;
});

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  setControlPlane(null);
  await hub?.close();
  await new Promise<void>((r) => server?.close(() => r()));
  await closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Opens /ws/worker with `secret`: the open socket, or the HTTP status it was refused with. */
function dial(secret: string | null): Promise<{ ws: WebSocket } | { status: number }> {
  return new Promise<{ ws: WebSocket } | { status: number }>((resolve, reject) => {
    const ws = new WebSocket(url, { headers: secret ? { authorization: `Bearer ${secret}` } : {} });
    ws.once("open", () => resolve({ ws }));
    ws.once("unexpected-response", (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once("error", (e) => reject(e));
  }).catch((e: Error) => ({ status: -1, error: e.message }));
}

const closed = (ws: WebSocket) => new Promise<{ code: number; reason: string }>((r) => ws.once("close", (code, reason) => r({ code, reason: reason.toString() })));
const hello = (ws: WebSocket, nodeId: string, environment?: string) =>
  ws.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION, nodeId, appliedVersion: null, ...(environment ? { environment } : {}) }));
const firstMessage = (ws: WebSocket) => new Promise<{ type: string }>((r) => ws.once("message", (d) => r(JSON.parse(d.toString()) as { type: string })));

describe("api tokens", () => {
  it("resolves a live api token to its actor, and nothing else", async () => {
    const { token, secret } = await createToken({ name: "ci-read", kind: "api", role: "viewer" }, "admin");
    expect(secret).toMatch(/^sbx_[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({ name: "ci-read", kind: "api", role: "viewer", environment: null, prefix: secret.slice(0, 8), createdBy: "admin", expired: false });
    expect(await tokenActor(secret, "10.0.0.9")).toEqual({ kind: "token", id: token.id, name: "ci-read", role: "viewer", sessionId: null, source: "10.0.0.9", teams: [] });
    expect(await tokenActor(secret.slice(0, -1) + (secret.endsWith("A") ? "B" : "A"), null)).toBeNull();
    expect(await tokenActor(ADMIN, null)).toBeNull();
    const worker = await createToken({ name: "w-only", kind: "worker" }, "admin");
    expect(await tokenActor(worker.secret, null)).toBeNull();

    // its use is recorded
    expect((await listTokens()).find((t) => t.id === token.id)?.lastUsedAt).not.toBeNull();

    await revokeToken(token.id, "admin");
    expect(await tokenActor(secret, null)).toBeNull();
    await expect(revokeToken(token.id, "admin")).rejects.toThrow(/does not exist or is revoked already/);
    // its name is free again
    await createToken({ name: "ci-read", kind: "api" }, "admin");
    await expect(createToken({ name: "ci-read", kind: "api" }, "admin")).rejects.toThrow(/exists already/);
  });

  it("refuses an expired token", async () => {
    const { secret } = await createToken({ name: "short", kind: "api", role: "editor", expiresInDays: 1 }, "admin");
    expect((await tokenActor(secret, null))?.role).toBe("editor");
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 25 * 3600 * 1000);
    expect(await tokenActor(secret, null)).toBeNull();
    expect((await listTokens()).find((t) => t.name === "short")?.expired).toBe(true);
  });

  it("lists tokens without a secret or a hash", async () => {
    const made = await createToken({ name: "listed", kind: "api", role: "admin" }, "admin");
    const text = JSON.stringify(ApiTokenList.parse(await listTokens()));
    expect(text).toContain("listed");
    expect(text).not.toContain(made.secret);
    expect(text).not.toContain(made.secret.slice(8));
    expect(text).not.toMatch(/"hash"/);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
  });

  it("audits create and revoke with the actor", async () => {
    const { token } = await createToken({ name: "audited", kind: "api" }, "alice@example.com");
    await revokeToken(token.id, "bob@example.com");
    const entries = await listAudit({ action: "token" });
    expect(entries.find((e) => e.action === "token.create" && e.target === "audited")?.actor).toBe("alice@example.com");
    expect(entries.find((e) => e.action === "token.revoke" && e.target === "audited")?.actor).toBe("bob@example.com");
  });
});

describe("worker enrollment", () => {
  it("refuses a missing, wrong, api or revoked token with 401 before the socket opens, and audits it", async () => {
    expect(await dial(null)).toEqual({ status: 401 });
    const wrong = "sbx_" + "x".repeat(43);
    expect(await dial(wrong)).toEqual({ status: 401 });
    const api = await createToken({ name: "not-a-worker", kind: "api", role: "admin" }, "admin");
    expect(await dial(api.secret)).toEqual({ status: 401 });
    const w = await createToken({ name: "gone", kind: "worker" }, "admin");
    await revokeToken(w.token.id, "admin");
    expect(await dial(w.secret)).toEqual({ status: 401 });
    await vi.waitFor(async () => {
      const refused = await listAudit({ action: "worker.refused" });
      const reasons = refused.map((e) => (e.details as { reason: string; prefix: string | null }));
      expect(reasons).toEqual(
        expect.arrayContaining([
          { address: "127.0.0.1", prefix: null, reason: "no token" },
          { address: "127.0.0.1", prefix: "sbx_xxxx", reason: "unknown token" },
          { address: "127.0.0.1", prefix: api.secret.slice(0, 8), reason: "api token not-a-worker used as a worker token" },
          { address: "127.0.0.1", prefix: w.secret.slice(0, 8), reason: "revoked token gone" },
        ]),
      );
      // never the secret
      expect(JSON.stringify(refused)).not.toContain(w.secret.slice(8));
    });
  });

  it("takes a live worker token and the bootstrap admin token", async () => {
    const w = await createToken({ name: "edge-1", kind: "worker", environment: "default" }, "admin");
    const c = await dial(w.secret);
    if (!("ws" in c)) throw new Error(`refused: ${c.status}`);
    const snap = firstMessage(c.ws);
    hello(c.ws, "edge-1");
    expect((await snap).type).toBe("snapshot");
    const boot = await dial(ADMIN);
    expect("ws" in boot).toBe(true);
    if ("ws" in boot) boot.ws.close();
    c.ws.close();
  });

  it("closes the session of a worker whose token is revoked", async () => {
    const w = await createToken({ name: "edge-2", kind: "worker" }, "admin");
    const c = await dial(w.secret);
    if (!("ws" in c)) throw new Error(`refused: ${c.status}`);
    const snap = firstMessage(c.ws);
    hello(c.ws, "edge-2");
    await snap;
    const end = closed(c.ws);
    const r = await revokeToken(w.token.id, "admin");
    expect(r.disconnected).toBe(1);
    expect(await end).toEqual({ code: CLOSE_TOKEN_REVOKED, reason: "worker token revoked" });
    expect(await dial(w.secret)).toEqual({ status: 401 });
  });

  it("lets an environment-scoped token say hello into its environment only", async () => {
    const w = await createToken({ name: "staging-1", kind: "worker", environment: "staging" }, "admin");
    const c = await dial(w.secret);
    if (!("ws" in c)) throw new Error(`refused: ${c.status}`);
    const end = closed(c.ws);
    hello(c.ws, "staging-1", "prod");
    expect(await end).toEqual({ code: CLOSE_ENVIRONMENT_REFUSED, reason: "token is for environment staging, not prod" });
    expect(hub.connectedNodes()).not.toContain("staging-1");

    const ok = await dial(w.secret);
    if (!("ws" in ok)) throw new Error(`refused: ${ok.status}`);
    hello(ok.ws, "staging-1", "staging");
    await vi.waitFor(() => expect(hub.connectedNodes("staging")).toContain("staging-1"));
    ok.ws.close();
    await vi.waitFor(async () => {
      const e = (await listAudit({ action: "worker.refused" })).find((x) => x.actor === "staging-1");
      expect((e?.details as { reason: string }).reason).toBe("node staging-1: worker token staging-1 is for environment staging, not prod");
    });
  });

  it("keeps the bundled worker's token across restarts and makes a new one when it is revoked", async () => {
    const first = await ensureBundledWorkerToken(dir);
    expect(first.created).toBe(true);
    expect(fs.statSync(path.join(dir, "worker-token")).mode & 0o777).toBe(0o600);
    const again = await ensureBundledWorkerToken(dir);
    expect(again).toEqual({ secret: first.secret, created: false });
    const t = (await listTokens()).find((x) => x.name === "bundled worker")!;
    expect(t).toMatchObject({ kind: "worker", environment: "default", createdBy: "system" });
    await revokeToken(t.id, "admin");
    const renewed = await ensureBundledWorkerToken(dir);
    expect(renewed.created).toBe(true);
    expect(renewed.secret).not.toBe(first.secret);
    expect(fs.readFileSync(path.join(dir, "worker-token"), "utf8").trim()).toBe(renewed.secret);
    // a lost file: the old token is revoked and a new one made under the same name
    fs.rmSync(path.join(dir, "worker-token"));
    const lost = await ensureBundledWorkerToken(dir);
    expect(lost.created).toBe(true);
    expect((await listTokens()).filter((x) => x.name === "bundled worker")).toHaveLength(1);
  });
});
