// WebSocket hub at /ws/worker (protocol: docs/ARCHITECTURE.md, proxy-core/src/protocol.ts).
// One session per node id. The live snapshot goes to a worker on hello when it runs something else, and to
// every worker on each publish/rollback; ACK/NACK land in the Node table. Stats messages feed a per-node ring
// buffer (last 5 minutes, one point per second) for /api/stats/live; events are kept in a short list; spans go to
// the trace store (last 5,000 spans) for /api/traces.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { randomUUID } from "node:crypto";
import { WebSocketServer, type WebSocket, type RawData } from "ws";
import { PROTOCOL_VERSION, WORKER_WS_PATH, WorkerToConsole, type HelloMessage, type SnapshotMessage, type StatsMessage } from "../../proxy-core/src/config/index";
import { bearerToken, checkToken } from "../auth";
import { markAllDisconnected, nodeApplied, nodeConnected, nodeDisconnected, nodeRejected, nodeSeen } from "../repos/node-repo";
import type { Resources } from "../config/draft-mapper";
import type { ControlPlane, HubEvent, LivePoint } from "./registry";
import { TraceStore, type TraceView } from "./trace-store";

export { WORKER_WS_PATH };

const HELLO_TIMEOUT_MS = 10_000;
const PING_INTERVAL_MS = 15_000;
const SEEN_WRITE_INTERVAL_MS = 5_000;
const STATS_WINDOW_S = 300;
const MAX_EVENTS = 200;

type LiveVersion = { id: string; number: number; snapshot: Resources };
type Bucket = Omit<LivePoint, "t">;

interface Session {
  ws: WebSocket;
  nodeId: string | null;
  remote: string;
  queue: Promise<void>;
  alive: boolean;
  lastSeenWrite: number;
  /** last value of every counter seen in this session (stats carry cumulative counters, changed ones only) */
  counters: Map<string, number> | null;
  /** nonce of the last snapshot sent: an ACK/NACK with another one answers a superseded snapshot */
  nonce: string | null;
}

const RQ_RE = /^http\.(.+)\.downstream_rq_(total|2xx|4xx|5xx)$/;

