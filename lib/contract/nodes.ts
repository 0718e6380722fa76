// Nodes: proxy workers as the console knows them (GET /api/nodes), and the console's own worker (GET /api/worker).
import { z } from "zod";
import { IsoTime } from "./common";

/** Where a node stands relative to the live version. */
export const NodeState = z.enum(["applied", "pending", "rejected", "unknown"]);
export type NodeState = z.infer<typeof NodeState>;

export const NodeView = z.object({
  id: z.string(),
  /** the worker's --environment */
  environment: z.string(),
  connected: z.boolean(),
  /** version id the node runs (ACKed), or null */
  appliedVersion: z.string().nullable(),
  appliedVersionNumber: z.number().int().nullable(),
  /** the reason of its last NACK; cleared by the next ACK */
  lastError: z.string().nullable(),
  lastErrorAt: IsoTime.nullable(),
  /** the version that NACK refused (id and number): an error belongs to that version, not to the live one */
  rejectedVersionId: z.string().nullable(),
  rejectedVersionNumber: z.number().int().nullable(),
  connectedAt: IsoTime.nullable(),
  lastSeen: IsoTime,
  /** the worker's admin address, as it reported it */
  address: z.string().nullable(),
  /** the console replica holding its session (its SIGNALBOX_REPLICA_ID, or host-pid-random), null when none is recorded */
  replica: z.string().nullable(),
  /** the worker's --node-label pairs (from its hello); {} when it sent none */
  labels: z.record(z.string(), z.string()),
  /** the version the node should run: the canary version when a running canary targets it, else the live one */
  targetVersion: z.string().nullable(),
  targetVersionNumber: z.number().int().nullable(),
  /** a running canary targets this node */
  canary: z.boolean(),
  /** relative to targetVersion */
  state: NodeState,
});
export type NodeView = z.infer<typeof NodeView>;
export const NodeList = z.array(NodeView);

/**
 * - `off`: SIGNALBOX_WORKER=off, the console runs no worker of its own
 * - `starting`: spawned, its admin interface has not answered yet
 * - `running`: spawned by this console and answering
 * - `adopted`: left running by a previous console on the same data directory, watched by this one
 * - `restarting`: it exited (or could not start) and is being started again, until a new one answers
 * - `stopped`: the console is shutting down and stopped it
 */
export const BundledWorkerState = z.enum(["off", "starting", "running", "adopted", "restarting", "stopped"]);
export type BundledWorkerState = z.infer<typeof BundledWorkerState>;

export const BundledWorkerStatus = z.object({
  state: BundledWorkerState,
  nodeId: z.string().nullable(),
  /** process id of the worker (its primary process with --concurrency > 1); null while none runs */
  pid: z.number().int().nullable(),
  adminAddress: z.string().nullable(),
  /** when the current worker process started */
  startedAt: z.string().nullable(),
  /** when `state` last changed */
  since: z.string().nullable(),
  /** workers started again since this console started */
  restarts: z.number().int().nonnegative(),
  /** how the last worker process ended; `code` and `signal` are null for an adopted one (not our child) */
  lastExit: z.object({ at: z.string(), code: z.number().int().nullable(), signal: z.string().nullable() }).nullable(),
  /** the last line of the worker's log that reports a failure, or how it exited when it said nothing */
  lastError: z.object({ at: z.string(), line: z.string() }).nullable(),
  /** while restarting: when the next start is due */
  nextAttemptAt: z.string().nullable(),
  /** where the worker's stdout and stderr go */
  logFile: z.string().nullable(),
});
export type BundledWorkerStatus = z.infer<typeof BundledWorkerStatus>;

/** A console process sharing the database (GET /api/replicas): several replicas serve one fleet. */
export const ReplicaView = z.object({
  /** SIGNALBOX_REPLICA_ID, or host-pid-random */
  id: z.string(),
  /** host:port it serves on */
  address: z.string(),
  pid: z.number().int(),
  startedAt: IsoTime,
  /** its last heartbeat (every 2 s) */
  lastSeen: IsoTime,
  /** it beat within the last 10 s; the nodes of one that stopped count as disconnected */
  alive: z.boolean(),
  /** the replica that answered this request */
  self: z.boolean(),
  /** the connected nodes whose session it holds */
  nodes: z.number().int().nonnegative(),
});
export type ReplicaView = z.infer<typeof ReplicaView>;
export const ReplicaList = z.array(ReplicaView);
