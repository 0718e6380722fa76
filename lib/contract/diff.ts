// Config diffs (GET /api/draft/diff, GET /api/versions/{id}/diff): the changes between two snapshots per
// resource a person thinks in (listener, virtual host, route, cluster, endpoint, circuit-breaker thresholds),
// each in words with its before/after JSON, plus the unified text diff of the canonical YAML. At 10,000 changed
// routes the sides are most of a 7 MB answer nobody reads whole: `?sides=0` leaves them out (ConfigDiffSummary)
// and `?change=<id>` answers one change with its sides (DiffChange), fetched when a person opens it.
import { z } from "zod";

export const ReadableKind = z.enum(["listener", "virtual_host", "route", "cluster", "endpoint", "circuit_breaker"]);
export type ReadableKind = z.infer<typeof ReadableKind>;

export const ReadableChangeKind = z.enum(["added", "removed", "changed", "moved"]);
export type ReadableChangeKind = z.infer<typeof ReadableChangeKind>;

/** One field of a changed resource: `timeout` 15s → 5s. `before`/`after` null: the field is unset on that side. */
export const FieldChange = z.object({
  field: z.string(),
  before: z.string().nullable(),
  after: z.string().nullable(),
  /** the change in words: "timeout 15s → 5s", "domain api.example.com added" */
  text: z.string(),
});
export type FieldChange = z.infer<typeof FieldChange>;

/** A change without the resource's JSON on each side: what `?sides=0` lists. */
export const ReadableChangeSummary = z.object({
  kind: ReadableKind,
  /** stable identity of the resource ("route:main/0/default/name:api_v1"), for keys and links */
  id: z.string(),
  /** the resource in words: "route /api (api_v1) on listener main/default" */
  label: z.string(),
  /** what the change is grouped under: "listener main" or "cluster backend" */
  group: z.string(),
  change: ReadableChangeKind,
  /** one line: label and what changed ("… moved from 3 to 1", "… changed: cluster a → b; timeout 15s → 5s") */
  summary: z.string(),
  /** for `changed` (and a `moved` route whose position is all that changed: empty) */
  fields: z.array(FieldChange),
  /** routes: 1-based position in the virtual host on each side, null where absent */
  position: z.object({ before: z.number().int().nullable(), after: z.number().int().nullable() }).nullable(),
});
export type ReadableChangeSummary = z.infer<typeof ReadableChangeSummary>;

export const ReadableChange = ReadableChangeSummary.extend({
  /** Envoy v3 JSON of the resource on each side (its children left out when they are changes of their own) */
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
});
export type ReadableChange = z.infer<typeof ReadableChange>;

/** A side of a diff: a version, the draft, or nothing (no version published yet). */
export const DiffSide = z.object({
  kind: z.enum(["version", "draft", "empty"]),
  id: z.string().nullable(),
  number: z.number().int().nullable(),
  hash: z.string(),
  /** "v3", "draft", "nothing published" */
  label: z.string(),
});
export type DiffSide = z.infer<typeof DiffSide>;

/** Both diff endpoints answer this. `identical`: same canonical snapshot (same hash). */
export const ConfigDiff = z.object({
  from: DiffSide,
  to: DiffSide,
  identical: z.boolean(),
  changes: z.array(ReadableChange),
  /** unified text diff of the canonical YAML (keys sorted, `name` first) */
  unified: z.string(),
});
export type ConfigDiff = z.infer<typeof ConfigDiff>;

/** The answer of `?sides=0`: ConfigDiff with each change's `before`/`after` left out. */
export const ConfigDiffSummary = ConfigDiff.extend({ changes: z.array(ReadableChangeSummary) });
export type ConfigDiffSummary = z.infer<typeof ConfigDiffSummary>;

/** The answer of `?change=<change id>`: that change with its sides, and the two sides of the diff it is from. */
export const DiffChange = z.object({ from: DiffSide, to: DiffSide, change: ReadableChange });
export type DiffChange = z.infer<typeof DiffChange>;

/** Every answer of a diff endpoint: the query picks one (none: ConfigDiff; `?sides=0`: ConfigDiffSummary; `?change=`: DiffChange). */
export const DiffAnswer = z.union([ConfigDiff, ConfigDiffSummary, DiffChange]);

/**
 * The query both diff endpoints share: `sides=0` leaves every change's before/after out (default 1: the answer
 * as it always was); `change=<change id>` answers that one change with its sides instead of the whole diff.
 */
const diffQuery = {
  sides: z.enum(["0", "1"], { message: "sides is 0 (leave each change's before/after out) or 1 (the default)" }).optional(),
  change: z.string().min(1, { message: "change names a change id of the diff" }).optional(),
};
const oneOrAll = (q: { sides?: string; change?: string }) => q.change === undefined || q.sides === undefined;
const ONE_OR_ALL = { message: "?sides applies to the whole diff; ?change=<id> always answers that change's sides", path: ["sides"] };

/** GET /api/draft/diff: `?sides=0`, `?change=<id>`. */
export const DraftDiffQuery = z.object(diffQuery).refine(oneOrAll, ONE_OR_ALL);
export type DraftDiffQuery = z.infer<typeof DraftDiffQuery>;

/** GET /api/versions/{id}/diff: `?against=<id>` (from that version to {id}) or `?to=<id>` (from {id} to that one); `?sides=0`, `?change=<id>`. */
export const VersionDiffQuery = z
  .object({ against: z.string().min(1).optional(), to: z.string().min(1).optional(), ...diffQuery })
  .refine((q) => (q.against === undefined) !== (q.to === undefined), { message: "exactly one of ?against=<version id> or ?to=<version id> is required", path: ["against"] })
  .refine(oneOrAll, ONE_OR_ALL);
export type VersionDiffQuery = z.infer<typeof VersionDiffQuery>;

/** GET /api/draft/diff: the draft against the live version. */
export const DraftDiff = ConfigDiff;
export type DraftDiff = ConfigDiff;
