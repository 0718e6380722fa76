// The control plane's transport: the WebSocket at /ws/worker (protocol: proxy-core/src/protocol.ts,
// docs/ARCHITECTURE.md). It authenticates workers, binds each session to its node id and environment on hello,
// keeps one live version per environment (as go-control-plane keeps a snapshot per node group), sends it (on
// hello when the worker runs something else, and to the environment's nodes on each publish/rollback; during a
// canary, lib/rollout/, the nodes its rule targets get the canary version instead), records
// ACK/NACK in the Node table (checking the nonce, as xDS does), and refuses what is not in the protocol. It
// knows nothing of telemetry: stats, events, spans and cluster reports go to the TelemetrySink as they are,
// like go-control-plane keeps its cache apart from its transport.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket, type RawData } from "ws";
import { PROTOCOL_VERSION, WORKER_WS_PATH, WorkerToConsole, type HelloMessage } from "../../proxy-core/src/config/index";
import { DEFAULT_ENVIRONMENT } from "../contract/environments";
import { ensureEnvironment } from "../repos/environment-repo";
import { bearerToken } from "../auth";
import { auditWorkerRefusal, workerGrant, type WorkerGrant } from "../tokens/worker-grant";
import { nodeApplied, nodeConnected, nodeDisconnected, nodeRejected, nodeSeen, releaseNodes } from "../repos/node-repo";
import { replicaId } from "../replicas/replica-id";
import type { ControlPlane, PublishedCanary, PublishedVersion } from "./registry";
import { targets, type CanaryRule } from "../rollout/target";
import { Session, SessionTable, type LiveVersion } from "./sessions";
import { SecretDelivery, type LoadSecrets } from "./secret-delivery";

export { WORKER_WS_PATH };

/** The worker messages that are telemetry, not control. */
export type TelemetryMessage = Exclude<WorkerToConsole, { type: "hello" | "ack" | "nack" }>;

/** Who consumes what workers report (lib/telemetry/ingest.ts), and the control events it records. */
export interface TelemetrySink {
  connected(node: string, appliedVersion: string | null): void;
  disconnected(node: string): void;
  rejected(node: string, version: string, error: string): void;
  published(v: PublishedVersion): void;
  message(node: string, msg: TelemetryMessage): void;
}

const HELLO_TIMEOUT_MS = 10_000;
const PING_INTERVAL_MS = 15_000;
const SEEN_WRITE_INTERVAL_MS = 5_000;
/** a refused worker retries every few seconds: its refusal is audited once a minute per address and token prefix */
const REFUSAL_AUDIT_EVERY_MS = 60_000;

/** Close codes of the worker protocol besides 4000-4003 (replaced, hello expected, protocol, node id): the credential's. */
export const CLOSE_ENVIRONMENT_REFUSED = 4004;
export const CLOSE_TOKEN_REVOKED = 4005;
export const CLOSE_TOKEN_EXPIRED = 4006;

const noSink: TelemetrySink = { connected() {}, disconnected() {}, rejected() {}, published() {}, message() {} };

