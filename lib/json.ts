// JSON objects as users write them and the database stores them (Envoy resources in draft rows, bodies of the
// draft API), before or without the proxy's schema: per-resource writes validate only the composed draft, and
// a restored backup's draft rows are only checked to be JSON. Read nested fields through jsonAt / jsonObject.
export type JsonObject = Record<string, unknown>;

/** `v` when it is a JSON object (not null, not an array), else undefined. */
export const jsonObject = (v: unknown): JsonObject | undefined => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as JsonObject) : undefined);

/** `v?.[k1]?.[k2]…`: a string key steps into an object, a number into an array; undefined once a step does not fit. */
export function jsonAt(v: unknown, ...path: (string | number)[]): unknown {
  for (const k of path) v = typeof k === "number" ? (Array.isArray(v) ? v[k] : undefined) : jsonObject(v)?.[k];
  return v;
}
