// JSON objects as users write them and the database stores them (Envoy resources in draft rows, bodies of the
// draft API), before or without the proxy's schema: per-resource writes validate only the composed draft, and
// a restored backup's draft rows are only checked to be JSON. Read nested fields through jsonAt / jsonObject.
// The helpers are proxy-core's, which walks documents its schema refused the same way (its config/json.ts).
import { jsonArray, jsonObject, type JsonObject } from "../proxy-core/src/config/json";

export { jsonArray, jsonAt, jsonObject, type JsonObject } from "../proxy-core/src/config/json";

/** The objects of a JSON array (a validated document's listeners or clusters); [] when `v` is not an array. */
export const jsonObjects = (v: unknown): JsonObject[] => jsonArray(v).flatMap<JsonObject>((x) => jsonObject(x) ?? []);
