// "Reload and reapply my change": an editor's form, rebased on the latest draft. Each field the user changed
// (its value differs from the one the form was opened with) keeps the user's value; every other field takes
// the latest value, so a change someone else made meanwhile to another field is kept. Nested objects are
// rebased field by field; arrays and scalars are compared whole. Pure.

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === "object" && v !== null && !Array.isArray(v);

/** `same(a, b)`: whether two values are equal for this form (default: equal JSON). */
export function rebaseForm<T>(opened: T, mine: T, latest: T, same: (a: unknown, b: unknown) => boolean = (a, b) => JSON.stringify(a) === JSON.stringify(b)): T {
  if (!isPlain(opened) || !isPlain(mine) || !isPlain(latest)) return same(mine, opened) ? latest : mine;
  const out: Plain = { ...latest };
  for (const k of Object.keys(mine)) out[k] = rebaseForm(opened[k], mine[k], latest[k], same);
  return out as T;
}

/** The form's fields the user changed since it was opened (top level), for saying what is reapplied. */
export function changedFields<T>(opened: T, mine: T, same: (a: unknown, b: unknown) => boolean = (a, b) => JSON.stringify(a) === JSON.stringify(b)): string[] {
  if (!isPlain(opened) || !isPlain(mine)) return [];
  return Object.keys(mine).filter((k) => !same(opened[k], mine[k]));
}
