// The API contract of GET /api/worker: the console's own proxy worker as its supervisor sees it. It imports
// nothing, so the route handler and the react-query hook share one type without the client pulling in server code.

/**
 * - `off`: SIGNALBOX_WORKER=off, the console runs no worker of its own
 * - `starting`: spawned, its admin interface has not answered yet
 * - `running`: spawned by this console and answering
 * - `adopted`: left running by a previous console on the same data directory, watched by this one
 * - `restarting`: it exited (or could not start) and is being started again, until a new one answers
 * - `stopped`: the console is shutting down and stopped it
 */
export type BundledWorkerState = "off" | "starting" | "running" | "adopted" | "restarting" | "stopped";

export interface BundledWorkerStatus {
  state: BundledWorkerState;
  nodeId: string | null;
  /** process id of the worker (its primary process with --concurrency > 1); null while none runs */
  pid: number | null;
  adminAddress: string | null;
  /** when the current worker process started (ISO 8601) */
  startedAt: string | null;
  /** when `state` last changed (ISO 8601) */
  since: string | null;
  /** workers started again since this console started */
  restarts: number;
  /** how the last worker process ended; `code` and `signal` are null for an adopted one (not our child) */
  lastExit: { at: string; code: number | null; signal: string | null } | null;
  /** the last line of the worker's log that reports a failure, or how it exited when it said nothing */
  lastError: { at: string; line: string } | null;
  /** while restarting: when the next start is due */
  nextAttemptAt: string | null;
  /** where the worker's stdout and stderr go */
  logFile: string | null;
}

export const WORKER_OFF: BundledWorkerStatus = {
  state: "off",
  nodeId: null,
  pid: null,
  adminAddress: null,
  startedAt: null,
  since: null,
  restarts: 0,
  lastExit: null,
  lastError: null,
  nextAttemptAt: null,
  logFile: null,
};
