// ProxyServer: the worker's runtime. `apply()` builds a complete new runtime from a snapshot
// (validate → clusters (DNS warming) → connection managers → bind new listeners) and swaps it in at once,
// or throws with every problem listed and keeps the old one (→ NACK). Applies are serialised.
import { EventEmitter } from "node:events";
import type { SnapshotResources } from "./config/schema";
import { ConnectionManager } from "./http/connection-manager";
import { TcpProxy } from "./tcp/tcp-proxy";
import { ListenerManager } from "./listener/listener-manager";
import { StatsStore } from "./stats/store";
import { ClusterManager } from "./upstream/cluster-manager";
import { PROXY_CORE_VERSION } from "./version";
import { ApplyQueue, ConfigRejectedError, type ApplyError } from "./apply-queue";
import type { ClusterReport } from "./protocol";
import { SpanQueue, TracingHub, zipkinProviders, type NodeInfo } from "./tracing/span-sink";
import { SILENT_LOG, type Log } from "./log/logger";
import { AccessLogOutputs, type AccessLogOutputsOptions } from "./access-log/outputs";
import { AccessLogSampleQueue } from "./access-log/sample-queue";
import { processMemory, type ProcessMemory } from "./stats/server-stats";
import { serverContextOf } from "./server-context";
import { Runtime as RuntimeLoader, type RuntimeLayerConfig } from "./runtime/runtime";
import { secretSetOf } from "./tls/material";

export type ServerState = "PRE_INITIALIZING" | "LIVE" | "DRAINING";

export interface ProxyServerOptions {
  store?: StatsStore;
  /** how long removed listeners and replaced clusters may finish in-flight requests */
  drainMs?: number;
  log?: Log;
  /** node.id / node.cluster: span tags and the Zipkin service name */
  node?: Partial<NodeInfo>;
  /** Zipkin reporting (Envoy runtime tracing.zipkin.*): flush every 5000 ms or at 5 spans */
  zipkin?: { flushIntervalMs?: number; minFlushSpans?: number };
  /** access log files and streams: flush interval (Envoy's file_flush_interval_msec, 1000 ms), stdout/stderr */
  accessLog?: AccessLogOutputsOptions;
  /** the console's access log sample: entries kept per second (100) and held between drains (1000) */
  accessLogSample?: { perSecond?: number; max?: number };
  /** the process's layered runtime (src/runtime/); one without layers by default */
  runtime?: RuntimeLoader;
}

interface Runtime {
  version: string;
  resources: SnapshotResources;
  clusters: ClusterManager;
  appliedAt: Date;
}

/** One cluster as /clusters shows it: plain data, so a cluster primary can merge its workers' views. */
export type ClusterView = ClusterReport;

export interface ListenerView {
  name: string;
  address: string;
}

/** What the admin listener and the xDS client need from a worker: a ProxyServer, or (--concurrency N > 1)
 *  the cluster primary that fronts N ProxyServers in worker processes (src/cluster/primary.ts). */
export interface ProxyView {
  readonly store: StatsStore;
  readonly events: EventEmitter;
  readonly startedAt: number;
  readonly state: ServerState;
  healthCheckFailed: boolean;
  readonly lastError: ApplyError | null;
  readonly version: string | null;
  readonly resources: SnapshotResources | null;
  readonly appliedAt: Date | null;
  /** processes serving traffic */
  readonly concurrency: number;
  /** sampled spans for the console; whoever forwards them sets `enabled` and drains it */
  readonly spans: SpanQueue;
  /** the access-log sample for the console, the same way */
  readonly accessLogSample: AccessLogSampleQueue;
  apply(resources: unknown, version: string): Promise<void>;
  shutdown(drainMs?: number): Promise<void>;
  clustersView(): ClusterView[];
  listenersView(): ListenerView[];
  /** the `server.memory_*` gauges: this process, or a primary with its workers */
  processMemory(): ProcessMemory;
  /** the layered runtime (GET /runtime); a primary's is the one its workers copy */
  readonly runtime: RuntimeLoader;
  /** the runtime's layers from a bootstrap (throws RuntimeLoadError); /runtime_modify values are kept */
  loadRuntime(layers: RuntimeLayerConfig[]): void;
  /** POST /runtime_modify: Envoy's error text, or null once applied (everywhere) */
  modifyRuntime(values: [string, string][]): string | null;
}

