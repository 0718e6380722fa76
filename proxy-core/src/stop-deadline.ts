// SIGTERM/SIGINT stop a worker within the drain time (Envoy's --drain-time-s) plus a fixed margin, whatever
// it is doing: following a console, reconnecting to one that is gone, before its first config, or warming
// clusters for an apply. The drain itself is bounded by the drain time; the margin covers what comes after
// it (closing the console connection, a --concurrency child's last stats report, closing upstream pools).
// A hard deadline makes sure a step that never finishes cannot keep the process alive.
import type { Log } from "./log/logger";

/** The whole process (single or --concurrency primary): drain time + this, then it is forced out. */
export const STOP_MARGIN_MS = 2000;
/** A --concurrency child forces itself out first, so that its primary sees it go within its own deadline. */
export const CHILD_STOP_MARGIN_MS = 1000;
/** The primary SIGKILLs a child still running after drain time + this (between the two deadlines above). */
export const CHILD_KILL_MARGIN_MS = 1500;

/**
 * From now on the process has `ms` to exit by itself; after that `beforeExit` runs (a primary kills its
 * children) and it exits 1. The timer is deliberately not unref'd: it must fire even when a wedged step
 * leaves nothing else scheduled.
 */
export function armStopDeadline(ms: number, log: Log, beforeExit: () => void = () => {}): void {
  setTimeout(() => {
    log.error(`did not stop within ${ms} ms (drain time + margin); exiting now`);
    try {
      beforeExit();
    } finally {
      process.exit(1);
    }
  }, ms);
}
