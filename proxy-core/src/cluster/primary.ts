// --concurrency N > 1: the primary process. It owns what must exist once (the console connection or the -c
// file, the admin listener, the merged stats) and forks N node:cluster workers that serve traffic; the
// listeners' sockets are shared through the cluster module (round-robin accept on Linux).
//
// Config consistency: the primary validates a snapshot itself first (the same validateResources as a worker),
// so workers can only refuse what depends on the process (a bind error, a certificate file, DNS at warming).
// It then sends the snapshot to every worker and ACKs when every worker applied it. If any worker refuses,
// the workers that applied it are sent the previous good snapshot again (the same apply path, which keeps
// their sockets and clusters) and the primary NACKs with the first error: every worker stays on one version.
// A worker that cannot roll back, or cannot apply the current config when it (re)starts, is killed and
// re-forked, and a new worker only takes traffic for the current config once it applied it.
import cluster, { type Worker } from "node:cluster";
import { EventEmitter } from "node:events";
import type { SnapshotResources } from "../config/schema";
import { type ClusterView, type ListenerView, type ProxyView, type ServerState } from "../server";
import { StatsStore } from "../stats/store";
import { PROXY_CORE_VERSION } from "../version";
import { NODE_CLUSTER_ENV, NODE_ID_ENV, type PrimaryToWorker, type WorkerStatsReport, type WorkerToPrimary } from "./ipc";
import { SpanQueue, type NodeInfo } from "../tracing/span-sink";
import { ApplyQueue, ConfigRejectedError, type ApplyError } from "../apply-queue";
import { SILENT_LOG, type Log } from "../log/logger";
import { CHILD_KILL_MARGIN_MS } from "../stop-deadline";
import { processMemory, type ProcessMemory } from "../stats/server-stats";
import { AccessLogSampleQueue } from "../access-log/sample-queue";
import { requestSamplerOf } from "../http/request-sample";
import { Runtime as RuntimeLoader, type RuntimeLayerConfig } from "../runtime/runtime";

type Applied = { ok: true; listeners: ListenerView[] } | { ok: false; error: string };

interface Member {
  worker: Worker;
  pid: number;
  /** sent "ready": its message handler is installed */
  ready: boolean;
  forkedAt: number;
  /** applied the current config: takes part in applies and in /clusters, /listeners */
  synced: boolean;
  gauges: Map<string, number>;
  clusters: ClusterView[];
  listeners: ListenerView[];
  pending: Map<number, (r: Applied | null) => void>;
  /** from its last stats report */
  memory: ProcessMemory | null;
  /** what the worker was last told about recording request heads */
  requestSampling?: boolean;
}

/** Stats the primary keeps itself: process-level, not summed over the workers. */
function primaryOwned(kind: "counter" | "gauge", name: string) {
  // the runtime is the primary's; workers hold copies, whose runtime.* stats would only add up duplicates
  if (name.startsWith("control_plane.") || name.startsWith("runtime.")) return true;
  return kind === "gauge" && (name.startsWith("server.") || name === "cluster_manager.active_clusters" || name === "listener_manager.total_listeners_active");
}

/**
 * Gauges that say what each worker holds in full (its clusters' membership, its certificates' expiry) read the
 * same in every worker: merged, they are the largest value, not the sum (Envoy marks them NeverImport, so its
 * hot restart does not add them up either). Every other gauge counts things in flight and is summed.
 */
function mergedByMax(name: string) {
  return /\.membership_(total|healthy|degraded|excluded)$/.test(name) || name.endsWith(".expiration_unix_time_seconds");
}

const EMPTY = { listeners: [], clusters: [] };
const MIN_REFORK_MS = 250;
const MAX_REFORK_MS = 5000;

