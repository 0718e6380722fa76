// The worker side of the console protocol (docs/ARCHITECTURE.md): one WebSocket, hello → snapshots →
// ack/nack, stats once a second (changed values only) with the sampled spans of that second, circuit-breaker events.
// Follows one of the console's replicas (--control-plane URL,URL…): when the connection fails or drops it dials the
// next at once, and backs off (250 ms doubling to 5 s) only after a full round (replica-rotation.ts). The running
// config is untouched by a disconnect, and the hello names the version that runs (appliedVersion): a replica whose
// live version that is sends nothing, so nothing is applied again. A NACKed snapshot leaves the last good config
// serving, and one refused only because a listener's address was taken is applied again (1 s doubling to 30 s)
// until it binds, then ACKed.
// Secrets (SDS over the same socket, secret-delivery.ts) arrive as full sets before the snapshots that need them;
// every snapshot is applied with the last accepted set merged in, and a set that changes a secret the running
// snapshot uses re-applies it (TLS listeners swap certificates in place), answered with secrets_ack.
import WebSocket from "ws";
import { ConsoleToWorker, PROTOCOL_VERSION, type WorkerToConsole } from "../protocol";
import type { ProxyView } from "../server";
import type { CircuitBreakerEvent } from "../upstream/resource-manager";
import { UPSTREAM_EVENT_KINDS } from "../upstream/events";
import { SILENT_LOG, type Log } from "../log/logger";
import { requestSamplerOf } from "../http/request-sample";
import { RequestSampleReport } from "./request-sample-report";
import type { CachedSnapshot, SnapshotCache } from "./snapshot-cache";
import { restoreCachedSnapshot } from "./restore-cached";
import { isAddressInUse } from "../listener/listener-manager";
import type { SecretsMessage, SnapshotMessage } from "../protocol";
import type { Secret } from "../config/schema";
import { secretRefs } from "../config/validate-secrets";
import { cachedSecrets, changedSecrets, checkDeliveredSecrets, withSecrets } from "./secret-delivery";
import { ReplicaRotation } from "./replica-rotation";
import { ConnectionLog, type Ending } from "./connection-log";

export interface XdsClientOptions {
  /** the console's WebSocket URLs: replicas sharing one database, dialled in this order */
  urls: readonly string[];
  nodeId: string;
  token?: string;
  /** shown by the console */
  adminAddress?: string;
  /** --node-label pairs, sent in the hello */
  labels?: Record<string, string>;
  /** --environment, sent in the hello */
  environment?: string;
  statsIntervalMs?: number;
  log?: Log;
  /** --cache-dir: each applied snapshot is written there, and restoreFromCache() serves it at start */
  cache?: SnapshotCache;
}

/** Where the running config came from, for the admin's /server_info `config_source`. */
export type ConfigSource =
  | { source: "control_plane"; version_info: string }
  /** loaded from --cache-dir at start; no snapshot from the console applied since */
  | { source: "cache"; version_info: string; number: number | null; cached_at: string; path: string };

/** The admin's /server_info `control_plane`: the replica the worker is connected to (null while it is not), and all of them. */
export interface ControlPlaneStatus {
  connected: boolean;
  url: string | null;
  urls: string[];
}

/** every 5th stats report (5 s) carries the hosts and breaker usage of every cluster, as the admin /clusters */
const CLUSTERS_EVERY = 5;
/** a snapshot refused because a listener's address is taken is applied again after 1 s, doubling to 30 s */
const REBIND_MIN_MS = 1000;
const REBIND_MAX_MS = 30_000;

export class XdsClient {
  #ws: WebSocket | null = null;
  readonly #rotation: ReplicaRotation;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #statsTimer: NodeJS.Timeout | null = null;
  #stopped = false;
  #log: Log;
  readonly #connectionLog: ConnectionLog;
  #connectedGauge;
  /** the snapshot restored from the cache, while it is what serves (until the console's first applied snapshot) */
  #cached: CachedSnapshot | null = null;
  /** the last snapshot received on this connection: only it is applied again after a bind failure (isAddressInUse) */
  #latest: SnapshotMessage | null = null;
  #rebindTimer: NodeJS.Timeout | null = null;
  /** the last secret set accepted (SDS), merged into every snapshot applied */
  #secrets: Secret[] = [];
  /** the snapshot serving (without its secrets): a rotation applies it again with the new ones */
  #running: { version: string; number: number | null; resources: unknown } | null = null;

