// Two console replicas in one process on one SQLite file, each a real Hub with its own replica id, heartbeat and
// live watcher, and workers as real WebSocket clients speaking the protocol: a version published through replica A
// reaches a worker held by replica B; a replica that stops beating has its nodes read as disconnected and released
// by the other's sweep; a late close on the old replica does not mark disconnected a node that moved to the new one;
// a TLS secret rotated through replica A reaches the worker replica B holds.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { migrate } from "../migrate";
import { closeDb } from "../db";
import { ensureStarterVersion, getDraftDocument, getLiveVersion, publish, replaceDraft } from "../config/config-service";
import { setControlPlane } from "../control-plane/registry";
import { Hub, WORKER_WS_PATH } from "../control-plane/hub";
import { listNodes } from "../repos/node-repo";
import { beat } from "../repos/replica-repo";
import { loadCanary } from "../rollout/rollout-service";
import { putDraftListener } from "../config/draft-listeners";
import { createSecret, deliveredSecrets, rotateSecret, sealingKeyWarnings } from "../secrets/secret-service";
import { SYSTEM_ACTOR } from "../actor";
import { updateSettings } from "../settings/settings-service";
import { ConsoleToWorker, PROTOCOL_VERSION, type SecretsMessage, type SnapshotMessage } from "../../proxy-core/src/config/index";
import { freePort } from "../../proxy-core/test/kit/ports";
import { ReplicaHeartbeat } from "./heartbeat";
import { LiveWatcher } from "./live-watcher";
import { livePointers } from "./live-pointers";

const TOKEN = "replicas-test-token";
let dir: string;

interface Replica {
  hub: Hub;
  heartbeat: ReplicaHeartbeat;
  watcher: LiveWatcher;
  server: http.Server;
  url: string;
  /** times its watcher reported the settings changed */
  settingsChanges: number;
}
const replicas: Replica[] = [];

const loadLive = async () => {
  const v = await getLiveVersion();
  return v ? { id: v.id, number: v.number, snapshot: v.snapshot } : null;
};

async function startReplica(id: string, beatEveryMs = 100): Promise<Replica> {
  const heartbeat = new ReplicaHeartbeat({ id, address: id, exclusive: false, everyMs: beatEveryMs, log: () => {} });
  await heartbeat.start();
  const hub = new Hub({ loadLive, loadCanary, loadSecrets: () => deliveredSecrets(), replica: id, log: () => {} });
  await hub.start();
  const changes = { n: 0 };
  const watcher = new LiveWatcher({ target: hub, pointers: livePointers, loadLive, loadCanary, pollEveryMs: 100, log: () => {}, settingsChanged: () => changes.n++ });
  watcher.start();
  const server = http.createServer();
  server.on("upgrade", (req, socket, head) => hub.handleUpgrade(req, socket, head));
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", () => r()));
  const r = {
    hub, heartbeat, watcher, server, url: `ws://127.0.0.1:${port}${WORKER_WS_PATH}`,
    get settingsChanges() {
      return changes.n;
    },
  };
  replicas.push(r);
  return r;
}

async function stopReplica(r: Replica) {
  await r.watcher.stop();
  await r.hub.close();
  await r.heartbeat.stop();
  await new Promise<void>((res) => r.server.close(() => res()));
  replicas.splice(replicas.indexOf(r), 1);
}

