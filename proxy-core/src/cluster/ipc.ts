// Messages between the --concurrency N primary and its node:cluster workers (process IPC, JSON).
import type { ClusterView, ListenerView } from "../server";
import type { RequestSampleListener, ZipkinSpan } from "../protocol";
import type { AccessLogEntry } from "../access-log/entry";
import type { ProcessMemory } from "../stats/server-stats";
import type { RuntimeState } from "../runtime/runtime";

export type PrimaryToWorker =
  | { t: "apply"; id: number; resources: unknown; version: string }
  /** drain in-flight requests for up to drainMs, send a last stats report, exit 0 */
  | { t: "stop"; drainMs: number }
  /** the admin's POST /healthcheck/fail (true) or /healthcheck/ok (false), for the health_check HTTP filter */
  | { t: "healthcheck"; failed: boolean }
  /** the primary's layered runtime (bootstrap layers and /runtime_modify values), which every worker holds a copy of */
  | { t: "runtime"; state: RuntimeState }
  /** record request heads for the console's impact preview (the primary's xDS client turned its sampler on or off) */
  | { t: "request_sampling"; enabled: boolean };

export interface WorkerStatsReport {
  t: "stats";
  /** counter increments since the previous report (a counter's first report carries its value, even 0) */
  counters: Record<string, number>;
  /** gauges whose value changed since the previous report (absolute values) */
  gauges: Record<string, number>;
  /** samples recorded since the previous report: sparse buckets `[bucket, count, …]`, count, sum and max in µs */
  histograms: Record<string, { b: number[]; n: number; s: number; m: number }>;
  clusters: ClusterView[];
  /** the worker process's memory, added into the primary's server.memory_* gauges */
  memory: ProcessMemory;
}

export type WorkerToPrimary =
  | { t: "ready" }
  | { t: "applied"; id: number; ok: true; listeners: ListenerView[] }
  | { t: "applied"; id: number; ok: false; error: string }
  | WorkerStatsReport
  | { t: "event"; kind: string; event: unknown }
  /** sampled spans finished since the last report, for the console (sent with the stats report) */
  | { t: "spans"; spans: ZipkinSpan[] }
  /** the access-log sample since the last report, and how many entries were left out */
  | { t: "access_log"; entries: AccessLogEntry[]; dropped: number }
  /** the request heads recorded since the last report, per listener (only while the primary asked for them) */
  | { t: "request_sample"; listeners: RequestSampleListener[] };

/** Environment of a forked worker: the node identity for span tags and the Zipkin service name. */
export const NODE_ID_ENV = "SIGNALBOX_NODE_ID";
export const NODE_CLUSTER_ENV = "SIGNALBOX_NODE_CLUSTER";

/** How often workers report their stats to the primary. */
export const REPORT_INTERVAL_MS = 1000;
