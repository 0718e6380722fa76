// Config diffs (GET /api/draft/diff, GET /api/versions/{id}/diff): the changes between two snapshots per
// resource a person thinks in (listener, virtual host, route, cluster, endpoint, circuit-breaker thresholds),
// each in words with its before/after JSON, plus the unified text diff of the canonical YAML.
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

export const ReadableChange = z.object({
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

/** GET /api/versions/{id}/diff: `?against=<id>` (from that version to {id}) or `?to=<id>` (from {id} to that one). */
export const VersionDiffQuery = z
  .object({ against: z.string().min(1).optional(), to: z.string().min(1).optional() })
  .refine((q) => (q.against === undefined) !== (q.to === undefined), { message: "exactly one of ?against=<version id> or ?to=<version id> is required", path: ["against"] });

/** GET /api/draft/diff: the draft against the live version. */
export const DraftDiff = ConfigDiff;
export type DraftDiff = ConfigDiff;
