// The console <-> worker protocol over one WebSocket (path /ws/worker on the console's port), as zod schemas:
// the worker builds its messages with these types and the console parses every message it receives with them.
// Modelled on xDS state-of-the-world: each snapshot is a full, versioned set of listeners and clusters, and
// the worker answers every snapshot with an ACK or a NACK carrying the same nonce (a reply with another nonce
// answers a snapshot that has since been superseded). The same socket carries the worker's telemetry (stats,
// events, spans) back to the console.
import { z } from "zod";
import type { SnapshotResources } from "./config/schema";
import { AccessLogEntry } from "./access-log/entry";
import { ENVIRONMENT_NAME_RE } from "./environment-name";

export const PROTOCOL_VERSION = 2;
export const WORKER_WS_PATH = "/ws/worker";

/** worker → console, first message after the socket opens. */
export const HelloMessage = z.object({
  type: z.literal("hello"),
  protocol: z.number().int(),
  nodeId: z.string().min(1),
  /** version id the worker is running, if any (after a reconnect) */
  appliedVersion: z.string().nullable(),
  /** the worker's admin address, for display */
  admin: z.string().optional(),
  /**
   * set when `appliedVersion` was loaded from the worker's --cache-dir at start (no snapshot from a console applied
   * since); equal to `appliedVersion` then. A console whose live version it is marks the node applied without
   * sending it again. Older workers leave it out.
   */
  cachedVersionId: z.string().min(1).optional(),
  /** --node-label k=v pairs, shown on the console's nodes page; older workers leave it out */
  labels: z.record(z.string().regex(/^[A-Za-z0-9._-]{1,63}$/), z.string().regex(/^[A-Za-z0-9._-]{1,63}$/)).optional(),
  /** --environment: the environment whose versions the node runs; absent means "default" */
  environment: z.string().regex(ENVIRONMENT_NAME_RE).optional(),
});
export type HelloMessage = z.infer<typeof HelloMessage>;

/** console → worker. The resources are validated by the worker with the config schema before they apply. */
export const SnapshotMessage = z.object({
  type: z.literal("snapshot"),
  version: z.string(),
  /** the human-facing version number (v1, v2 …) */
  number: z.number().int().optional(),
  nonce: z.string(),
  resources: z.custom<SnapshotResources>((v) => typeof v === "object" && v !== null),
});
export type SnapshotMessage = z.infer<typeof SnapshotMessage>;

/** worker → console: the snapshot was applied. */
export const AckMessage = z.object({ type: z.literal("ack"), version: z.string(), nonce: z.string() });
export type AckMessage = z.infer<typeof AckMessage>;

/** worker → console: the snapshot was refused; the worker keeps serving `appliedVersion`. */
export const NackMessage = z.object({
  type: z.literal("nack"),
  version: z.string(),
  nonce: z.string(),
  error: z.string(),
  appliedVersion: z.string().nullable(),
});
export type NackMessage = z.infer<typeof NackMessage>;

/**
 * One histogram's samples of the last interval as mergeable buckets: the worker's log-linear buckets (16 per
 * power of two, values in µs; proxy-core/src/stats/histogram.ts) as flat `[bucket, count, …]` pairs, with the
 * sample count, sum and maximum. Buckets add up across nodes and seconds, so any percentile of any set can be
 * computed; percentiles themselves could not be merged.
 */
export const HistogramBuckets = z.object({
  b: z.array(z.number()),
  n: z.number().nonnegative(),
  s: z.number().nonnegative(),
  m: z.number().nonnegative(),
});
export type HistogramBuckets = z.infer<typeof HistogramBuckets>;

/**
 * worker → console, once a second: every counter (cumulative value) and gauge that changed since the last
 * report, all of them in the first report after a (re)connect, and each histogram that saw samples.
 */
export const StatsMessage = z.object({
  type: z.literal("stats"),
  /** epoch ms */
  ts: z.number(),
  counters: z.record(z.string(), z.number()),
  gauges: z.record(z.string(), z.number()),
  histograms: z.record(z.string(), HistogramBuckets),
});
export type StatsMessage = z.infer<typeof StatsMessage>;

/** The kinds of events a worker reports, with what their `details` carry. */
export const WORKER_EVENT_KINDS = [
  /** a circuit-breaker trip: {threshold, max, state: "open"|"closed", refused, openMs (on close)} */
  "circuit_breaker",
  /** outlier detection: {host, ejected, type, durationMs (when ejected)} */
  "outlier_ejection",
  /** active health checking: {host, healthy, reason} */
  "health_flip",
] as const;

/** worker → console: a notable event, as it happens. */
export const EventMessage = z.object({
  type: z.literal("event"),
  ts: z.number(),
  kind: z.string(),
  cluster: z.string().optional(),
  details: z.record(z.string(), z.unknown()),
});
export type EventMessage = z.infer<typeof EventMessage>;

/**
 * One cluster as the admin /clusters shows it: its circuit-breaker limits and what is in use against them now,
 * and each host with its health flags, weight and counters (Envoy keeps per-host stats out of /stats).
 */