export { ConfigRejectedError };

export class ProxyServer implements ProxyView {
  readonly concurrency = 1;
  readonly store: StatsStore;
  /** "circuit_breaker" events ({cluster, threshold, max, time}); forwarded to the console by the xDS client */
  readonly events = new EventEmitter();
  readonly listeners: ListenerManager;
  readonly tracing: TracingHub;
  /** the access log files and standard streams of every HCM's `access_log`, shared by path */
  readonly accessLogs: AccessLogOutputs;
  /** one entry per finished request for the console, only while whoever forwards them sets `enabled` */
  readonly accessLogSample: AccessLogSampleQueue;
  readonly startedAt = Date.now();
  state: ServerState = "PRE_INITIALIZING";
  /**
   * POST /healthcheck/fail (Envoy's InstanceImpl::failHealthcheck): the health_check HTTP filter answers 503 and
   * marks responses with x-envoy-immediate-health-check-fail; the admin's /ready and /server_info say DRAINING.
   * Kept in the server context, where the filters read it.
   */
  get healthCheckFailed(): boolean {
    return serverContextOf(this.store).healthCheckFailed;
  }
  set healthCheckFailed(failed: boolean) {
    serverContextOf(this.store).healthCheckFailed = failed;
  }
  readonly #applies: ApplyQueue;
  /** the last refused apply (NACK / reload refused), for /config_dump `error_state`; cleared by a good apply */
  get lastError(): ApplyError | null {
    return this.#applies.lastError;
  }
  #runtime: Runtime | null = null;
  /** outlives every config: routes and filters read it through their ClusterManager */
  readonly runtime: RuntimeLoader;
  #drainMs: number;
  #log: Log;
  /** cuts the cluster warming of the apply in progress short (shutdown) */
  #stopWarming: (() => void) | null = null;

