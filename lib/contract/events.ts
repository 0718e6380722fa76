// The event feed (GET /api/events): what happened, as it happened, from the workers (circuit-breaker trips,
// outlier ejections, health flips) and from the console (publishes, rollbacks, NACKs, nodes connecting).
import { z } from "zod";

export const EVENT_KINDS = [
  "circuit_breaker",
  "outlier_ejection",
  "health_flip",
  "nack",
  "publish",
  "rollback",
  "connected",
  "disconnected",
  // publish guards (lib/guard/watcher.ts)
  "guard_rollback",
  "guard_passed",
  "guard_cancelled",
  "guard_expired",
  "guard_failed",
  // canary publishes (lib/rollout/): started, then promoted or aborted (a rollback or a guard ends one with its own line)
  "canary_started",
  "canary_promoted",
  "canary_aborted",
  // TLS secrets (lib/secrets/): a daily warning from 30 days before a certificate expires; a rotation
  "certificate_expiry",
  "secret_rotated",
] as const;

export const EventRow = z.object({
  id: z.number().int(),
  /** epoch ms */
  ts: z.number(),
  /** the node it happened on; "console" for publishes and rollbacks */
  node: z.string(),
  kind: z.string(),
  cluster: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type EventRow = z.infer<typeof EventRow>;

export const EventsQuery = z.object({
  /** epoch ms, inclusive */
  since: z.coerce.number().optional(),
  until: z.coerce.number().optional(),
  kind: z.string().min(1).optional(),
  cluster: z.string().min(1).optional(),
  node: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional().default(200),
});

/** Newest first. */
export const EventList = z.object({ events: z.array(EventRow) });
export type EventList = z.infer<typeof EventList>;
