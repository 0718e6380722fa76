// The draft: what the next publish will freeze (GET/PUT /api/config, /api/draft/*). Every draft read and write
// answers `ETag: "r<revision>"`; writes take it back as If-Match and answer a stale one with DraftConflict.
import { z } from "zod";
import type { Cluster, Route, RouteMatch } from "../../proxy-core/src/config/schema";
import { ErrorBody, FieldError, IsoTime } from "./common";
import { ResourceChange } from "./versions";

/** The draft's revision: bumped by every write that changes it (the number in the ETag `"r<revision>"`). */
export const DraftRevision = z.number().int().nonnegative();

const LiveRef = z.object({ id: z.string(), number: z.number().int(), hash: z.string() });

export const DraftStatus = z.object({
  live: LiveRef.nullable(),
  revision: DraftRevision,
  draftHash: z.string(),
  /** the draft against the live version, resource by resource */
  changes: z.array(ResourceChange),
  /** the draft's route tests differ from the live version's (a change that can be published on its own) */
  routeTestsChanged: z.boolean(),
  nodes: z.object({
    total: z.number().int().nonnegative(),
    connected: z.number().int().nonnegative(),
    applied: z.number().int().nonnegative(),
    rejected: z.number().int().nonnegative(),
  }),
  /**
   * The running canary (lib/rollout/), null when none. `nodes` then counts each connected node against the
   * version it should run: the canary's when the canary targets it, the live one otherwise; these are the
   * targeted ones, and how many of them run (`applied`) or rejected (`rejected`) the canary version.
   */
  canary: z
    .object({
      versionId: z.string(),
      number: z.number().int().nullable(),
      targeted: z.number().int().nonnegative(),
      applied: z.number().int().nonnegative(),
      rejected: z.number().int().nonnegative(),
    })
    .nullable(),
});
export type DraftStatus = z.infer<typeof DraftStatus>;

/**
 * GET /api/draft/validation: every problem the publish path would refuse the draft for, each with its field
 * path (the proxy's config schema and reference checks, exactly as POST /api/versions runs them); [] when clean.
 * `draftHash` is the one GET /api/draft/status reports for the same draft.
 */
export const DraftValidation = z.object({
  revision: DraftRevision,
  draftHash: z.string(),
  problems: z.array(FieldError),
});
export type DraftValidation = z.infer<typeof DraftValidation>;

const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);

/** A route of the draft in match order, with where it lives. `route` is Envoy's Route (validated on write). */
export const DraftRouteItem = z.object({
  id: z.string(),
  listener: z.string(),
  virtualHost: z.string(),
  domains: z.array(z.string()),
  position: z.number().int().nonnegative(),
  route: z.custom<Route>(isObject),
  /** the team owning it (its own owner, else its virtual host's); null: unowned (lib/teams/) */
  owner: z.string().nullable().optional(),
  /** whether the caller may change it (admins: always; editors: unowned or owned by one of their teams) */
  editable: z.boolean().optional(),
});
export type DraftRouteItem = z.infer<typeof DraftRouteItem>;
export const DraftRouteList = z.array(DraftRouteItem);

export const DraftClusterItem = z.object({
  name: z.string(),
  cluster: z.custom<Cluster>(isObject),
  /** the team owning it; null: unowned (lib/teams/) */
  owner: z.string().nullable().optional(),
  /** whether the caller may change it */
  editable: z.boolean().optional(),
});
export type DraftClusterItem = z.infer<typeof DraftClusterItem>;
export const DraftClusterList = z.array(DraftClusterItem);

/**
 * POST /api/draft/routes. `position` (0 = first) puts the route at that index among its virtual host's routes;
 * without it the route goes right above the first route that would shadow it (route-shadow.ts), else last.
 */
export const CreateRouteBody = z.object({
  listener: z.string().min(1).optional(),
  virtualHost: z.string().min(1).optional(),
  route: z.record(z.string(), z.unknown()),
  position: z.number().int().nonnegative().optional(),
});

/**
 * Where POST /api/draft/routes put the route: its `position` in the virtual host, the route it went above
 * (`before`, null when it went last) and why (`reason`, RoutePlacementPlan in route-shadow.ts), in a sentence.
 */
export const RoutePlacement = z.object({
  position: z.number().int().nonnegative(),
  before: z.object({ name: z.string().nullable(), match: z.custom<RouteMatch>(isObject) }).nullable(),
  reason: z.enum(["appended", "above_shadowing_route", "requested"]),
  message: z.string(),
});
export type RoutePlacement = z.infer<typeof RoutePlacement>;

/** 201 to POST /api/draft/routes: the route as stored, and where it went. */
export const CreatedRoute = DraftRouteItem.extend({ placement: RoutePlacement });
export type CreatedRoute = z.infer<typeof CreatedRoute>;
export const UpdateRouteBody = z.object({ route: z.record(z.string(), z.unknown()) });
export const MoveRouteBody = z.object({ direction: z.enum(["up", "down"]) });
export const PutClusterBody = z.record(z.string(), z.unknown());

/** GET /api/config (JSON): the draft as an Envoy v3 bootstrap. */
export const BootstrapDocument = z.object({
  static_resources: z.object({ listeners: z.array(z.unknown()), clusters: z.array(z.unknown()) }),
});

/** One resource one draft revision changed, and who changed it. */
export const DraftChangeEntry = z.object({
  revision: DraftRevision,
  actor: z.string(),
  at: IsoTime,
  kind: z.enum(["listener", "virtual_host", "route", "cluster", "route_tests"]),
  name: z.string(),
  change: z.enum(["added", "removed", "changed", "moved"]),
});
export type DraftChangeEntry = z.infer<typeof DraftChangeEntry>;

/**
 * 409 to a write whose If-Match names an older revision: nothing was changed. `current` is the draft's
 * revision, `changes` what the revisions after the one named changed (oldest first); `complete` is false when
 * some of them are no longer on record (the last few hundred revisions are kept).
 */
export const DraftConflict = ErrorBody.extend({
  current: DraftRevision,
  changes: z.array(DraftChangeEntry),
  complete: z.boolean(),
});
export type DraftConflict = z.infer<typeof DraftConflict>;

/** 409 draft_dirty (rollback without discardDraft): the unpublished changes rolling back would discard. */
export const DraftDirty = ErrorBody.extend({ changes: z.array(ResourceChange) });
export type DraftDirty = z.infer<typeof DraftDirty>;

/** GET /api/draft/discard-preview, and DELETE /api/draft (`changes`: what was discarded). */
export const DiscardPreview = z.object({
  revision: DraftRevision,
  live: LiveRef.nullable(),
  draftHash: z.string(),
  changes: z.array(ResourceChange),
});
export type DiscardPreview = z.infer<typeof DiscardPreview>;
