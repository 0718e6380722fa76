// Deprecated fields that Envoy v3 still honours are accepted, mapped onto their replacements, and reported once
// each, with their path, beside the parsed value: Envoy logs "Using deprecated option '…'" at warning level for
// every field marked `deprecated = true` in its protos (MessageUtil::checkForUnexpectedFields,
// source/common/protobuf/utility.cc).
//
// Zod has no channel for findings that do not fail the parse, and a schema does not know where in the document
// it runs. So a schema notes the *raw object* it was given (by identity) and the field; when the parse is done
// the document is walked once and each noted object becomes its path. Outside withWarnings() nothing is noted.
import { z } from "zod";
import { formatPath } from "./paths";

export interface ConfigWarning {
  path: string;
  message: string;
}

/** raw object → field ("" for the object itself) → message */
type Notes = Map<object, Map<string, string>>;
let active: Notes | null = null;
/** how many times a schema noted a deprecated field, in or outside withWarnings: a parse that moved it noted one */
let noted = 0;

export function notedCount(): number {
  return noted;
}

/** Records that `field` of the raw input object `raw` is deprecated (a no-op outside withWarnings). */
export function noteDeprecated(raw: object, field: string, message: string): void {
  noted++;
  if (!active) return;
  let fields = active.get(raw);
  if (!fields) active.set(raw, (fields = new Map()));
  // a union may try the same object twice: one line per field
  if (!fields.has(field)) fields.set(field, message);
}

/** Runs a (synchronous) parse of `input` and returns what it noted, as paths from the root of `input`. */
export function withWarnings<T>(input: unknown, parse: () => T): { result: T; warnings: ConfigWarning[] } {
  const outer = active;
  const notes: Notes = new Map();
  active = notes;
  let result: T;
  try {
    result = parse();
  } finally {
    active = outer;
  }
  return { result, warnings: notes.size > 0 ? locate(input, notes) : [] };
}

function locate(root: unknown, notes: Notes): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  const seen = new Set<object>();
  const walk = (v: unknown, path: PropertyKey[]) => {
    if (v === null || typeof v !== "object" || seen.has(v)) return;
    seen.add(v);
    for (const [field, message] of notes.get(v) ?? []) out.push({ path: formatPath(field ? [...path, field] : path), message });
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(root, []);
  return out;
}

/** A plain object (parsed JSON/YAML map), not an array or null. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * A schema for an object that may carry deprecated fields: `note` sees the raw object first (to record what it
 * uses with noteDeprecated), then `schema` parses it.
 */
export function withDeprecations<T extends z.ZodType>(note: (raw: Record<string, unknown>) => void, schema: T) {
  return z.preprocess((v) => {
    if (isPlainObject(v)) note(v);
    return v;
  }, schema);
}
