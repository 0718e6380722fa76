// Versions: immutable, numbered snapshots of the config (GET/POST /api/versions, /api/versions/{id}[/diff|/rollback]).
import { z } from "zod";
import type { Cluster, Listener } from "../../proxy-core/src/config/schema";
import { IsoTime } from "./common";
import { ConfigDiff } from "./diff";
import { GuardParams, GuardRunView } from "./guard";
import { CanaryTarget } from "./rollout";

export const VersionSummary = z.object({
  id: z.string(),
  /** the environment it belongs to (numbers count per environment) */
  environment: z.string(),
  number: z.number().int().positive(),
  hash: z.string(),
  author: z.string(),
  message: z.string(),
  createdAt: IsoTime,
  parentId: z.string().nullable(),
  rollbackOfId: z.string().nullable(),
  /** a promotion: the version of another environment it copies */
  promotedFromId: z.string().nullable(),
});
export type VersionSummary = z.infer<typeof VersionSummary>;

/** A row of GET /api/versions: the summary, whether it is live and how many connected nodes run it. */
export const VersionListItem = VersionSummary.extend({
  live: z.boolean(),
  nodes: z.number().int().nonnegative(),
  /** a promotion's origin, by environment and number (null: not a promotion, or its origin is gone) */
  promotedFrom: z.object({ environment: z.string(), number: z.number().int() }).nullable(),
});
export type VersionListItem = z.infer<typeof VersionListItem>;
export const VersionList = z.array(VersionListItem);

/**
 * GET /api/versions paging: at most `limit` versions (default 1000, as before paging), newest first, only those
 * numbered below `before` (a version number: the last one of the previous page). Numbers are unique per
 * environment and never reused, so the cursor neither skips nor repeats a version as new ones are published.
 */
export const VersionListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).optional().default(1000),
  before: z.coerce.number().int().positive().optional(),
});
export type VersionListQuery = z.infer<typeof VersionListQuery>;

/** Envoy v3 resources as the version stores them (validated by the proxy's schema when published). */
export const SnapshotResources = z.object({
  listeners: z.array(z.custom<Listener>((v) => typeof v === "object" && v !== null)),
  clusters: z.array(z.custom<Cluster>((v) => typeof v === "object" && v !== null)),
});

export const VersionDetail = VersionSummary.extend({ snapshot: SnapshotResources });
export type VersionDetail = z.infer<typeof VersionDetail>;

export const ResourceChange = z.object({
  kind: z.enum(["listener", "cluster"]),
  name: z.string(),
  change: z.enum(["added", "removed", "changed"]),
});
export type ResourceChange = z.infer<typeof ResourceChange>;

/** GET /api/versions/{id}/diff: the readable per-resource changes and the unified text diff (lib/contract/diff.ts). */
export const VersionDiff = ConfigDiff;
export type VersionDiff = ConfigDiff;

/** A message is required: one that is empty once trimmed is a 400 naming `message` (lib/config/publish.ts). */
/** `guard`: watch the new version and roll back when its 5xx ratio goes over (lib/contract/guard.ts). */
/** `canary`: the new version goes to the nodes it targets first, not live (lib/contract/rollout.ts, lib/rollout/). */
export const PublishBody = z.object({ message: z.string().max(2000).optional().default(""), guard: GuardParams.optional(), canary: CanaryTarget.optional() });
/** POST /api/versions answers the version, with the guard it started when the body asked for one. */
export const PublishResult = VersionSummary.extend({ guard: GuardRunView.optional(), canary: z.boolean().optional() });
/** `discardDraft: true` rolls back even when the draft has unpublished changes (409 draft_dirty otherwise). */
export const RollbackBody = z.object({ message: z.string().max(2000).optional(), discardDraft: z.boolean().optional() });
