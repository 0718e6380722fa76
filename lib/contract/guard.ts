// Publish guards: "roll back if it goes bad". POST /api/versions {message, guard} watches the new version's 5xx
// ratio for `windowS` seconds and publishes a rollback to the previous version when it goes over (lib/guard/).
// GET /api/guards lists the recent runs; POST /api/guards/{id}/ack takes a rollback off the Overview's banner.
import { z } from "zod";
import { IsoTime } from "./common";

/** `guard: {}` takes every default: roll back when over 5% of at least 20 responses are 5xx within 30 s. */
export const GuardParams = z.object({
  /** 5xx responses over all responses, in (0, 1] */
  maxErrorRatio: z.number().gt(0, "must be more than 0").max(1, "must be at most 1").default(0.05),
  /** how long the guard watches after the publish, 5-600 s */
  windowS: z.number().int().min(5, "must be at least 5 s").max(600, "must be at most 600 s").default(30),
  /** fewer responses than this never trigger a rollback (a handful of requests says little) */
  minRequests: z.number().int().min(1).max(1_000_000).default(20),
});
export type GuardParams = z.infer<typeof GuardParams>;

export const GuardState = z.enum(["running", "passed", "rolled_back", "cancelled", "expired", "failed"]);
export type GuardState = z.infer<typeof GuardState>;

export const GuardRunView = z.object({
  id: z.string(),
  versionId: z.string(),
  versionNumber: z.number().int().nullable(),
  previousVersionId: z.string(),
  previousVersionNumber: z.number().int().nullable(),
  params: GuardParams,
  startedAt: IsoTime,
  /** running until the window passes (passed), it rolls back (rolled_back), a newer publish or rollback
   * replaces the version (cancelled), a console restart finds its window over (expired), or the rollback fails */
  state: GuardState,
  /** why it ended: "guard: 5xx 37% (112/300) on route /api on main/default over 12 s > 5%" */
  reason: z.string().nullable(),
  endedAt: IsoTime.nullable(),
  rollbackVersionId: z.string().nullable(),
  acknowledgedAt: IsoTime.nullable(),
  acknowledgedBy: z.string().nullable(),
});
export type GuardRunView = z.infer<typeof GuardRunView>;

/** Newest first. `?unacknowledged=1`: only rollbacks nobody acknowledged yet (the banner's). */
export const GuardList = z.object({ guards: z.array(GuardRunView) });
export type GuardList = z.infer<typeof GuardList>;
export const GuardListQuery = z.object({ unacknowledged: z.enum(["0", "1", "true", "false"]).optional() });
