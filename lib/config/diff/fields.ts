// Field-level changes between two versions of one resource, in words: each leaf that differs becomes
// "path before → after", named by Envoy's field names (the console's editors show those names too).
import type { FieldChange } from "../../contract/diff";
import { canonicalJson } from "../canonical";
import { durationText, isObj, unwrap, valueText, type Obj } from "./format";

/** More than this many field changes in one resource are summed up in one last line. */
export const MAX_FIELDS = 24;

export function fieldChange(field: string, before: string | null, after: string | null, text?: string): FieldChange {
  return { field, before, after, text: text ?? `${field} ${before ?? "unset"} → ${after ?? "unset"}` };
}

const same = (a: unknown, b: unknown) => a === b || canonicalJson(a) === canonicalJson(b);
const scalarArray = (v: unknown[]) => v.every((x) => typeof x !== "object" || x === null);
const scalarLike = (v: unknown) => isObj(v) && (unwrap(v) !== v || durationText(v) !== undefined);
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/**
 * Every leaf of `after` that differs from `before`, depth first in sorted key order. Objects are walked key
 * by key (one unset on one side as an empty one), except the ones that stand for a scalar (a `{value}` wrapper,
 * a `{seconds, nanos}` duration); lists of scalars are compared as a whole; lists of objects index by index
 * when their lengths agree, else as a whole ("3 items → 4 items" when too long to print).
 */
export function leafChanges(before: unknown, after: unknown, path = "", out: FieldChange[] = []): FieldChange[] {
  if (same(before, after)) return out;
  // an object set or unset on one side reads as its fields set or unset ("retry_policy.num_retries unset → 2")
  if ((isObj(before) || before === undefined) && (isObj(after) || after === undefined) && !scalarLike(before) && !scalarLike(after)) {
    const b: Obj = before ?? {};
    const a: Obj = after ?? {};
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
    if (keys.length) {
      for (const k of keys) leafChanges(b[k], a[k], join(path, k), out);
      return out;
    }
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length && !(scalarArray(before) && scalarArray(after))) {
    before.forEach((b, i) => leafChanges(b, after[i], `${path}[${i}]`, out));
    return out;
  }
  out.push(fieldChange(path || "value", listText(before), listText(after)));
  return out;
}

function listText(v: unknown): string | null {
  if (v === undefined) return null;
  const text = valueText(v);
  if (Array.isArray(v) && !scalarArray(v) && text.endsWith("…")) return `${v.length} items`;
  return text;
}

/** Items added to and removed from a list of scalars: "domain b.example.com added". */
export function setChanges(field: string, singular: string, before: unknown[], after: unknown[]): FieldChange[] {
  const a = before.map(String);
  const b = after.map(String);
  const out: FieldChange[] = [];
  for (const x of b) if (!a.includes(x)) out.push(fieldChange(field, null, x, `${singular} ${x} added`));
  for (const x of a) if (!b.includes(x)) out.push(fieldChange(field, x, null, `${singular} ${x} removed`));
  if (!out.length && a.join("\n") !== b.join("\n")) out.push(fieldChange(field, a.join(", "), b.join(", "), `${field} reordered: ${a.join(", ")} → ${b.join(", ")}`));
  return out;
}

/** Keeps the first MAX_FIELDS changes and says how many more there were. */
export function capFields(fields: FieldChange[]): FieldChange[] {
  if (fields.length <= MAX_FIELDS) return fields;
  const more = fields.length - (MAX_FIELDS - 1);
  return [...fields.slice(0, MAX_FIELDS - 1), fieldChange("…", null, null, `and ${more} more field changes (see the side-by-side)`)];
}
