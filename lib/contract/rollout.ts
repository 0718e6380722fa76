// Canary publishes: POST /api/versions with `canary`, GET /api/rollout, POST /api/versions/{id}/promote|abort.
import { z } from "zod";
import { IsoTime } from "./common";

/**
 * Which nodes get a canary version first; exactly one of:
 * - `nodes`: these node ids
 * - `selector`: nodes whose --node-label pairs include every key=value given
 * - `percent` (1–99): ceil(percent% of the connected nodes), chosen by a stable hash of the node id
 */
export const CanaryTarget = z
  .object({
    nodes: z.array(z.string().trim().min(1).max(200)).min(1).max(1000).optional(),
    selector: z.record(z.string().trim().min(1).max(200), z.string().max(200)).optional(),
    percent: z.number().int().min(1).max(99).optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    const given = (["nodes", "selector", "percent"] as const).filter((k) => t[k] !== undefined);
    if (given.length !== 1)
      ctx.addIssue({ code: "custom", path: given.length ? [given[1]] : [], message: "give exactly one of nodes, selector or percent" });
    if (t.selector && Object.keys(t.selector).length === 0) ctx.addIssue({ code: "custom", path: ["selector"], message: "a selector needs at least one key=value" });
  });
export type CanaryTarget = z.infer<typeof CanaryTarget>;

/** GET /api/rollout: the running canary, or null. */
export const RolloutView = z.object({
  id: z.string(),
  versionId: z.string(),
  versionNumber: z.number().int().nullable(),
  liveVersionId: z.string().nullable(),
  liveVersionNumber: z.number().int().nullable(),
  target: z.object({ nodes: z.array(z.string()).optional(), selector: z.record(z.string(), z.string()).optional(), percent: z.number().int().optional() }),
  /** connected nodes the target picks (they are sent the canary version) */
  targeted: z.array(z.string()),
  /** of those, how many run (ACKed) the canary version */
  applied: z.number().int().nonnegative(),
  /** connected nodes in all */
  connected: z.number().int().nonnegative(),
  actor: z.string(),
  startedAt: IsoTime,
});
export type RolloutView = z.infer<typeof RolloutView>;
export const RolloutState = z.object({ rollout: RolloutView.nullable() });
export type RolloutState = z.infer<typeof RolloutState>;
