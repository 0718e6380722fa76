// Where finished spans go (one TracingHub per ProxyServer): the Zipkin reporter of the HCM's provider, if
// any, and the console queue, which the xDS client (or, with --concurrency N, the worker's IPC report to the
// primary) drains once a second. The console queue only fills while someone drains it, and is bounded.
import { isTcpProxyFilter, type Listener, type ZipkinConfig } from "../config/schema";
import type { ZipkinSpan } from "../protocol";
import type { StatsStore } from "../stats/store";
import type { ClusterManager } from "../upstream/cluster-manager";
import { zipkinCounters, type ZipkinCounters } from "./tracing-stats";
import { ZipkinReporter } from "./zipkin-reporter";

/** Spans waiting for the console; the oldest are dropped beyond `max` (the console is away or slow). */
export class SpanQueue {
  /** set by whoever drains the queue (the xDS client, a cluster worker's reporter) */
  enabled = false;
  dropped = 0;
  #spans: ZipkinSpan[] = [];
  constructor(readonly max = 5000) {}

  push(spans: readonly ZipkinSpan[]) {
    if (!this.enabled) return;
    for (const s of spans) this.#spans.push(s);
    const over = this.#spans.length - this.max;
    if (over > 0) {
      this.#spans.splice(0, over);
      this.dropped += over;
    }
  }

  /** Everything queued (oldest first), or null when empty. */
  take(): ZipkinSpan[] | null {
    if (this.#spans.length === 0) return null;
    const out = this.#spans;
    this.#spans = [];
    return out;
  }
}

export interface NodeInfo {
  id: string;
  /** Envoy's local cluster name: the spans' localEndpoint.serviceName */
  cluster?: string;
}

export interface TracingHubOptions {
  node?: Partial<NodeInfo>;
  /** runtime tracing.zipkin.flush_interval_ms (5000) */
  flushIntervalMs?: number;
  /** runtime tracing.zipkin.min_flush_spans (5) */
  minFlushSpans?: number;
}

export class TracingHub {
  readonly console = new SpanQueue();
  readonly node: NodeInfo;
  readonly serviceName: string;
  #reporters = new Map<string, ZipkinReporter>();
  #counters: ZipkinCounters | null = null;

  constructor(
    private readonly store: StatsStore,
    /** the clusters of the config being served; reports resolve collector_cluster there at flush time */
    private readonly clusters: () => ClusterManager | null,
    private readonly opts: TracingHubOptions = {},
  ) {
    this.node = { id: opts.node?.id ?? "", cluster: opts.node?.cluster };
    this.serviceName = opts.node?.cluster || opts.node?.id || "signalbox";
  }

  /** The shared reporter for one provider config (created on first use). */
  zipkin(config: ZipkinConfig): ZipkinReporter {
    const key = JSON.stringify(config);
    let r = this.#reporters.get(key);
    if (r === undefined) {
      this.#counters ??= zipkinCounters(this.store);
      r = new ZipkinReporter(config, { flushIntervalMs: this.opts.flushIntervalMs ?? 5000, minFlushSpans: this.opts.minFlushSpans ?? 5, counters: this.#counters, clusters: this.clusters });
      this.#reporters.set(key, r);
    }
    return r;
  }

  /**
   * After a config swap: reporters whose provider config is no longer used send what they buffered and stop
   * their timer (draining connections of the old config may still add spans; those leave at min_flush_spans).
   */
  retain(inUse: readonly ZipkinConfig[]) {
    const keep = new Set(inUse.map((c) => JSON.stringify(c)));
    for (const [key, r] of this.#reporters) {
      if (keep.has(key)) continue;
      this.#reporters.delete(key);
      void r.close();
    }
  }

  async close(): Promise<void> {
    const all = [...this.#reporters.values()];
    this.#reporters.clear();
    await Promise.all(all.map((r) => r.close()));
  }
}

/** The Zipkin provider configs the HCMs of `listeners` use (for TracingHub.retain). */
export function zipkinProviders(listeners: readonly Listener[]): ZipkinConfig[] {
  const out: ZipkinConfig[] = [];
  for (const l of listeners) {
    for (const fc of [...l.filter_chains, ...(l.default_filter_chain ? [l.default_filter_chain] : [])]) {
      const f = fc.filters[0];
      const provider = f === undefined || isTcpProxyFilter(f) ? undefined : f.typed_config.tracing?.provider;
      if (provider !== undefined) out.push(provider.typed_config);
    }
  }
  return out;
}
