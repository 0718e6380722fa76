// The `server.*` gauges Envoy refreshes on its stats flush (InstanceImpl::updateServerStats; docs
// configuration/observability/statistics.rst "Server"): uptime, memory, live and state. Refreshed by a timer
// of the admin listener, as Envoy's are by its flush timer: never on the request path, and two scrapes within
// one interval read the same values.
import type { StatsStore } from "./store";

export const SERVER_GAUGES = ["uptime", "memory_allocated", "memory_heap_size", "memory_physical_size", "live", "state"] as const;

/** admin.v3.ServerInfo.State numbers, which the `server.state` gauge carries */
export const SERVER_STATE_VALUE = { LIVE: 0, DRAINING: 1, PRE_INITIALIZING: 2, INITIALIZING: 3 } as const;

/** Envoy's memory gauges, filled from node's heap (allocated: V8 heap in use plus memory outside it). */
export interface ProcessMemory {
  /** server.memory_allocated */
  allocated: number;
  /** server.memory_heap_size */
  heapSize: number;
  /** server.memory_physical_size */
  physicalSize: number;
}

export function processMemory(): ProcessMemory {
  const m = process.memoryUsage();
  return { allocated: m.heapUsed + m.external, heapSize: m.heapTotal, physicalSize: m.rss };
}

/** What the gauges are read from: a worker, or a --concurrency primary (its memory includes its workers'). */
export interface ServerStatsSource {
  readonly store: StatsStore;
  readonly startedAt: number;
  readonly state: keyof typeof SERVER_STATE_VALUE;
  processMemory(): ProcessMemory;
}

export class ServerStats {
  #timer: NodeJS.Timeout | null = null;

  constructor(private readonly source: ServerStatsSource) {}

  refresh() {
    const src = this.source;
    const s = src.store;
    const mem = src.processMemory();
    s.gauge("server.uptime").set(Math.floor((Date.now() - src.startedAt) / 1000));
    s.gauge("server.memory_allocated").set(mem.allocated);
    s.gauge("server.memory_heap_size").set(mem.heapSize);
    s.gauge("server.memory_physical_size").set(mem.physicalSize);
    // Envoy: 1 once serving, 0 before and while draining
    s.gauge("server.live").set(src.state === "LIVE" ? 1 : 0);
    s.gauge("server.state").set(SERVER_STATE_VALUE[src.state]);
  }

  start(intervalMs: number) {
    this.refresh();
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => this.refresh(), intervalMs);
    this.#timer.unref();
  }

  stop() {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}
