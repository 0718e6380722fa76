// The console <-> worker protocol over one WebSocket (path /ws/worker on the console's port).
// Modelled on xDS state-of-the-world: each snapshot is a full, versioned set of listeners and clusters,
// and the worker answers every snapshot with an ACK or a NACK carrying the same nonce.
// The same socket carries the worker's telemetry (stats, events, spans) back to the console.
import type { SnapshotResources } from "./config/schema";

export const PROTOCOL_VERSION = 1;
export const WORKER_WS_PATH = "/ws/worker";

/** worker → console, first message after the socket opens. */
export interface HelloMessage {
  type: "hello";
  protocol: number;
  nodeId: string;
  /** version id the worker is running, if any (after a reconnect) */
  appliedVersion: string | null;
  /** the worker's admin address, for display */
  admin?: string;
}

/** console → worker */
export interface SnapshotMessage {
  type: "snapshot";
  version: string;
  /** the human-facing version number (v1, v2 …) */
  number?: number;
  nonce: string;
  resources: SnapshotResources;
}

/** worker → console: the snapshot was applied. */
export interface AckMessage {
  type: "ack";
  version: string;
  nonce: string;
}

/** worker → console: the snapshot was refused; the worker keeps serving `appliedVersion`. */
export interface NackMessage {
  type: "nack";
  version: string;
  nonce: string;
  error: string;
  appliedVersion: string | null;
}

/** worker → console, once a second: counters and gauges that changed since the last report. */
export interface StatsMessage {
  type: "stats";
  /** epoch ms */
  ts: number;
  counters: Record<string, number>;
  gauges: Record<string, number>;
  /** latency percentiles of the last interval, ms, by histogram name */
  histograms?: Record<string, { p50: number; p90: number; p99: number; p999: number; count: number }>;
}

/** worker → console: a notable event (circuit-breaker trip, ejection, health flip …). */
export interface EventMessage {
  type: "event";
  ts: number;
  kind: string;
  cluster?: string;
  details: Record<string, unknown>;
}

/** One span in Zipkin's JSON v2 shape (what the collector gets too). Timestamps and durations in µs. */
export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  kind: "SERVER" | "CLIENT";
  /** µs since the epoch, integer */
  timestamp: number;
  /** µs, integer */
  duration: number;
  localEndpoint: { serviceName: string; ipv4?: string; ipv6?: string; port?: number };
  tags: Record<string, string>;
  /** set on a SERVER span that reuses the span id of the incoming context (shared_span_context) */
  shared?: true;
}

/** worker → console, at most once a second: sampled spans finished since the last message. */
export interface SpansMessage {
  type: "spans";
  spans: ZipkinSpan[];
}

export type ConsoleToWorker = SnapshotMessage;
export type WorkerToConsole = HelloMessage | AckMessage | NackMessage | StatsMessage | EventMessage | SpansMessage;