export class Hub implements ControlPlane {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 32 * 1024 * 1024 });
  private readonly sessions = new Map<string, Session>();
  private readonly all = new Set<Session>();
  private readonly stats = new Map<string, Map<number, Bucket>>();
  private readonly events: HubEvent[] = [];
  private readonly traceStore = new TraceStore();
  private live: LiveVersion | null = null;
  private pinger: NodeJS.Timeout | null = null;
  /** worker messages refused: not JSON, not in the protocol, or answering a superseded snapshot */
  readonly refused = { malformed: 0, unknown: 0, staleNonce: 0 };
  #lastRefusalLog = 0;

  constructor(private readonly opts: { loadLive: () => Promise<LiveVersion | null>; log?: (m: string) => void }) {}

  private log(m: string) {
    (this.opts.log ?? ((s: string) => console.log(s)))(`[hub] ${m}`);
  }

  async start(): Promise<void> {
    await markAllDisconnected();
    this.live = await this.opts.loadLive();
    this.pinger = setInterval(() => {
      for (const s of this.all) {
        if (!s.alive) {
          s.ws.terminate();
          continue;
        }
        s.alive = false;
        s.ws.ping();
      }
    }, PING_INTERVAL_MS);
    this.pinger.unref();
  }

  /** For server.ts's 'upgrade' listener, only for WORKER_WS_PATH. Refuses a missing/wrong token with 401. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const token = bearerToken(req.headers.authorization);
    if (!checkToken(token)) {
      const body = JSON.stringify({ error: { code: "unauthorized", message: "missing or invalid worker token" } });
      socket.end(`HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req));
  }

  private onConnection(ws: WebSocket, req: IncomingMessage) {
    const s: Session = { ws, nodeId: null, remote: req.socket.remoteAddress ?? "?", queue: Promise.resolve(), alive: true, lastSeenWrite: 0, counters: null, nonce: null };
    this.all.add(s);
    const helloTimer = setTimeout(() => {
      if (!s.nodeId) ws.close(4001, "hello expected");
    }, HELLO_TIMEOUT_MS);
    ws.on("pong", () => (s.alive = true));
    ws.on("message", (data: RawData) => {
      s.alive = true;
      s.queue = s.queue.then(() => this.onMessage(s, data)).catch((e) => this.log(`message from ${s.nodeId ?? s.remote} failed: ${(e as Error).message}`));
    });
    ws.on("close", () => {
      clearTimeout(helloTimer);
      this.all.delete(s);
      const id = s.nodeId;
      if (id && this.sessions.get(id) === s) {
        this.sessions.delete(id);
        this.event({ ts: Date.now(), node: id, kind: "disconnected", details: {} });
        s.queue = s.queue.then(() => nodeDisconnected(id)).catch(() => {});
        this.log(`node ${id} disconnected`);
      }
    });
    ws.on("error", (e) => this.log(`socket error (${s.nodeId ?? s.remote}): ${e.message}`));
  }

  /** Counts a refused message and logs it, at most once a second so a misbehaving worker cannot flood the log. */
  private refuse(kind: keyof Hub["refused"], s: Session, why: string) {
    this.refused[kind]++;
    const now = Date.now();
    if (now - this.#lastRefusalLog < 1000) return;
    this.#lastRefusalLog = now;
    this.log(`ignoring a message from ${s.nodeId ?? s.remote}: ${why} (refused so far: ${JSON.stringify(this.refused)})`);
  }

  private async onMessage(s: Session, data: RawData) {
    let raw: unknown;
    try {
      raw = JSON.parse(data.toString());
    } catch {
      return this.refuse("malformed", s, "not JSON");
    }
    const parsed = WorkerToConsole.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      const type = raw && typeof raw === "object" && "type" in raw ? String((raw as { type: unknown }).type) : "?";
      return this.refuse("unknown", s, `type ${type}: ${i ? `${i.path.join(".") || "message"}: ${i.message}` : "not in the protocol"}`);
    }
    const msg = parsed.data;
    if (msg.type === "hello") return this.onHello(s, msg);
    if (!s.nodeId) {
      s.ws.close(4001, "hello expected");
      return;
    }
    const nodeId = s.nodeId;
    switch (msg.type) {
      case "ack":
        if (msg.nonce !== s.nonce) return this.refuse("staleNonce", s, `ack of version ${msg.version} with nonce ${msg.nonce}, superseded`);
        await nodeApplied(nodeId, msg.version);
        s.lastSeenWrite = Date.now();
        return;
      case "nack": {
        if (msg.nonce !== s.nonce) return this.refuse("staleNonce", s, `nack of version ${msg.version} with nonce ${msg.nonce}, superseded`);
        const error = msg.error;
        const applied = msg.appliedVersion;
        await nodeRejected(nodeId, error, applied);
        s.lastSeenWrite = Date.now();
        this.event({ ts: Date.now(), node: nodeId, kind: "nack", details: { version: msg.version, error } });
        this.log(`node ${nodeId} rejected version ${String(msg.version)}: ${error}`);
        return;
      }
      case "stats":
        this.onStats(s, nodeId, msg);
        break;
      case "spans":
        this.traceStore.add(nodeId, msg.spans);
        break;
      case "event":
        this.event({ ts: msg.ts, node: nodeId, kind: msg.kind, cluster: msg.cluster, details: msg.details });
        break;
      default:
        break;
    }
    if (Date.now() - s.lastSeenWrite > SEEN_WRITE_INTERVAL_MS) {
      s.lastSeenWrite = Date.now();
      await nodeSeen(nodeId);
    }
  }

  private async onHello(s: Session, msg: HelloMessage) {
    if (msg.protocol !== PROTOCOL_VERSION) {
      s.ws.close(4002, `unsupported protocol ${String(msg.protocol)} (console speaks ${PROTOCOL_VERSION})`);
      return;
    }
    const nodeId = msg.nodeId;
    if (s.nodeId && s.nodeId !== nodeId) {
      s.ws.close(4003, "hello needs a nodeId");
      return;
    }
    const previous = this.sessions.get(nodeId);
    if (previous && previous !== s) previous.ws.close(4000, "replaced by a new connection");
    s.nodeId = nodeId;
    s.counters = null;
    this.sessions.set(nodeId, s);
    const applied = msg.appliedVersion;
    await nodeConnected(nodeId, msg.admin ?? null, applied);
    s.lastSeenWrite = Date.now();
    this.event({ ts: Date.now(), node: nodeId, kind: "connected", details: { appliedVersion: applied } });
    this.log(`node ${nodeId} connected (applied ${applied ?? "nothing"})`);
    if (this.live && this.live.id !== applied) this.send(s, this.live);
  }

  private send(s: Session, v: LiveVersion) {
    const msg: SnapshotMessage = { type: "snapshot", version: v.id, number: v.number, nonce: randomUUID(), resources: v.snapshot as SnapshotMessage["resources"] };
    if (s.ws.readyState !== s.ws.OPEN) return;
    s.nonce = msg.nonce;
    s.ws.send(JSON.stringify(msg));
  }

  pushLive(v: LiveVersion): void {
    this.live = v;
    for (const s of this.sessions.values()) this.send(s, v);
  }

  connectedNodes(): string[] {
    return [...this.sessions.keys()];
  }

  // ---------------------------------------------------------------- stats

  private onStats(s: Session, nodeId: string, msg: StatsMessage) {
    const counters = msg.counters;
    const first = s.counters === null;
    const last = (s.counters ??= new Map());
    const delta: Bucket = { rps: 0, rq2xx: 0, rq4xx: 0, rq5xx: 0 };
    for (const [name, raw] of Object.entries(counters)) {
      if (typeof raw !== "number" || !Number.isFinite(raw)) continue;
      const prev = last.get(name);
      last.set(name, raw);
      const m = RQ_RE.exec(name);
      if (!m) continue;
      // the first report of a session is the baseline; counters first seen later started from 0;
      // a counter that went down means the worker restarted
      const d = prev === undefined ? (first ? 0 : raw) : raw >= prev ? raw - prev : raw;
      if (m[2] === "total") delta.rps += d;
      else if (m[2] === "2xx") delta.rq2xx += d;
      else if (m[2] === "4xx") delta.rq4xx += d;
      else delta.rq5xx += d;
    }
    const sec = Math.floor(Date.now() / 1000);
    let ring = this.stats.get(nodeId);
    if (!ring) this.stats.set(nodeId, (ring = new Map()));
    const b = ring.get(sec) ?? { rps: 0, rq2xx: 0, rq4xx: 0, rq5xx: 0 };
    b.rps += delta.rps;
    b.rq2xx += delta.rq2xx;
    b.rq4xx += delta.rq4xx;
    b.rq5xx += delta.rq5xx;
    ring.set(sec, b);
    for (const k of ring.keys()) if (k <= sec - STATS_WINDOW_S) ring.delete(k);
  }

  liveStats(nodeId: string, seconds = 60): LivePoint[] {
    const ring = this.stats.get(nodeId);
    const now = Math.floor(Date.now() / 1000);
    const out: LivePoint[] = [];
    const n = Math.min(Math.max(1, seconds), STATS_WINDOW_S);
    // the current second is still filling: end at the last complete one
    for (let t = now - n; t < now; t++) {
      const b = ring?.get(t);
      out.push({ t: t * 1000, rps: b?.rps ?? 0, rq2xx: b?.rq2xx ?? 0, rq4xx: b?.rq4xx ?? 0, rq5xx: b?.rq5xx ?? 0 });
    }
    return out;
  }

  // ---------------------------------------------------------------- events

  private event(e: HubEvent) {
    this.events.push(e);
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
  }

  recentEvents(limit = 50): HubEvent[] {
    return this.events.slice(-limit).reverse();
  }

  traces(limit = 100): TraceView[] {
    return this.traceStore.traces(limit);
  }

  // ---------------------------------------------------------------- shutdown

  async close(): Promise<void> {
    if (this.pinger) clearInterval(this.pinger);
    for (const s of this.all) s.ws.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
    await markAllDisconnected().catch(() => {});
  }
}
