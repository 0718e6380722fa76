import { withHandler } from "@/lib/http";
import { bundledWorkerStatus } from "@/lib/worker/registry";
import type { BundledWorkerStatus } from "@/lib/worker/status";

/** The console's own worker: {state, nodeId, pid, adminAddress, startedAt, since, restarts, lastExit, lastError, nextAttemptAt, logFile}. */
export const GET = withHandler({}, async (): Promise<BundledWorkerStatus> => bundledWorkerStatus());
