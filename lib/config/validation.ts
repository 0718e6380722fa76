// Validation of a whole draft document: the proxy-core contract reports every problem (schema errors, unknown
// clusters, duplicate names); the console adds only the check that the input is a document at all.
import { validateBootstrap, type ConfigIssue } from "../../proxy-core/src/config/index";

/** Every problem of a bootstrap document; [] when it is valid. */
export function validateDocument(doc: unknown): ConfigIssue[] {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc))
    return [{ path: "", message: "the document must be an object with static_resources" }];
  const r = validateBootstrap(doc);
  return r.ok ? [] : r.errors;
}