export class ClusterPrimary implements ProxyView {
  readonly store = new StatsStore();
  readonly events = new EventEmitter();
  /** the workers' sampled spans, for the xDS client */
  readonly spans = new SpanQueue();
  /** the workers' access-log samples, for the xDS client (bounded like a worker's own queue) */
  readonly accessLogSample = new AccessLogSampleQueue();
  /** the runtime /runtime shows and /runtime_modify changes; every worker is sent a copy of it */
  readonly runtime = new RuntimeLoader({ store: this.store });
  readonly startedAt = Date.now();
  state: ServerState = "PRE_INITIALIZING";
  #healthCheckFailed = false;
  /** POST /healthcheck/fail: every worker's health_check filters read it, so it goes to each of them */
  get healthCheckFailed(): boolean {
    return this.#healthCheckFailed;
  }
  set healthCheckFailed(failed: boolean) {
    this.#healthCheckFailed = failed;
    for (const m of this.#members.values()) this.#sendHealthCheck(m);
  }
  readonly #applies: ApplyQueue;
  get lastError(): ApplyError | null {
    return this.#applies.lastError;
  }
  #runtime: { version: string; input: unknown; resources: SnapshotResources; appliedAt: Date } | null = null;
  #members = new Map<number, Member>();
  #seq = 0;
  #stopping = false;
  #refork = MIN_REFORK_MS;
  #log: Log;
  #drainMs: number;
  #workerEnv: Record<string, string>;

  constructor(
    readonly concurrency: number,
    opts: { drainMs?: number; log?: Log; node?: Partial<NodeInfo> } = {},
  ) {
    this.#workerEnv = { [NODE_ID_ENV]: opts.node?.id ?? "", [NODE_CLUSTER_ENV]: opts.node?.cluster ?? "" };
    this.#log = opts.log ?? SILENT_LOG;
    this.#drainMs = opts.drainMs ?? 5000;
    const s = this.store;
    const [maj, min, patch] = PROXY_CORE_VERSION.split(".").map(Number);
    s.gauge("server.version").set(maj * 10000 + min * 100 + patch);
    s.gauge("server.concurrency").set(concurrency);
    this.#applies = new ApplyQueue(s);
    this.events.on("error", () => {});
  }

  get version() {
    return this.#runtime?.version ?? null;
  }
  get resources() {
    return this.#runtime?.resources ?? null;
  }
  get appliedAt() {
    return this.#runtime?.appliedAt ?? null;
  }
  /** worker process ids (tests, logs) */
  get workerPids(): number[] {
    return [...this.#members.values()].map((m) => m.pid);
  }

  /** Forks the workers; resolves once every one of them is up. */
  async start(): Promise<void> {
    // however this process ends (a failure at start, the stop deadline), no worker outlives it; a SIGKILLed
    // primary cannot do this: its workers see "disconnect" and stop themselves (src/cluster/worker.ts)
    process.once("exit", () => this.killWorkers());
    await Promise.all(Array.from({ length: this.concurrency }, () => this.#fork()));
  }

  #fork(): Promise<void> {
    const worker = cluster.fork(this.#workerEnv);
    const m: Member = { worker, pid: worker.process.pid ?? 0, ready: false, forkedAt: Date.now(), synced: false, gauges: new Map(), clusters: [], listeners: [], pending: new Map(), memory: null };
    this.#members.set(worker.id, m);
    return new Promise<void>((resolve) => {
      worker.on("message", (msg: WorkerToPrimary) => {
        if (msg?.t === "ready") {
          m.ready = true;
          this.#applies.enqueue(() => this.#sync(m)).then(resolve, resolve);
        } else this.#onMessage(m, msg);
      });
      worker.on("error", () => {}); // IPC errors: the exit event follows
      worker.on("exit", (code, signal) => {
        resolve();
        this.#onExit(m, code, signal);
      });
    });
  }

  #onExit(m: Member, code: number | null, signal: string | null) {
    this.#members.delete(m.worker.id);
    for (const done of m.pending.values()) done(null);
    m.pending.clear();
    // its connections are gone: its gauges no longer count
    const names = [...m.gauges.keys()];
    m.gauges.clear();
    for (const n of names) this.#mergeGauge(n);
    if (this.#stopping) return;
    if (Date.now() - m.forkedAt > 10_000) this.#refork = MIN_REFORK_MS;
    const delay = this.#refork;
    this.#refork = Math.min(this.#refork * 2, MAX_REFORK_MS);
    this.#log.warn(`worker ${m.pid} exited (${signal ?? `code ${code}`}); starting a new one in ${delay} ms`);
    setTimeout(() => {
      if (!this.#stopping) void this.#fork();
    }, delay).unref();
  }

  #onMessage(m: Member, msg: WorkerToPrimary) {
    switch (msg?.t) {
      case "applied": {
        const done = m.pending.get(msg.id);
        m.pending.delete(msg.id);
        done?.(msg.ok ? { ok: true, listeners: msg.listeners } : { ok: false, error: msg.error });
        return;
      }
      case "stats":
        return this.#onStats(m, msg);
      case "event":
        this.events.emit(msg.kind, msg.event);
        return;
      case "access_log":
        this.accessLogSample.push(msg.entries, msg.dropped);
        return;
      case "request_sample":
        for (const l of msg.listeners) requestSamplerOf(this.store).push(l);
        return;
      case "spans":
        this.spans.push(msg.spans);
        return;
    }
  }

  /**
   * The xDS client switches the primary's sampler; each worker follows it before its next config (so a version
   * the console pushes is sampled from its first request) and at every report otherwise.
   */
  #syncSampling(m: Member) {
    const sampling = requestSamplerOf(this.store).enabled;
    if (m.requestSampling === sampling || !m.worker.isConnected()) return;
    m.requestSampling = sampling;
    m.worker.send({ t: "request_sampling", enabled: sampling } satisfies PrimaryToWorker, undefined, () => {});
  }

  #onStats(m: Member, r: WorkerStatsReport) {
    this.#syncSampling(m);
    for (const [name, delta] of Object.entries(r.counters)) if (!primaryOwned("counter", name)) this.store.counter(name).add(delta);
    for (const [name, value] of Object.entries(r.gauges)) {
      if (primaryOwned("gauge", name)) continue;
      m.gauges.set(name, value);
      this.#mergeGauge(name);
    }
    for (const [name, h] of Object.entries(r.histograms)) {
      const hist = this.store.histogram(name);
      hist.cumulative.addSparse(h.b, h.n, h.s, h.m);
      hist.interval.addSparse(h.b, h.n, h.s, h.m);
    }
    m.clusters = r.clusters;
    m.memory = r.memory ?? null;
  }

  #mergeGauge(name: string) {
    const byMax = mergedByMax(name);
    let merged = byMax ? -Infinity : 0;
    for (const w of this.#members.values()) {
      const v = w.gauges.get(name);
      if (v !== undefined) merged = byMax ? Math.max(merged, v) : merged + v;
    }
    this.store.gauge(name).set(merged === -Infinity ? 0 : merged);
  }

  /** server.memory_*: this process and every worker's last report */
  processMemory(): ProcessMemory {
    const total = processMemory();
    for (const m of this.#members.values()) {
      if (m.memory === null) continue;
      total.allocated += m.memory.allocated;
      total.heapSize += m.memory.heapSize;
      total.physicalSize += m.memory.physicalSize;
    }
    return total;
  }

  #send(m: Member, input: unknown, version: string): Promise<Applied | null> {
    if (!m.worker.isConnected()) return Promise.resolve(null);
    this.#syncSampling(m);
    const id = ++this.#seq;
    return new Promise((resolve) => {
      m.pending.set(id, resolve);
      m.worker.send({ t: "apply", id, resources: input, version } satisfies PrimaryToWorker, undefined, (err) => {
        if (err && m.pending.delete(id)) resolve(null);
      });
    });
  }

