// Live traffic (GET /api/stats/live): one point per second per node, and the node's recent events.
import { z } from "zod";

export const LivePoint = z.object({
  /** epoch ms of the second */
  t: z.number(),
  rps: z.number(),
  rq2xx: z.number(),
  rq4xx: z.number(),
  rq5xx: z.number(),
});
export type LivePoint = z.infer<typeof LivePoint>;

export const HubEvent = z.object({
  ts: z.number(),
  node: z.string(),
  kind: z.string(),
  cluster: z.string().optional(),
  details: z.record(z.string(), z.unknown()),
});
export type HubEvent = z.infer<typeof HubEvent>;

export const LiveStats = z.object({
  node: z.string(),
  connected: z.boolean(),
  points: z.array(LivePoint),
  events: z.array(HubEvent),
});
export type LiveStats = z.infer<typeof LiveStats>;

export const LiveStatsQuery = z.object({
  node: z.string().min(1).optional().default("local"),
  seconds: z.coerce.number().int().min(1).max(300).optional().default(60),
});
