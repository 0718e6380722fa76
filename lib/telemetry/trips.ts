// Circuit-breaker trips from the event feed. A worker reports a trip as two `circuit_breaker` events: "open" at
// its first refusal and "closed" once the limit stayed below capacity (with the refusals and how long it was
// open); proxy-core/src/upstream/resource-manager.ts. Pairing them per node, cluster and threshold gives the
// trip timeline; a close whose open is older than what was read still has its start (`openMs`).
import type { Trip } from "../contract/telemetry";
import type { EventRecord } from "../repos/event-repo";

const THRESHOLDS = new Set(["max_connections", "max_pending_requests", "max_requests", "max_retries"]);

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/** Trips from circuit_breaker events in ascending time, newest first; those overlapping [from, to] only. */
export function pairTrips(events: readonly EventRecord[], from: number, to: number): Trip[] {
  const open = new Map<string, Trip>();
  const trips: Trip[] = [];
  for (const e of events) {
    if (e.kind !== "circuit_breaker" || !e.cluster) continue;
    const threshold = String(e.details.threshold ?? "");
    if (!THRESHOLDS.has(threshold)) continue;
    const key = `${e.node}\u0000${e.cluster}\u0000${threshold}`;
    const state = e.details.state;
    const max = num(e.details.max);
    if (state === "open") {
      // an open without its close (the worker restarted meanwhile): it ended when the next one began
      const prev = open.get(key);
      if (prev) prev.closedAt = e.ts;
      const t: Trip = { node: e.node, cluster: e.cluster, threshold: threshold as Trip["threshold"], max, openedAt: e.ts, closedAt: null, refused: 0 };
      open.set(key, t);
      trips.push(t);
    } else if (state === "closed") {
      let t = open.get(key);
      open.delete(key);
      if (!t) {
        t = { node: e.node, cluster: e.cluster, threshold: threshold as Trip["threshold"], max, openedAt: e.ts - num(e.details.openMs), closedAt: null, refused: 0 };
        trips.push(t);
      }
      t.closedAt = e.ts;
      t.refused = Math.max(0, Math.round(num(e.details.refused)));
    }
  }
  return trips.filter((t) => t.openedAt <= to && (t.closedAt === null || t.closedAt >= from)).sort((a, b) => b.openedAt - a.openedAt);
}
