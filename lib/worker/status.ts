// The console's own worker when it runs none (SIGNALBOX_WORKER=off); the shape is GET /api/worker's contract.

import type { BundledWorkerStatus } from "../contract/nodes";

export type { BundledWorkerState, BundledWorkerStatus } from "../contract/nodes";

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
