// The hub against a real WebSocket client speaking the worker protocol, on a temporary SQLite file, feeding the
// real telemetry (lib/telemetry) as server.ts wires them.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { migrate } from "../migrate";
import { closeDb } from "../db";
import { ensureStarterVersion, getDraftDocument, getLiveVersion, publish, replaceDraft } from "../config/config-service";
import { setControlPlane } from "./registry";
import { listNodeViews } from "./nodes";
import { Hub, WORKER_WS_PATH } from "./hub";
import { Telemetry } from "../telemetry/telemetry";
import { DEFAULT_SETTINGS } from "../contract/settings";
import { ConsoleToWorker, PROTOCOL_VERSION, type SnapshotMessage, type WorkerToConsole } from "../../proxy-core/src/config/index";

const TOKEN = "hub-test-token";
let dir: string;
let hub: Hub;
let telemetry: Telemetry;
let server: http.Server;
let url: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-hub-"));
  process.env.SIGNALBOX_DATA_DIR = dir;
  process.env.DATABASE_URL = "file:" + path.join(dir, "hub.db");
  process.env.SIGNALBOX_ADMIN_TOKEN = TOKEN;
  process.env.SIGNALBOX_STARTER_LISTENER = "127.0.0.1:18998";
  await migrate("deploy", undefined, { log: () => {} });
  await ensureStarterVersion();
  telemetry = new Telemetry({ liveResources: () => hub.liveResources(), settings: DEFAULT_SETTINGS, log: () => {} });
  await telemetry.start();
  hub = new Hub({
    sink: telemetry.ingest,
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

afterAll(async () => {
  setControlPlane(null);
  await hub.close();
  await telemetry.stop();
  await new Promise<void>((r) => server.close(() => r()));
  await closeDb();
  fs.rmSync(dir, { recursive: true, force: true });
});

// what the console sends a worker, checked against the protocol as the worker checks it
type Msg = SnapshotMessage;

/** A worker's message, in the protocol (the tests of off-protocol input send theirs raw). */
const send = (ws: WebSocket, m: WorkerToConsole) => ws.send(JSON.stringify(m));

function connect(token: string | null): Promise<{ ws: WebSocket; next: (ms?: number) => Promise<Msg | null> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const inbox: Msg[] = [];
    const waiters: ((m: Msg) => void)[] = [];
    ws.on("message", (d) => {
      const m = ConsoleToWorker.parse(JSON.parse(d.toString()));
      if (m.type !== "snapshot") return; // secrets: none of these tests' snapshots reference one
      const w = waiters.shift();
      if (w) w(m);
      else inbox.push(m);
    });
    const next = (ms = 2000) =>
      new Promise<Msg | null>((res) => {
        if (inbox.length) return res(inbox.shift()!);
        const t = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          res(null);
        }, ms);
        const w = (m: Msg) => {
          clearTimeout(t);
          res(m);
        };
        waiters.push(w);
      });
    ws.once("open", () => resolve({ ws, next }));
    ws.once("error", reject);
  });
}

const until = async (fn: () => Promise<boolean>, ms = 2000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("condition not met");
};