  constructor(
    private readonly proxy: ProxyView,
    private readonly opts: XdsClientOptions,
  ) {
    this.#log = opts.log ?? SILENT_LOG;
    this.#rotation = new ReplicaRotation(opts.urls);
    this.#connectionLog = new ConnectionLog(this.#log, opts.urls);
    this.#connectedGauge = proxy.store.gauge("control_plane.connected_state");
    this.#connectedGauge.set(0);
    proxy.events.on("circuit_breaker", this.#onCircuitBreaker);
    // health flips and outlier ejections travel the same way
    for (const k of UPSTREAM_EVENT_KINDS) proxy.events.on(k, this.#upstreamEvents[k]);
  }

  start() {
    this.#stopped = false;
    // sampled spans queue up for the console only while a client forwards them
    this.proxy.spans.enabled = true;
    this.proxy.accessLogSample.enabled = true;
    // and the impact preview's request heads (http/request-sample.ts), sent by the stats report
    requestSamplerOf(this.proxy.store).enabled = true;
    this.#connect();
    this.#statsTimer = setInterval(() => this.#sendStats(), this.opts.statsIntervalMs ?? 1000);
    this.#statsTimer.unref();
  }

  /**
   * Applies the --cache-dir snapshot, if there is a usable one, before start() dials the console: a worker whose
   * console is down serves the version it last ACKed instead of nothing. Never throws.
   */
  async restoreFromCache(): Promise<void> {
    if (this.opts.cache) this.#cached = await restoreCachedSnapshot(this.proxy, this.opts.cache, this.#log);
    const c = this.#cached;
    if (c) {
      // the cache holds the resources with the secrets they were applied with: both serve on until the console speaks
      this.#secrets = cachedSecrets(c.resources);
      this.#running = { version: c.versionId, number: c.number, resources: { ...(c.resources as object), secrets: undefined } };
    }
  }

  configSource(): ConfigSource | null {
    const version = this.proxy.version;
    if (version === null) return null;
    const c = this.#cached;
    if (c && this.opts.cache) return { source: "cache", version_info: version, number: c.number, cached_at: c.writtenAt, path: this.opts.cache.file };
    return { source: "control_plane", version_info: version };
  }

  async stop() {
    this.#stopped = true;
    this.proxy.spans.enabled = false;
    this.proxy.accessLogSample.enabled = false;
    requestSamplerOf(this.proxy.store).enabled = false;
    this.proxy.events.off("circuit_breaker", this.#onCircuitBreaker);
    for (const k of UPSTREAM_EVENT_KINDS) this.proxy.events.off(k, this.#upstreamEvents[k]);
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    if (this.#statsTimer) clearInterval(this.#statsTimer);
    this.#cancelRebind();
    const ws = this.#ws;
    this.#ws = null;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once("close", () => resolve());
        ws.close(1001, "worker stopping");
        setTimeout(() => {
          ws.terminate();
          resolve();
        }, 1000).unref();
      });
    }
    // the last ACKed snapshot reaches the disk before the process goes
    await this.opts.cache?.flush();
  }

  get connected(): boolean {
    return this.#ws?.readyState === WebSocket.OPEN;
  }

  controlPlaneStatus(): ControlPlaneStatus {
    const connected = this.connected;
    return { connected, url: connected ? this.#rotation.current : null, urls: [...this.#rotation.urls] };
  }

  #connect() {
    if (this.#stopped) return;
    const url = this.#rotation.current;
    const headers: Record<string, string> = {};
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    const ws = new WebSocket(url, { headers, handshakeTimeout: 10_000 });
    this.#ws = ws;
    let openedAt: number | null = null;
    /** why this connection failed, said once it has closed: the console's refusal, or the socket's error */
    let refusal: string | null = null;
    let error: string | null = null;
    ws.on("open", () => {
      openedAt = Date.now();
      this.#connectedGauge.set(1);
      this.#connectionLog.connected(url);
      // the first stats message after a (re)connect carries every value, not only changes
      for (const c of this.proxy.store.counters.values()) c.flushed = NaN;
      for (const g of this.proxy.store.gauges.values()) g.flushed = NaN;
      this.#reportsSinceClusters = CLUSTERS_EVERY;
      this.#send({
        type: "hello",
        protocol: PROTOCOL_VERSION,
        nodeId: this.opts.nodeId,
        appliedVersion: this.proxy.version,
        admin: this.opts.adminAddress,
        // the console need not send this version again if it is live
        cachedVersionId: this.#cached?.versionId,
        ...(this.opts.labels && Object.keys(this.opts.labels).length ? { labels: this.opts.labels } : {}),
        ...(this.opts.environment ? { environment: this.opts.environment } : {}),
      });
    });
    ws.on("message", (data) => this.#onMessage(String(data)));
    ws.on("unexpected-response", (_req, res) => {
      // the console says why in its error body ({error:{message}}): a missing, revoked or expired --token
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body = (body + c).slice(0, 2000)));
      refusal = `HTTP ${res.statusCode}`;
      res.on("end", () => {
        refusal = `HTTP ${res.statusCode}${errorMessageOf(body)}`;
        // without an abort ws leaves the socket CONNECTING for good: terminate() ends it, and 'close' retries
        ws.terminate();
      });
      res.on("error", () => ws.terminate());
    });
    // after a refusal, terminate()'s own "closed before the connection was established" says nothing more
    ws.on("error", (err) => void (error ??= err.message));
    ws.on("close", (code: number, reason: Buffer) => {
      if (this.#ws === ws) this.#ws = null;
      // the console's own close codes (4000 and up) say why it ended the session: a revoked token, a refused environment
      if (code >= 4000 && !this.#stopped) this.#log.warn(`control plane closed the connection: ${code} ${reason.toString() || "(no reason)"}`);
      this.#connectedGauge.set(0);
      // a console that comes back sends its snapshot again on hello
      this.#latest = null;
      this.#cancelRebind();
      if (this.#stopped) return;
      const next = this.#rotation.ended(openedAt === null ? null : Date.now() - openedAt);
      const closed = `code ${code}${reason.length ? ` ${reason.toString()}` : error ? `: ${error}` : ""}`;
      const ending: Ending =
        refusal !== null ? { kind: "refused", detail: refusal } : openedAt === null ? { kind: "error", detail: error ?? `closed (${closed})` } : { kind: "closed", detail: closed };
      this.#connectionLog.ended(url, ending, next, this.#cached);
      this.#reconnectTimer = setTimeout(() => this.#connect(), next.delayMs);
      this.#reconnectTimer.unref();
    });
  }

  #onMessage(text: string) {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      this.#log.warn("ignoring a malformed control-plane message");
      return;
    }
    const parsed = ConsoleToWorker.safeParse(raw);
    if (!parsed.success) {
      this.#log.warn(`ignoring a control-plane message that is not a snapshot: ${parsed.error.issues[0]?.message ?? "?"}`);
      return;
    }
    const msg = parsed.data;
    if (msg.type === "secrets") return this.#onSecrets(msg);
    this.#log.debug(`received version ${msg.version} (nonce ${msg.nonce})`);
    this.#latest = msg;
    this.#cancelRebind();
    this.#apply(msg, 0, null);
  }

  /**
   * Applies a snapshot and answers it: ACK, or NACK with the reason. A snapshot refused only because a listener's
   * address is taken (EADDRINUSE: a process still holds the port, or held it a moment ago) is applied again with
   * back-off while it is the last one received, and ACKed with its nonce once it binds; its NACK is sent once.
   * Envoy leaves such an LDS update rejected until the management server sends another one: here that would
   * leave a worker whose first snapshot it is serving nothing at all, for as long as nobody publishes.
   */
  #apply(msg: SnapshotMessage, attempt: number, refusedWith: string | null) {
    const { version, nonce } = msg;
    const secrets = this.#secrets;
    const resources = withSecrets(msg.resources, secrets);
    this.proxy.apply(resources, version).then(
      () => {
        if (attempt > 0 && this.#latest !== msg) return;
        this.#log.info(`applied version ${version}${attempt > 0 ? ` (its listeners bound at attempt ${attempt + 1})` : ""}`);
        this.#send({ type: "ack", version, nonce });
        this.#cached = null;
        this.#running = { version, number: msg.number ?? null, resources: msg.resources };
        // with the secrets: a worker restarted while the console is down needs them too (the file is 0600);
        // a snapshot without any is kept exactly as the console sent it
        this.opts.cache?.save({ versionId: version, number: msg.number ?? null, resources: secrets.length ? resources : msg.resources });
      },
      (err: Error) => {
        if (attempt > 0 && this.#latest !== msg) return;
        if (err.message !== refusedWith) {
          // a warning, as Envoy's GrpcSubscriptionImpl logs "gRPC config for {} rejected": the last good config serves on
          this.#log.warn(`rejected version ${version}: ${err.message.split("\n").join("; ")}`);
          this.#send({ type: "nack", version, nonce, error: err.message, appliedVersion: this.proxy.version });
        }
        if (!isAddressInUse(err.message) || this.#latest !== msg || this.#stopped) return;
        const delay = Math.min(REBIND_MIN_MS * 2 ** attempt, REBIND_MAX_MS);
        const line = `version ${version}: a listener's address is in use; applying it again in ${delay} ms`;
        if (attempt === 0) this.#log.info(line);
        else this.#log.debug(line);
        this.#rebindTimer = setTimeout(() => {
          this.#rebindTimer = null;
          this.#apply(msg, attempt + 1, err.message);
        }, delay);
        this.#rebindTimer.unref();
      },
    );
  }

  /**
   * A secret set (state of the world): checked, kept, and if it changes a secret the running snapshot uses, that
   * snapshot is applied again with it through the same apply queue (Envoy's SDS update of a live TLS context).
   * A refused set is answered with its error and the previous one stays.
   */
  #onSecrets(msg: SecretsMessage) {
    const { version } = msg;
    const checked = checkDeliveredSecrets(msg.secrets);
    if (!checked.ok) return this.#refuseSecrets(version, checked.error);
    const prev = this.#secrets;
    const changed = changedSecrets(prev, checked.secrets);
    this.#secrets = checked.secrets;
    const running = this.#running;
    const rotated = running ? [...secretRefs(running.resources)].filter((n) => changed.has(n)) : [];
    if (running === null || rotated.length === 0) {
      this.#log.debug(`secrets ${version}: ${checked.secrets.length} secret(s), none in use changed`);
      return this.#send({ type: "secrets_ack", version });
    }
    const resources = withSecrets(running.resources, checked.secrets);
    this.proxy.apply(resources, running.version).then(
      () => {
        this.#log.info(`secrets ${version}: rotated ${rotated.join(", ")} (version ${running.version} applied again)`);
        this.#send({ type: "secrets_ack", version });
        if (this.#running === running) this.opts.cache?.save({ versionId: running.version, number: running.number, resources });
      },
      (err: Error) => {
        // the previous set serves on (unless another set arrived meanwhile, which is answered on its own)
        if (this.#secrets === checked.secrets) this.#secrets = prev;
        this.#refuseSecrets(version, err.message);
      },
    );
  }

  #refuseSecrets(version: string, error: string) {
    this.#log.warn(`rejected secrets ${version}: ${error.split("\n").join("; ")}`);
    this.#send({ type: "secrets_ack", version, error });
  }

  #cancelRebind() {
    if (this.#rebindTimer) clearTimeout(this.#rebindTimer);
    this.#rebindTimer = null;
  }

  /** stats reports since the last clusters report: one of those goes out every CLUSTERS_EVERY reports */
  #reportsSinceClusters = CLUSTERS_EVERY;

  #sendStats() {
    if (!this.connected) return;
    if (++this.#reportsSinceClusters >= CLUSTERS_EVERY) {
      this.#reportsSinceClusters = 0;
      this.#send({ type: "clusters", ts: Date.now(), clusters: this.proxy.clustersView() });
    }
    const snap = this.proxy.store.flushChanged();
    this.#send({ type: "stats", ts: Date.now(), counters: snap.counters, gauges: snap.gauges, histograms: snap.histograms });
    // spans finished since the last second, batched (a tracing block without a provider sends them here only)
    const spans = this.proxy.spans.take();
    if (spans !== null) this.#send({ type: "spans", spans });
    // the access-log sample of the same second
    const entries = this.proxy.accessLogSample.take();
    const dropped = this.proxy.accessLogSample.takeDropped();
    if (entries !== null || dropped > 0) this.#send({ type: "access_log", entries: entries ?? [], dropped });
    // the impact preview's request heads, at most every 10 s (request-sample-report.ts)
    const heads = (this.#requestSample ??= new RequestSampleReport(requestSamplerOf(this.proxy.store))).next(Date.now());
    if (heads !== null) this.#send(heads);
  }

  #requestSample: RequestSampleReport | null = null;

  #onCircuitBreaker = (e: CircuitBreakerEvent) => {
    const { cluster, time, ...details } = e;
    this.#send({ type: "event", ts: time, kind: "circuit_breaker", cluster, details });
  };

  #upstreamEvents = Object.fromEntries(
    UPSTREAM_EVENT_KINDS.map((kind) => [
      kind,
      (e: { cluster: string; time: number }) => {
        const { cluster, time, ...details } = e;
        this.#send({ type: "event", ts: time, kind, cluster, details });
      },
    ]),
  ) as Record<(typeof UPSTREAM_EVENT_KINDS)[number], (e: { cluster: string; time: number }) => void>;

  #send(msg: WorkerToConsole) {
    const ws = this.#ws;
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
  }
}

/** ": <message>" of the console's {error:{message}} body, or "" when the body is not one. */
function errorMessageOf(body: string): string {
  try {
    const m = (JSON.parse(body) as { error?: { message?: unknown } }).error?.message;
    return typeof m === "string" && m ? `: ${m}` : "";
  } catch {
    return "";
  }
}
