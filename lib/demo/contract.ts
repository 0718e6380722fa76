// The demo traffic API's shapes (POST/GET/DELETE /api/demo), defined once: the route handler returns these
// types and a client (the Overview's "Start demo traffic" button, scripts/demo.ts) can parse with the same
// schemas. Only zod here, so browser code may import it.
import { z } from "zod";

export const DEMO_MAX_DURATION_S = 3600;
export const DEMO_DEFAULT_DURATION_S = 600;

export const DemoStartBody = z.strictObject({
  /** how long the load runs before it stops by itself (default 10 minutes, at most 1 hour) */
  durationS: z.number().int().min(1).max(DEMO_MAX_DURATION_S).optional(),
});

export const DemoStopQuery = z.object({
  /** default true: publish a version without the demo routes and clusters (refused when the draft has changes) */
  removeConfig: z.enum(["true", "false"]).optional().default("true").transform((v) => v === "true"),
});

export const DemoUpstreamKind = z.enum(["healthy", "slow", "flaky"]);

export const DemoUpstream = z.object({
  /** the cluster that points at it */
  name: z.string(),
  port: z.number().int(),
  kind: DemoUpstreamKind,
});

export const DemoRoute = z.object({
  /** prefix on the listener, e.g. /demo/slow */
  path: z.string(),
  cluster: z.string(),
  /** requests the load generator sent on this route */
  sent: z.number().int(),
});

export const DemoVersionRef = z.object({ id: z.string(), number: z.number().int() });

export const DemoStatus = z.object({
  running: z.boolean(),
  startedAt: z.string().nullable(),
  /** when the load stops by itself */
  endsAt: z.string().nullable(),
  stoppedAt: z.string().nullable(),
  /** "duration": it ran its course; "stopped": DELETE /api/demo; "error": it could not go on */
  stopReason: z.enum(["duration", "stopped", "error"]).nullable(),
  /** the worker listener the load goes to, host:port */
  target: z.string().nullable(),
  requestsSent: z.number().int(),
  /** answers by class; `failed` counts requests that got no HTTP answer (refused, reset, timeout) */
  responses: z.object({ "2xx": z.number().int(), "3xx": z.number().int(), "4xx": z.number().int(), "5xx": z.number().int(), failed: z.number().int() }),
  upstreams: z.array(DemoUpstream),
  routes: z.array(DemoRoute),
  /** the version that added the demo routes */
  publishedVersion: DemoVersionRef.nullable(),
  /** what the demo config did or skipped, in words (tracing, route stat_prefix) */
  notes: z.array(z.string()),
});

export const DemoConfigRemoval = z.discriminatedUnion("removed", [
  z.object({ removed: z.literal(true), version: DemoVersionRef }),
  z.object({ removed: z.literal(false), reason: z.string() }),
]);

export const DemoStopResult = DemoStatus.extend({ config: DemoConfigRemoval });

export type DemoStartBody = z.infer<typeof DemoStartBody>;
export type DemoUpstreamKind = z.infer<typeof DemoUpstreamKind>;
export type DemoUpstream = z.infer<typeof DemoUpstream>;
export type DemoVersionRef = z.infer<typeof DemoVersionRef>;
export type DemoStatus = z.infer<typeof DemoStatus>;
export type DemoConfigRemoval = z.infer<typeof DemoConfigRemoval>;
export type DemoStopResult = z.infer<typeof DemoStopResult>;
