// The supervisor lives in server.ts's module graph; route handlers run inside Next's bundle, which has its own
// copies of every module. Both sides meet through this globalThis slot (as the control plane does).
import { WORKER_OFF, type BundledWorkerStatus } from "./status";

export interface BundledWorkerSource {
  status(): BundledWorkerStatus;
}

const KEY = Symbol.for("signalbox.bundledWorker");
type Slot = { [KEY]?: BundledWorkerSource | null };

export function setBundledWorker(source: BundledWorkerSource | null): void {
  (globalThis as Slot)[KEY] = source;
}

/** The bundled worker's status; `off` when the console runs none (SIGNALBOX_WORKER=off). */
export function bundledWorkerStatus(): BundledWorkerStatus {
  return (globalThis as Slot)[KEY]?.status() ?? WORKER_OFF;
}
