import { withHandler } from "@/lib/http";
import { BundledWorkerStatus } from "@/lib/contract";
import { bundledWorkerStatus } from "@/lib/worker/registry";

/** The console's own worker: {state, nodeId, pid, adminAddress, startedAt, since, restarts, lastExit, lastError, nextAttemptAt, logFile}. */
export const GET = withHandler({ response: BundledWorkerStatus }, async () => bundledWorkerStatus());
