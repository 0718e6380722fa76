// Reading JSON the schema has not accepted: a document it refused is still walked for cluster references, so
// the author hears about every problem at once (validate.ts), and the console reads its stored draft rows the
// same way (lib/json.ts re-exports these). Values stay `unknown` and are narrowed one step at a time.
import { isPlainObject } from "./warnings";

export type JsonObject = Record<string, unknown>;

/** `v` when it is a JSON object (not null, not an array), else undefined. */
export const jsonObject = (v: unknown): JsonObject | undefined => (isPlainObject(v) ? v : undefined);

/** `v` when it is an array, else []. */
export const jsonArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** `v?.[k1]?.[k2]…`: a string key steps into an object, a number into an array; undefined once a step does not fit. */
export function jsonAt(v: unknown, ...path: (string | number)[]): unknown {
  for (const k of path) v = typeof k === "number" ? (Array.isArray(v) ? v[k] : undefined) : jsonObject(v)?.[k];
  return v;
}