  constructor(opts: ProxyServerOptions = {}) {
    this.store = opts.store ?? new StatsStore();
    this.runtime = opts.runtime ?? new RuntimeLoader({ store: this.store });
    this.#drainMs = opts.drainMs ?? 5000;
    this.#log = opts.log ?? SILENT_LOG;
    this.listeners = new ListenerManager(this.store, this.#drainMs);
    this.tracing = new TracingHub(this.store, () => this.clusterManager, { node: opts.node, ...opts.zipkin });
    this.accessLogs = new AccessLogOutputs(this.store, opts.accessLog);
    this.accessLogSample = new AccessLogSampleQueue(opts.accessLogSample?.perSecond, opts.accessLogSample?.max);
    const s = this.store;
    const [maj, min, patch] = PROXY_CORE_VERSION.split(".").map(Number);
    s.gauge("server.version").set(maj * 10000 + min * 100 + patch);
    s.gauge("server.concurrency").set(1);
    this.#applies = new ApplyQueue(s);
    this.events.on("error", () => {}); // an event listener's failure must never take the worker down
    serverContextOf(s).localClusterName = opts.node?.cluster ?? "";
  }

  get version(): string | null {
    return this.#runtime?.version ?? null;
  }
  get resources(): SnapshotResources | null {
    return this.#runtime?.resources ?? null;
  }
  get appliedAt(): Date | null {
    return this.#runtime?.appliedAt ?? null;
  }
  get spans(): SpanQueue {
    return this.tracing.console;
  }
  get clusterManager(): ClusterManager | null {
    return this.#runtime?.clusters ?? null;
  }

  clustersView(): ClusterView[] {
    const cm = this.clusterManager;
    if (!cm) return [];
    return [...cm.clusters.values()].map((c) => ({
      name: c.name,
      limits: {
        max_connections: c.resources.connections.max,
        max_pending_requests: c.resources.pendingRequests.max,
        max_requests: c.resources.requests.max,
        max_retries: c.resources.retries.max,
      },
      usage: {
        connections: c.resources.connections.count,
        pending: c.resources.pendingRequests.count,
        requests: c.resources.requests.count,
        retries: c.resources.retries.count,
      },
      hosts: c.hosts.map((h) => ({ label: h.label, address: h.address, healthFlags: h.healthFlags, weight: h.weight, stats: { ...h.stats } })),
    }));
  }

  listenersView(): ListenerView[] {
    return [...this.listeners.active.values()].map((l) => ({ name: l.config.name, address: l.boundAddress }));
  }

  processMemory(): ProcessMemory {
    return processMemory();
  }

  loadRuntime(layers: RuntimeLayerConfig[]) {
    this.runtime.load(layers);
  }

  modifyRuntime(values: [string, string][]): string | null {
    return this.runtime.mergeValues(values);
  }

  /** Applies a snapshot atomically; rejects with ConfigRejectedError (message: one `path: problem` per line). */
  apply(resources: unknown, version: string): Promise<void> {
    return this.#applies.apply(version, resources, (v) => this.#commit(v, version));
  }

  async #commit(v: SnapshotResources, version: string) {
    const prev = this.#runtime;
    // the clusters' only log line is a failed DNS lookup: the cluster keeps its previous hosts, so a warning
    const secrets = secretSetOf(v.secrets);
    const clusters = new ClusterManager(v.clusters, this.store, this.events, prev?.clusters ?? null, (m) => this.#log.warn(m), this.runtime, secrets);
    const created = prev ? [...clusters.clusters.values()].filter((c) => prev.clusters.get(c.name) !== c) : [...clusters.clusters.values()];
    let plan;
    try {
      await this.#warm(clusters);
      const logging = (name: string) => ({ outputs: this.accessLogs, sample: this.accessLogSample, listener: name });
      plan = await this.listeners.prepare(
        v.listeners,
        (hcm, l) => new ConnectionManager(hcm, this.store, clusters, { hub: this.tracing, direction: l.traffic_direction ?? "UNSPECIFIED" }, logging(l.name)),
        (tcp, l) => new TcpProxy(tcp, this.store, clusters, { outputs: this.accessLogs, listener: l.name }),
        secrets,
      );
    } catch (err) {
      this.accessLogs.abort();
      await Promise.all(created.map((c) => c.close()));
      throw new ConfigRejectedError((err as Error).message);
    }
    // ---- commit: nothing below can fail
    plan.commit();
    // files only the previous config logged to close once its connections had time to drain
    this.accessLogs.commit(this.#drainMs);
    this.#runtime = { version, resources: v, clusters, appliedAt: new Date() };
    this.state = "LIVE";
    this.tracing.retain(zipkinProviders(v.listeners));
    if (prev) {
      // replaced clusters finish their in-flight requests, then close their pools
      for (const c of prev.clusters.retiredBy(clusters)) void c.close();
    }
  }

  /**
   * Envoy's cluster warming (DNS, the first health-check round), which a shutdown cuts short: a lookup or a
   * health check that hangs must not hold the drain. The apply then fails and closes the clusters it created.
   */
  #warm(clusters: ClusterManager): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#stopWarming = () => reject(new ConfigRejectedError("the worker is shutting down"));
      if (this.state === "DRAINING") return this.#stopWarming();
      clusters.initialize().then(resolve, reject);
    }).finally(() => (this.#stopWarming = null));
  }

  /** Stop accepting, let in-flight requests finish (up to drainMs), close upstream pools. */
  async shutdown(drainMs = this.#drainMs): Promise<void> {
    this.state = "DRAINING";
    const applied = this.#applies.drain();
    this.#stopWarming?.();
    await applied;
    await this.listeners.closeAll(drainMs);
    // the last requests' lines are written before the process goes
    await this.accessLogs.close();
    // the last spans leave before the collector cluster's pools close
    await this.tracing.close();
    await this.#runtime?.clusters.close();
  }
}
