// How the console's own worker is shown: one tone per state (the status palette) and, when it is not serving,
// the header's label for it.
import type { BundledWorkerState, BundledWorkerStatus } from "@/components/queries/types";
import type { Tone } from "@/components/ui/status-chip";

export const WORKER_TONE: Record<BundledWorkerState, Tone> = {
  off: "grey",
  starting: "amber",
  running: "green",
  adopted: "green",
  restarting: "red",
  stopped: "red",
};

/** The header's chip while the bundled worker is not serving (null when it is, or when there is none). */
export function workerTrouble(s: BundledWorkerStatus | undefined | null): { tone: Tone; label: string } | null {
  if (!s || s.state === "off" || s.state === "running" || s.state === "adopted") return null;
  return { tone: WORKER_TONE[s.state], label: `worker ${s.nodeId ?? ""} ${s.state}`.replace(/\s+/g, " ") };
}

/** "code 1", "SIGKILL", or "exit status unknown" (an adopted worker is not the console's child). */
export function describeExit(e: NonNullable<BundledWorkerStatus["lastExit"]>): string {
  return e.code !== null ? `code ${e.code}` : e.signal ?? "exit status unknown";
}

/** Seconds until `iso`, at least 0; null without a time. */
export function secondsUntil(iso: string | null, now = Date.now()): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : Math.max(0, Math.ceil((t - now) / 1000));
}
