// The audit trail (GET /api/audit): every draft change, publish and rollback with its author, newest first. Each
// entry carries the words a person reads (`summary`, `targetLabel`) and what it changed, resource by resource
// (`changes`), made on the server from the stored details when the trail is read (lib/audit/), so the API and
// the Audit page say the same thing, old entries included.
import { z } from "zod";
import { IsoTime } from "./common";

/** A resource one entry changed: a draft write's own edits, or a version's diff against the one before it. */
export const AuditChange = z.object({
  kind: z.enum(["listener", "virtual_host", "route", "cluster", "endpoint", "circuit_breaker", "route_tests"]),
  /** the resource as the entry names it: "api_v1", "prefix /api", "route /api (api_v1) on listener main/default" */
  name: z.string(),
  change: z.enum(["added", "removed", "changed", "moved"]),
  /** one line: "cluster backend changed", "route /api on listener main/default changed: timeout 15s → 5s" */
  text: z.string(),
});
export type AuditChange = z.infer<typeof AuditChange>;

export const AuditEntry = z.object({
  id: z.string(),
  at: IsoTime,
  actor: z.string(),
  /** how the actor authenticated: user, token, bootstrap (the admin token), system (guard, canary, start-up), anonymous (a failed sign-in) */
  actorKind: z.string(),
  /** the address the request came from; null for the console's own work */
  source: z.string().nullable(),
  /** dotted, stable: "draft.route.update", "version.publish", "version.rollback", "environment.promote" … */
  action: z.string(),
  /** as recorded: "route:<id>", "cluster:<name>", a version id, "draft", an environment name */
  target: z.string(),
  /** the target in words: "route /api on main/default", "cluster backend", "v12 (staging)" */
  targetLabel: z.string(),
  /** the entry in words, without the actor: "published v12: add /api", "rolled back to v7 (as v13)" */
  summary: z.string(),
  /** the environment it acted on; null for console-wide entries (settings, restore) */
  environment: z.string().nullable(),
  /** the version it made or acted on, for a link to its diff (/versions?diff=<id>); null for draft edits */
  version: z.object({ id: z.string(), number: z.number().int(), environment: z.string() }).nullable(),
  changes: z.array(AuditChange),
  /** changes left out of `changes` (a long list is cut); null: not worked out for this answer (see the version's diff) */
  moreChanges: z.number().int().nonnegative().nullable(),
  /** the stored details, as recorded */
  details: z.unknown(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditList = z.array(AuditEntry);

/** `?actor=` (empty) is the same as no `actor`: a form's cleared field narrows nothing. */
const blankAsAbsent = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema.optional());

export const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).optional().default(100),
  before: z.coerce.date().optional(),
  /** exactly this actor */
  actor: blankAsAbsent(z.string().trim().max(200)),
  /** this action or the actions under it: `draft` is every draft edit, `version.publish` also `version.publish.override` */
  action: blankAsAbsent(z.string().trim().regex(/^[a-z_]+(\.[a-z_]+)*$/, "an action such as version.publish or draft")),
  /** words, each of which must appear in the summary, target, actor, action, environment, message or a draft write's changes */
  q: blankAsAbsent(z.string().trim().max(200)),
});
export type AuditQuery = z.infer<typeof AuditQuery>;