/** A worker: says hello as `nodeId`, collects snapshots, ACKs each. */
async function worker(url: string, nodeId: string) {
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${TOKEN}` } });
  const snapshots: SnapshotMessage[] = [];
  const secrets: SecretsMessage[] = [];
  ws.on("message", (d) => {
    const m = ConsoleToWorker.parse(JSON.parse(d.toString()));
    if (m.type === "secrets") secrets.push(m);
    if (m.type !== "snapshot") return;
    snapshots.push(m);
    ws.send(JSON.stringify({ type: "ack", version: m.version, nonce: m.nonce }));
  });
  await new Promise<void>((res, rej) => ws.once("open", () => res()).once("error", rej));
  ws.send(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION, nodeId, appliedVersion: null }));
  return { ws, snapshots, secrets };
}

async function until(fn: () => Promise<boolean> | boolean, ms = 3000) {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

const nodeRow = async (id: string) => (await listNodes()).find((n) => n.id === id);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-replicas-"));
  process.env.SIGNALBOX_DATA_DIR = dir;
  process.env.DATABASE_URL = "file:" + path.join(dir, "replicas.db");
  process.env.SIGNALBOX_ADMIN_TOKEN = TOKEN;
  process.env.SIGNALBOX_STARTER_LISTENER = "127.0.0.1:18997";
  await migrate("deploy", undefined, { log: () => {} });
  await ensureStarterVersion();
});

afterAll(async () => {
  setControlPlane(null);
  for (const r of [...replicas]) await stopReplica(r);
  await closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("console replicas sharing one database", () => {
  it("sends a version published through replica A to the workers replica B holds", async () => {
    const a = await startReplica("a");
    const b = await startReplica("b");
    // the process's publishes notify replica A's hub only, as they would in replica A's process
    setControlPlane(a.hub);
    const w = await worker(b.url, "w1");
    await until(() => w.snapshots.length === 1);
    await until(async () => (await nodeRow("w1"))?.replica === "b");

    const doc = await getDraftDocument();
    doc.static_resources.clusters.push({ name: "through-a", type: "STATIC", connect_timeout: "1s", load_assignment: { cluster_name: "through-a", endpoints: [] } });
    await replaceDraft(doc, "test");
    const v = await publish("through replica a", "test");
    await until(() => w.snapshots.some((s) => s.version === v.id));
    await until(async () => (await nodeRow("w1"))?.appliedVersionId === v.id);
    // B's hub follows the new live version: nothing is resent on the next poll
    await new Promise((r) => setTimeout(r, 300));
    expect(w.snapshots.filter((s) => s.version === v.id)).toHaveLength(1);
    w.ws.close();
    await until(async () => (await nodeRow("w1"))?.connected === false);
    await stopReplica(b);
    await stopReplica(a);
  });

  it("reads the nodes of a replica that stopped beating as disconnected, and the other replica's sweep releases them", async () => {
    const a = await startReplica("a2", 500);
    // b2 beats once, at its start
    const b = await startReplica("b2", 3_600_000);
    const w = await worker(b.url, "w2");
    await until(async () => (await nodeRow("w2"))?.connected === true && (await nodeRow("w2"))?.replica === "b2");
    // replica b2 froze a minute ago: its last beat is old, its sessions still open (a lost host whose sockets never reset)
    await beat({ id: "b2", address: "b2", pid: 0, startedAt: new Date(0) }, new Date(Date.now() - 60_000));
    expect((await nodeRow("w2"))?.connected).toBe(false);
    // a2's sweep writes it down in the row too
    await until(async () => {
      const { db } = await import("../db");
      return (await db().node.findUnique({ where: { id: "w2" } }))?.connected === false;
    });
    w.ws.terminate();
    await stopReplica(b);
    await stopReplica(a);
  });

  it("keeps a node connected through its new replica when the old replica's session closes late", async () => {
    const a = await startReplica("a3");
    const b = await startReplica("b3");
    const old = await worker(b.url, "w3");
    await until(async () => (await nodeRow("w3"))?.replica === "b3");
    const moved = await worker(a.url, "w3");
    await until(async () => (await nodeRow("w3"))?.replica === "a3");
    old.ws.close();
    await new Promise((r) => setTimeout(r, 300));
    expect(await nodeRow("w3")).toMatchObject({ connected: true, replica: "a3" });
    moved.ws.close();
    await until(async () => (await nodeRow("w3"))?.connected === false);
    await stopReplica(b);
    await stopReplica(a);
  });

  it("sends a TLS secret rotated through replica A to the worker replica B holds", async () => {
    const pem = (n: string) => {
      execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", `${n}.key`, "-out", `${n}.crt`, "-days", "30", "-subj", "/CN=edge.example.com"], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
      return { certificate_chain: fs.readFileSync(path.join(dir, `${n}.crt`), "utf8"), private_key: fs.readFileSync(path.join(dir, `${n}.key`), "utf8") };
    };
    await createSecret({ name: "edge-cert", kind: "tls_certificate", ...pem("one") }, SYSTEM_ACTOR);
    await putDraftListener("tls", { name: "tls", port: 18996, protocol: "https", secrets: ["edge-cert"] }, "test");
    const a = await startReplica("a4");
    const b = await startReplica("b4");
    setControlPlane(a.hub);
    const v = await publish("tls listener", "test");
    const w = await worker(b.url, "w4");
    await until(() => w.snapshots.some((s) => s.version === v.id) && w.secrets.length === 1);
    const first = w.secrets[0].secrets[0];
    await rotateSecret("edge-cert", { kind: "tls_certificate", ...pem("two") }, SYSTEM_ACTOR);
    await until(() => w.secrets.length === 2);
    expect(w.secrets[1].secrets[0]).toMatchObject({ name: "edge-cert" });
    expect(w.secrets[1].secrets[0]).not.toEqual(first);
    w.ws.close();
    // the settings too: retention changed through A reaches B's telemetry
    expect(b.settingsChanges).toBe(0);
    await updateSettings({ retentionHours: 48 }, "test");
    await until(() => b.settingsChanges === 1);
    // a replica started with another sealing key says so: it cannot open what the others stored
    expect(await sealingKeyWarnings()).toEqual([]);
    process.env.SIGNALBOX_SECRET_KEY = "another replica's passphrase, long enough";
    try {
      expect(await sealingKeyWarnings()).toEqual([expect.stringMatching(/1 TLS secret was sealed with key \w+, but this console's key is \w+.*SIGNALBOX_SECRET_KEY/)]);
    } finally {
      delete process.env.SIGNALBOX_SECRET_KEY;
    }
    await stopReplica(b);
    await stopReplica(a);
  });
});