export class Hub implements ControlPlane {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 32 * 1024 * 1024 });
  private readonly sessions = new SessionTable();
  /** each environment's live version, loaded when its first node says hello and replaced by each publish */
  private readonly live = new Map<string, LiveVersion | null>();
  /** an environment's running canary (lib/rollout/): its version goes to the nodes its rule targets instead of the live one */
  private readonly canary = new Map<string, { version: LiveVersion; rule: CanaryRule } | null>();
  private pinger: NodeJS.Timeout | null = null;
  private readonly sink: TelemetrySink;
  /** worker messages refused: not JSON, not in the protocol, or answering a superseded snapshot */
  readonly refused = { malformed: 0, unknown: 0, staleNonce: 0 };
  #lastRefusalLog = 0;
  /** when each refused (address, token prefix) was last audited */
  readonly #refusalAudited = new Map<string, number>();

  constructor(
    private readonly opts: {
      /** environment `env`'s live version (null: nothing published there) */
      loadLive: (env: string) => Promise<LiveVersion | null>;
      /** environment `env`'s running canary */
      loadCanary?: (env: string) => Promise<PublishedCanary | null>;
      /** every TLS secret, opened for delivery (lib/secrets/); absent: none */
      loadSecrets?: LoadSecrets;
      sink?: TelemetrySink;
      log?: (m: string) => void;
      /** the console replica this hub is (the Node table's `replica`); default replicaId() */
      replica?: string;
    },
  ) {
    this.sink = opts.sink ?? noSink;
    this.replica = opts.replica ?? replicaId();
    this.secrets = new SecretDelivery(opts.loadSecrets);
  }

  private readonly secrets: SecretDelivery;
  readonly replica: string;

  /** Sends `s` version `v`, preceded by the secrets it references when the worker lacks that set. */
  private send(s: Session, v: LiveVersion) {
    this.secrets.sendFor(s, v);
    s.sendSnapshot(v);
  }

  /** A secret was created, rotated or deleted (ControlPlane): each worker gets the new set its version references. */
  secretsChanged(): void {
    this.secrets.reload().then(
      () => {
        for (const s of this.sessions.bound()) {
          const t = this.targetOf(s);
          if (t) this.secrets.sendFor(s, t);
        }
      },
      (e: Error) => this.log(`could not load the secrets: ${e.message}`),
    );
  }

  private log(m: string) {
    (this.opts.log ?? ((s: string) => console.log(s)))(`[hub] ${m}`);
  }

  async start(): Promise<void> {
    // sessions this replica id held before a restart are gone (other replicas' nodes are theirs: lib/replicas/heartbeat.ts)
    await releaseNodes(this.replica);
    await this.secrets.reload();
    await this.loadEnvironment(DEFAULT_ENVIRONMENT);
    this.pinger = setInterval(() => {
      const now = Date.now();
      for (const s of this.sessions.all()) {
        if (s.grant.kind === "token" && s.grant.expiresAt && s.grant.expiresAt.getTime() <= now) {
          s.ws.close(CLOSE_TOKEN_EXPIRED, "worker token expired");
          continue;
        }
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

  /** Loads environment `env`'s live version and canary unless known (a publish keeps them current after). */
  private async loadEnvironment(env: string): Promise<void> {
    if (this.live.has(env)) return;
    const [live, c] = await Promise.all([this.opts.loadLive(env), this.opts.loadCanary?.(env) ?? null]);
    if (this.live.has(env)) return;
    this.live.set(env, live);
    this.canary.set(env, c ? { version: { id: c.version.id, number: c.version.number, snapshot: c.version.snapshot }, rule: c.rule } : null);
  }

  /** Environment `env`'s live resources (what its connected workers should run). */
  liveResources(env = DEFAULT_ENVIRONMENT) {
    return this.live.get(env)?.snapshot ?? null;
  }

  /**
   * For server.ts's 'upgrade' listener, only for WORKER_WS_PATH. A worker needs a live worker token (or the bootstrap
   * admin token) as `Authorization: Bearer`; anything else is answered 401 before the WebSocket opens, the same
   * answer whether the token is missing, unknown, revoked or expired, and the attempt is audited.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // the socket may fail while the token is looked up: that must not be an unhandled 'error'
    const onError = () => {};
    socket.on("error", onError);
    const secret = bearerToken(req.headers.authorization);
    const address = req.socket.remoteAddress ?? "?";
    workerGrant(secret).then(
      (grant) => {
        socket.off("error", onError);
        if (socket.destroyed) return;
        if (!grant) return this.refuseUpgrade(socket, address, secret);
        this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req, grant));
      },
      (e: Error) => {
        this.log(`worker token check failed (${address}): ${e.message}`);
        socket.end(httpAnswer(503, "Service Unavailable", "unavailable", "the console could not check the worker token; try again"));
      },
    );
  }

  private refuseUpgrade(socket: Duplex, address: string, secret: string | null) {
    socket.end(httpAnswer(401, "Unauthorized", "unauthorized", "missing, unknown, revoked or expired worker token"));
    this.auditRefusal(address, secret);
  }

  /** Audits a refused worker, at most once a minute for the same address and token (it retries every few seconds). */
  private auditRefusal(address: string, secret: string | null, refusal?: { reason: string; token: string }) {
    const key = `${address} ${secret?.slice(0, 12) ?? ""} ${refusal?.reason ?? ""}`;
    const now = Date.now();
    if (now - (this.#refusalAudited.get(key) ?? 0) < REFUSAL_AUDIT_EVERY_MS) return;
    this.#refusalAudited.set(key, now);
    if (this.#refusalAudited.size > 1000) for (const [k, t] of this.#refusalAudited) if (now - t >= REFUSAL_AUDIT_EVERY_MS) this.#refusalAudited.delete(k);
    auditWorkerRefusal(address, secret, refusal).then(
      () => this.log(`refused a worker from ${address}${refusal ? `: ${refusal.reason}` : " (no live worker token)"}`),
      (e: Error) => this.log(`could not audit a refused worker (${address}): ${e.message}`),
    );
  }

  /** Closes the sessions of the workers connected with worker token `tokenId`; answers how many (ControlPlane). */
  closeTokenSessions(tokenId: string, reason: string): number {
    let n = 0;
    for (const s of this.sessions.all()) {
      if (s.grant.kind !== "token" || s.grant.id !== tokenId) continue;
      s.ws.close(CLOSE_TOKEN_REVOKED, reason);
      n++;
    }
    if (n) this.log(`closed ${n} worker session${n === 1 ? "" : "s"}: ${reason}`);
    return n;
  }

  private onConnection(ws: WebSocket, req: IncomingMessage, grant: WorkerGrant) {
    const s = new Session(ws, req.socket.remoteAddress ?? "?", grant);
    this.sessions.add(s);
    const helloTimer = setTimeout(() => {
      if (!s.nodeId) ws.close(4001, "hello expected");
    }, HELLO_TIMEOUT_MS);
    ws.on("pong", () => (s.alive = true));
    ws.on("message", (data: RawData) => {
      s.alive = true;
      s.queue = s.queue.then(() => this.onMessage(s, data)).catch((e) => this.log(`message from ${s.name} failed: ${(e as Error).message}`));
    });
    ws.on("close", () => {
      clearTimeout(helloTimer);
      const id = s.nodeId;
      if (this.sessions.remove(s) && id) {
        this.sink.disconnected(id);
        s.queue = s.queue.then(() => nodeDisconnected(id, this.replica)).catch(() => {});
        this.log(`node ${id} disconnected`);
      }
    });
    ws.on("error", (e) => this.log(`socket error (${s.name}): ${e.message}`));
  }

  /** Counts a refused message and logs it, at most once a second so a misbehaving worker cannot flood the log. */
  private refuse(kind: keyof Hub["refused"], s: Session, why: string) {
    this.refused[kind]++;
    const now = Date.now();
    if (now - this.#lastRefusalLog < 1000) return;
    this.#lastRefusalLog = now;
    this.log(`ignoring a message from ${s.name}: ${why} (refused so far: ${JSON.stringify(this.refused)})`);
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
    const nodeId = s.nodeId;
    if (!nodeId) {
      s.ws.close(4001, "hello expected");
      return;
    }
    if (msg.type === "secrets_ack") {
      if (msg.error === undefined) return;
      // the worker kept its previous secrets (and the version it runs): recorded as that node's last error
      await nodeRejected(nodeId, `secrets ${msg.version}: ${msg.error}`, s.sentVersion, s.sentVersion ?? "");
      this.sink.rejected(nodeId, `secrets ${msg.version}`, msg.error);
      this.log(`node ${nodeId} refused secrets ${msg.version}: ${msg.error}`);
      return;
    }
    if (msg.type === "ack" || msg.type === "nack") {
      if (msg.nonce !== s.nonce) return this.refuse("staleNonce", s, `${msg.type} of version ${msg.version} with nonce ${msg.nonce}, superseded`);
      if (msg.type === "ack") await nodeApplied(nodeId, msg.version);
      else {
        await nodeRejected(nodeId, msg.error, msg.appliedVersion, msg.version);
        this.sink.rejected(nodeId, msg.version, msg.error);
        this.log(`node ${nodeId} rejected version ${msg.version}: ${msg.error}`);
      }
      s.lastSeenWrite = Date.now();
      return;
    }
    this.sink.message(nodeId, msg);
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
    const environment = msg.environment ?? DEFAULT_ENVIRONMENT;
    // checked before the session is bound: a refused hello must not replace the node's working session
    if (s.grant.kind === "token" && s.grant.environment !== null && s.grant.environment !== environment) {
      const why = `worker token ${s.grant.name} is for environment ${s.grant.environment}, not ${environment}`;
      // a close reason is at most 123 bytes (RFC 6455 5.5): the token's name stays in the audit
      s.ws.close(CLOSE_ENVIRONMENT_REFUSED, `token is for environment ${s.grant.environment}, not ${environment}`);
      this.auditRefusal(s.remote, null, { reason: `node ${nodeId}: ${why}`, token: s.grant.name });
      return;
    }
    this.sessions.bind(s, nodeId)?.ws.close(4000, "replaced by a new connection");
    const applied = msg.appliedVersion;
    s.labels = msg.labels ?? {};
    s.environment = environment;
    // a node is how an environment usually comes to be: the first one to join names it
    if (await ensureEnvironment(s.environment, `node ${nodeId}`)) this.log(`environment ${s.environment} created by node ${nodeId}`);
    await this.loadEnvironment(s.environment);
    await nodeConnected(nodeId, this.replica, s.environment, msg.admin ?? null, applied, msg.labels ?? null);
    s.lastSeenWrite = Date.now();
    this.sink.connected(nodeId, applied);
    this.log(`node ${nodeId} connected (${s.environment === DEFAULT_ENVIRONMENT ? "" : `environment ${s.environment}, `}applied ${applied ?? "nothing"}${msg.cachedVersionId ? ", from its cache" : ""})`);
    // the version its target rule says: a running canary's for the nodes it targets, the live one for the rest
    const target = this.targetOf(s);
    if (!target) return;
    if (target.id !== applied) return this.send(s, target);
    // it may have missed a rotation while away: the set it needs, if it differs from what it has
    this.secrets.sendFor(s, target);
    s.sentVersion = applied;
    // it runs the live version already (kept across a reconnect, or restored from its --cache-dir): nothing to
    // send, and an error recorded before it restarted no longer describes it
    await nodeApplied(nodeId, applied);
  }

  /** What node `s` should run: its environment's canary version when that canary targets it, else the live version. */
  private targetOf(s: Session): LiveVersion | null {
    const canary = this.canary.get(s.environment);
    if (canary && s.nodeId && targets(canary.rule, s.nodeId, s.labels)) return canary.version;
    return this.live.get(s.environment) ?? null;
  }

  /** Sends each bound session of environment `env` its target version unless it was sent (or runs) that version already. */
  private sync(env: string) {
    for (const s of this.sessions.bound()) {
      if (s.environment !== env) continue;
      const t = this.targetOf(s);
      if (t && t.id !== s.sentVersion) this.send(s, t);
    }
  }

  pushLive(v: PublishedVersion): void {
    const env = v.environment ?? DEFAULT_ENVIRONMENT;
    this.live.set(env, { id: v.id, number: v.number, snapshot: v.snapshot });
    this.sink.published(v);
    this.sync(env);
  }

  /**
   * Another replica made `v` live (lib/replicas/live-watcher.ts): this one's workers get it too. The publish was
   * recorded where it was made, so nothing is recorded here.
   */
  followLive(v: PublishedVersion): void {
    const env = v.environment ?? DEFAULT_ENVIRONMENT;
    if (this.live.get(env)?.id === v.id) return;
    this.live.set(env, { id: v.id, number: v.number, snapshot: v.snapshot });
    this.sync(env);
  }

  /** The environments this hub follows (a node of theirs said hello), with the live and canary version ids it holds. */
  followed(): { environment: string; liveId: string | null; canaryId: string | null }[] {
    return [...this.live.keys()].map((environment) => ({ environment, liveId: this.live.get(environment)?.id ?? null, canaryId: this.canary.get(environment)?.version.id ?? null }));
  }

  setCanary(env: string, c: PublishedCanary | null): void {
    this.canary.set(env, c ? { version: { id: c.version.id, number: c.version.number, snapshot: c.version.snapshot }, rule: c.rule } : null);
    this.sync(env);
  }

  connectedNodes(env?: string): string[] {
    if (env === undefined) return this.sessions.nodes();
    return [...this.sessions.bound()].filter((s) => s.environment === env).map((s) => s.nodeId!);
  }

  async close(): Promise<void> {
    if (this.pinger) clearInterval(this.pinger);
    for (const s of this.sessions.all()) s.ws.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
    await releaseNodes(this.replica).catch(() => {});
  }
}

/** A plain HTTP answer on a socket that asked for an upgrade (no WebSocket yet), with the API's error body. */
function httpAnswer(status: number, text: string, code: string, message: string): string {
  const body = JSON.stringify({ error: { code, message } });
  return `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}