describe("control-plane hub", () => {
  it("refuses a connection without the token (401)", async () => {
    await expect(connect(null)).rejects.toThrow(/401/);
    await expect(connect("wrong")).rejects.toThrow(/401/);
  });

  it("sends the live snapshot on hello, records the ACK, pushes publishes, records a NACK", async () => {
    const live = (await getLiveVersion())!;
    const { ws, next } = await connect(TOKEN);
    send(ws, { type: "hello", protocol: PROTOCOL_VERSION, nodeId: "n1", appliedVersion: null, admin: "127.0.0.1:1" });
    const snap = (await next())!;
    expect(snap).toMatchObject({ type: "snapshot", version: live.id, number: 1 });
    expect(snap.resources).toEqual(live.snapshot);
    send(ws, { type: "ack", version: snap.version, nonce: snap.nonce });
    await until(async () => (await listNodeViews()).some((n) => n.id === "n1" && n.connected && n.appliedVersion === live.id));

    // a publish needs a change: add a cluster to the draft
    const doc = await getDraftDocument();
    doc.static_resources.clusters.push({ name: "again", type: "STATIC", connect_timeout: "1s", load_assignment: { cluster_name: "again", endpoints: [] } });
    await replaceDraft(doc, "test");
    const v2 = await publish("again", "test");
    const pushed = (await next())!;
    expect(pushed).toMatchObject({ type: "snapshot", version: v2.id, number: 2 });
    send(ws, { type: "nack", version: v2.id, nonce: pushed.nonce, error: "bind failed", appliedVersion: live.id });
    await until(async () => (await listNodeViews()).some((n) => n.id === "n1" && n.lastError === "bind failed" && n.appliedVersion === live.id));
    expect(telemetry.events.recent().map((e) => e.kind)).toEqual(expect.arrayContaining(["nack", "publish", "connected"]));
    ws.close();
    await until(async () => (await listNodeViews()).some((n) => n.id === "n1" && !n.connected));
  });

  it("does not resend what a worker already runs", async () => {
    const live = (await getLiveVersion())!;
    const { ws, next } = await connect(TOKEN);
    send(ws, { type: "hello", protocol: PROTOCOL_VERSION, nodeId: "n2", appliedVersion: live.id });
    expect(await next(300)).toBeNull();
    await until(async () => (await listNodeViews()).some((n) => n.id === "n2" && n.connected && n.appliedVersion === live.id));
    ws.close();
  });

  it("marks a worker restarted from its cache on the live version applied, without resending it, and forgets its old error", async () => {
    const live = (await getLiveVersion())!;
    // before it restarted, the node refused the live version
    const before = await connect(TOKEN);
    send(before.ws, { type: "hello", protocol: PROTOCOL_VERSION, nodeId: "n7", appliedVersion: null });
    const snap = (await before.next())!;
    send(before.ws, { type: "nack", version: snap.version, nonce: snap.nonce, error: "port taken", appliedVersion: null });
    await until(async () => (await listNodeViews()).some((n) => n.id === "n7" && n.lastError === "port taken"));
    before.ws.close();
    await until(async () => (await listNodeViews()).some((n) => n.id === "n7" && !n.connected));
    // it came back serving the live version from its --cache-dir
    const { ws, next } = await connect(TOKEN);
    send(ws, { type: "hello", protocol: PROTOCOL_VERSION, nodeId: "n7", appliedVersion: live.id, cachedVersionId: live.id });
    expect(await next(300)).toBeNull();
    await until(async () => (await listNodeViews()).some((n) => n.id === "n7" && n.connected && n.state === "applied" && n.lastError === null));
    ws.close();
    // a cached version that is not live is replaced by the live one
    const stale = await connect(TOKEN);
    send(stale.ws, { type: "hello", protocol: PROTOCOL_VERSION, nodeId: "n8", appliedVersion: "an-older-id", cachedVersionId: "an-older-id" });
    expect(await stale.next()).toMatchObject({ type: "snapshot", version: live.id });
    stale.ws.close();
  });

  it("turns cumulative counters into per-second points", async () => {
    const live = (await getLiveVersion())!;
    const { ws } = await connect(TOKEN);
    send(ws, { type: "hello", protocol: PROTOCOL_VERSION, nodeId: "n3", appliedVersion: live.id });
    const stats = (counters: Record<string, number>) => send(ws, { type: "stats", ts: Date.now(), counters, gauges: {}, histograms: {} });
    stats({ "http.a.downstream_rq_total": 100, "http.a.downstream_rq_2xx": 100 }); // baseline: traffic before this session
    stats({ "http.a.downstream_rq_total": 107, "http.a.downstream_rq_2xx": 104, "http.a.downstream_rq_5xx": 3, "http.b.downstream_rq_total": 2 });
    await new Promise((r) => setTimeout(r, 1100));
    const points = telemetry.queries.liveStats("n3", 5);
    expect(points).toHaveLength(5);
    const sum = points.reduce((a, p) => ({ rps: a.rps + p.rps, rq2xx: a.rq2xx + p.rq2xx, rq5xx: a.rq5xx + p.rq5xx }), { rps: 0, rq2xx: 0, rq5xx: 0 });
    // requests/s counts responses: http.b's 2 requests have not been answered yet
    expect(sum).toEqual({ rps: 7, rq2xx: 4, rq5xx: 3 });
    expect(points[4].t - points[3].t).toBe(1000);
    ws.close();
  });

  it("keeps the spans workers send and groups them into traces, newest first", async () => {
    const live = (await getLiveVersion())!;
    const { ws } = await connect(TOKEN);
    send(ws, { type: "hello", protocol: PROTOCOL_VERSION, nodeId: "n5", appliedVersion: live.id });
    const span = (traceId: string, id: string, timestamp: number) => ({ traceId, id, name: "op", kind: "SERVER" as const, timestamp, duration: 5, localEndpoint: { serviceName: "s" }, tags: {} });
    // a message that breaks the protocol is refused whole and counted
    const unknownBefore = hub.refused.unknown;
    ws.send(JSON.stringify({ type: "spans", spans: [span("t9", "z", 1000), { nonsense: true }] }));
    await until(async () => hub.refused.unknown === unknownBefore + 1);
    send(ws, { type: "spans", spans: [span("t1", "a", 1000), span("t2", "c", 3000), span("t1", "b", 2000)] });
    await until(async () => telemetry.queries.searchTraces({ limit: 100 }).length === 2);
    const traces = telemetry.queries.searchTraces({ limit: 100 });
    expect(traces.map((t) => t.traceId)).toEqual(["t2", "t1"]);
    expect(traces[1].spans.map((s) => s.id)).toEqual(["a", "b"]);
    expect(traces[1].spans[0].node).toBe("n5");
    expect(telemetry.queries.searchTraces({ limit: 1 })).toHaveLength(1);
    ws.close();
  });

  it("counts and ignores what is not in the protocol, and an ACK/NACK that answers a superseded snapshot", async () => {
    const live = (await getLiveVersion())!;
    const { ws, next } = await connect(TOKEN);
    send(ws, { type: "hello", protocol: PROTOCOL_VERSION, nodeId: "n6", appliedVersion: null });
    const snap = (await next())!;
    const before = { ...hub.refused };
    ws.send("not json");
    ws.send(JSON.stringify({ type: "telemetry", x: 1 }));
    ws.send(JSON.stringify({ type: "stats", ts: "yesterday", counters: {}, gauges: {}, histograms: {} }));
    // a NACK with a nonce the console never sent changes nothing
    send(ws, { type: "nack", version: snap.version, nonce: "not-the-nonce", error: "stale", appliedVersion: null });
    await until(async () => hub.refused.malformed === before.malformed + 1 && hub.refused.unknown === before.unknown + 2 && hub.refused.staleNonce === before.staleNonce + 1);
    expect((await listNodeViews()).find((n) => n.id === "n6")!.lastError).toBeNull();
    send(ws, { type: "ack", version: snap.version, nonce: snap.nonce });
    await until(async () => (await listNodeViews()).some((n) => n.id === "n6" && n.appliedVersion === live.id && n.state === "applied"));
    ws.close();
  });

  it("closes a session that talks before hello, and one with another protocol", async () => {
    const a = await connect(TOKEN);
    const closedA = new Promise<number>((r) => a.ws.once("close", (code) => r(code)));
    send(a.ws, { type: "ack", version: "x", nonce: "y" });
    expect(await closedA).toBe(4001);
    const b = await connect(TOKEN);
    const closedB = new Promise<number>((r) => b.ws.once("close", (code) => r(code)));
    send(b.ws, { type: "hello", protocol: 99, nodeId: "n4", appliedVersion: null });
    expect(await closedB).toBe(4002);
  });
});