  #sendRuntime(m: Member) {
    if (m.ready && m.worker.isConnected()) m.worker.send({ t: "runtime", state: this.runtime.state() } satisfies PrimaryToWorker, undefined, () => {});
  }

  loadRuntime(layers: RuntimeLayerConfig[]) {
    this.runtime.load(layers);
    for (const m of this.#members.values()) this.#sendRuntime(m);
  }

  modifyRuntime(values: [string, string][]): string | null {
    const err = this.runtime.mergeValues(values);
    if (err === null) for (const m of this.#members.values()) this.#sendRuntime(m);
    return err;
  }

  /** A new worker: apply the current config (if any) before it counts as one of ours. Runs in the apply queue. */
  #sendHealthCheck(m: Member) {
    if (m.ready && m.worker.isConnected()) m.worker.send({ t: "healthcheck", failed: this.#healthCheckFailed } satisfies PrimaryToWorker, undefined, () => {});
  }

  async #sync(m: Member) {
    if (!this.#members.has(m.worker.id) || this.#stopping) return;
    // a (re)started worker gets the runtime before its first config, as a worker process starts with Envoy's
    this.#sendRuntime(m);
    // a worker (re)started while the health check is failed learns it before it takes traffic
    if (this.#healthCheckFailed) this.#sendHealthCheck(m);
    const rt = this.#runtime;
    if (rt) {
      const r = await this.#send(m, rt.input, rt.version);
      if (!r || this.#stopping) return; // died meanwhile, or refused because it is stopping
      if (!r.ok) {
        this.#log.error(`worker ${m.pid} cannot apply ${rt.version}: ${r.error.split("\n").join("; ")}; restarting it`);
        m.worker.process.kill("SIGKILL");
        return;
      }
      m.listeners = r.listeners;
    }
    m.synced = true;
  }

  apply(input: unknown, version: string): Promise<void> {
    return this.#applies.apply(version, input, (resources) => this.#commit(input, resources, version));
  }

  async #commit(input: unknown, resources: SnapshotResources, version: string) {
    const targets = [...this.#members.values()].filter((m) => m.synced);
    const results = await Promise.all(targets.map(async (m) => ({ m, r: await this.#send(m, input, version) })));
    const failed = results.find((x) => x.r && !x.r.ok);
    // stopping: the workers cut their warming short and refuse; there is nothing to roll back to any more
    if (failed && this.#stopping) throw new ConfigRejectedError((failed.r as { error: string }).error);
    if (failed) {
      const prev = this.#runtime;
      const back = results.filter((x) => x.r?.ok);
      await Promise.all(
        back.map(async ({ m }) => {
          const r = await this.#send(m, prev?.input ?? EMPTY, prev?.version ?? "");
          if (r && !r.ok) {
            this.#log.error(`worker ${m.pid} cannot roll back to ${prev?.version ?? "nothing"}: ${r.error}; restarting it`);
            m.worker.process.kill("SIGKILL");
          }
        }),
      );
      throw new ConfigRejectedError((failed.r as { error: string }).error);
    }
    for (const { m, r } of results) if (r?.ok) m.listeners = r.listeners;
    this.#runtime = { version, input, resources, appliedAt: new Date() };
    this.state = "LIVE";
  }

  /** /clusters: the first worker's clusters, with each host's counters and the breaker usage summed over the workers. */
  clustersView(): ClusterView[] {
    const views = [...this.#members.values()].filter((m) => m.synced).map((m) => m.clusters);
    if (views.length === 0) return [];
    const out: ClusterView[] = structuredClone(views[0]);
    for (const other of views.slice(1)) {
      for (const c of out) {
        const oc = other.find((x) => x.name === c.name);
        if (!oc) continue;
        for (const k of ["connections", "pending", "requests", "retries"] as const) c.usage[k] += oc.usage[k];
        for (const h of c.hosts) {
          const oh = oc.hosts.find((x) => x.label === h.label);
          if (oh) for (const k of Object.keys(h.stats)) h.stats[k] += oh.stats[k] ?? 0;
        }
      }
    }
    return out;
  }

  listenersView(): ListenerView[] {
    return [...this.#members.values()].find((m) => m.synced)?.listeners ?? [];
  }

  /**
   * Stops the workers (each drains up to drainMs), then resolves. An apply in flight is not waited for first:
   * the workers cut their cluster warming short when they stop, answer, and the apply fails.
   */
  async shutdown(drainMs = this.#drainMs): Promise<void> {
    this.state = "DRAINING";
    const applied = this.#applies.drain();
    this.#stopping = true;
    const members = [...this.#members.values()];
    this.#log.debug(`stopping workers ${members.map((m) => m.pid).join(" ")}`);
    await Promise.all(
      members.map(
        (m) =>
          new Promise<void>((resolve) => {
            if (m.worker.isDead()) return resolve();
            m.worker.once("exit", () => resolve());
            if (m.ready && m.worker.isConnected()) m.worker.send({ t: "stop", drainMs } satisfies PrimaryToWorker, undefined, () => {});
            else m.worker.process.kill("SIGTERM");
            // each worker forces itself out before this (src/stop-deadline.ts); this is for one that cannot
            setTimeout(() => m.worker.process.kill("SIGKILL"), drainMs + CHILD_KILL_MARGIN_MS).unref();
          }),
      ),
    );
    await applied;
  }

  /** SIGKILLs every worker still running (the primary's stop deadline, or its exit). */
  killWorkers() {
    for (const m of this.#members.values()) {
      try {
        if (!m.worker.isDead()) m.worker.process.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
  }
}