export const ClusterReport = z.object({
  name: z.string(),
  limits: z.object({ max_connections: z.number(), max_pending_requests: z.number(), max_requests: z.number(), max_retries: z.number() }),
  usage: z.object({ connections: z.number(), pending: z.number(), requests: z.number(), retries: z.number() }),
  hosts: z.array(
    z.object({
      label: z.string(),
      address: z.string(),
      healthFlags: z.string(),
      weight: z.number(),
      /** cx_total, cx_active, cx_connect_fail, rq_total, rq_active, rq_success, rq_error, rq_timeout (cumulative) */
      stats: z.record(z.string(), z.number()),
    }),
  ),
});
export type ClusterReport = z.infer<typeof ClusterReport>;

/** worker → console, every 5 s: every cluster's hosts and circuit-breaker usage. */
export const ClustersMessage = z.object({ type: z.literal("clusters"), ts: z.number(), clusters: z.array(ClusterReport) });
export type ClustersMessage = z.infer<typeof ClustersMessage>;

/** One span in Zipkin's JSON v2 shape (what the collector gets too). Timestamps and durations in µs. */
export const ZipkinSpan = z.object({
  traceId: z.string(),
  id: z.string(),
  parentId: z.string().optional(),
  name: z.string(),
  kind: z.enum(["SERVER", "CLIENT"]),
  /** µs since the epoch, integer */
  timestamp: z.number(),
  /** µs, integer */
  duration: z.number(),
  localEndpoint: z.object({ serviceName: z.string(), ipv4: z.string().optional(), ipv6: z.string().optional(), port: z.number().optional() }),
  tags: z.record(z.string(), z.string()),
  /** set on a SERVER span that reuses the span id of the incoming context (shared_span_context) */
  shared: z.literal(true).optional(),
});
export type ZipkinSpan = z.infer<typeof ZipkinSpan>;

/** worker → console, at most once a second: sampled spans finished since the last message. */
export const SpansMessage = z.object({ type: z.literal("spans"), spans: z.array(ZipkinSpan) });
export type SpansMessage = z.infer<typeof SpansMessage>;

/**
 * worker → console, at most once a second: a bounded sample of the requests finished since the last message
 * (the fields of Envoy's default access-log format), and how many were left out since the previous message.
 */
export const AccessLogMessage = z.object({ type: z.literal("access_log"), entries: z.array(AccessLogEntry), dropped: z.number().int().nonnegative() });
export type AccessLogMessage = z.infer<typeof AccessLogMessage>;

/**
 * One request as the impact preview replays it (proxy-core/src/http/request-sample.ts): what route matching reads
 * and nothing more. `headers` holds only the request headers the listener's routes match on, as [name, value, …].
 */
export const RequestHead = z.object({
  /** arrival, epoch ms */
  at: z.number(),
  method: z.string(),
  authority: z.string(),
  /** path with query, as received */
  path: z.string(),
  /** stat_prefix of the HTTP connection manager that took it: which filter chain's routes it met */
  hcm: z.string(),
  headers: z.array(z.string()),
});
export type RequestHead = z.infer<typeof RequestHead>;

/** One listener's heads since the last message, oldest first; `overwritten`: more arrived than its ring holds. */
export const RequestSampleListener = z.object({ listener: z.string(), heads: z.array(RequestHead), overwritten: z.number().int().nonnegative() });
export type RequestSampleListener = z.infer<typeof RequestSampleListener>;

/** worker → console, at most every 10 s: the request heads each listener received since the previous message. */
export const RequestSampleMessage = z.object({ type: z.literal("request_sample"), listeners: z.array(RequestSampleListener) });
export type RequestSampleMessage = z.infer<typeof RequestSampleMessage>;

/**
 * One secret as the console delivers it: Envoy's SDS resource (envoy.extensions.transport_sockets.tls.v3.Secret)
 * with inline PEM only. The worker validates each with the config schema's Secret before using it.
 */
export const DeliveredSecret = z.object({
  name: z.string().min(1),
  tls_certificate: z.object({ certificate_chain: z.object({ inline_string: z.string() }), private_key: z.object({ inline_string: z.string() }) }).optional(),
  validation_context: z.object({ trusted_ca: z.object({ inline_string: z.string() }) }).optional(),
});
export type DeliveredSecret = z.infer<typeof DeliveredSecret>;

/**
 * console → worker: every secret the worker's next or current snapshot references with `sds_config: {ads: {}}`,
 * as a full set (state of the world, as SDS over ADS). Sent before the snapshot that needs them, and again when
 * one is rotated: the worker then re-applies its running snapshot with the new ones (TLS listeners keep their
 * sockets and connections; new handshakes use the new certificate). `version` names this set.
 */
export const SecretsMessage = z.object({ type: z.literal("secrets"), version: z.string().min(1), secrets: z.array(DeliveredSecret) });
export type SecretsMessage = z.infer<typeof SecretsMessage>;

/** worker → console: the secrets of `version` are in use (or, with `error`, were refused and the previous ones kept). */
export const SecretsAckMessage = z.object({ type: z.literal("secrets_ack"), version: z.string(), error: z.string().optional() });
export type SecretsAckMessage = z.infer<typeof SecretsAckMessage>;

export const ConsoleToWorker = z.discriminatedUnion("type", [SnapshotMessage, SecretsMessage]);
export type ConsoleToWorker = z.infer<typeof ConsoleToWorker>;

export const WorkerToConsole = z.discriminatedUnion("type", [HelloMessage, AckMessage, NackMessage, SecretsAckMessage, StatsMessage, EventMessage, SpansMessage, ClustersMessage, AccessLogMessage, RequestSampleMessage]);
export type WorkerToConsole = z.infer<typeof WorkerToConsole>;
