// Validation of a whole draft document: the proxy-core contract reports every problem (schema errors, unknown
// clusters, duplicate names, secrets it references); the console adds the check that the input is a document at
// all, and keeps TLS private keys out of drafts: a draft is answered by GET /api/config and kept in every version,
// so a key goes in as a secret (POST /api/secrets, sealed) and the config names it.
import { validateBootstrap, type ConfigIssue, type SecretKind } from "../../proxy-core/src/config/index";
import { jsonArray, jsonAt } from "../json";

const KEY_HINT = "a private key is not kept in the config (every read of the draft would show it): upload it as a secret (Settings → TLS secrets, POST /api/secrets) and reference it by name in tls_certificate_sds_secret_configs";

/** Inline private keys in the TLS contexts of the document's listeners and clusters. */
function inlineKeyIssues(sr: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const contexts: [unknown, string][] = [];
  jsonArray(jsonAt(sr, "listeners")).forEach((l, li) => {
    jsonArray(jsonAt(l, "filter_chains")).forEach((fc, fi) => contexts.push([fc, `static_resources.listeners[${li}].filter_chains[${fi}]`]));
    const d = jsonAt(l, "default_filter_chain");
    if (d !== undefined) contexts.push([d, `static_resources.listeners[${li}].default_filter_chain`]);
  });
  jsonArray(jsonAt(sr, "clusters")).forEach((c, ci) => contexts.push([c, `static_resources.clusters[${ci}]`]));
  for (const [holder, at] of contexts) {
    const certs = jsonAt(holder, "transport_socket", "typed_config", "common_tls_context", "tls_certificates");
    (Array.isArray(certs) ? certs : certs === undefined ? [] : [certs]).forEach((c, i) => {
      const key = jsonAt(c, "private_key");
      for (const field of ["inline_string", "inline_bytes"])
        if (jsonAt(key, field) !== undefined) issues.push({ path: `${at}.transport_socket.typed_config.common_tls_context.tls_certificates[${i}].private_key.${field}`, message: KEY_HINT });
    });
  }
  return issues;
}

/**
 * Every problem of a bootstrap document; [] when it is valid. `secrets`: the console's secrets by name and kind,
 * which its references must name (absent: references are checked for shape only, as for a backup's versions).
 */
export function validateDocument(doc: unknown, secrets?: ReadonlyMap<string, SecretKind>): ConfigIssue[] {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc))
    return [{ path: "", message: "the document must be an object with static_resources" }];
  const sr = jsonAt(doc, "static_resources");
  const issues = inlineKeyIssues(sr);
  if (jsonAt(sr, "secrets") !== undefined)
    issues.push({ path: "static_resources.secrets", message: "secrets are not kept in the config: upload each as a secret (Settings → TLS secrets, POST /api/secrets) and reference it by name" });
  const r = validateBootstrap(doc, { controlPlane: secrets ?? null });
  return r.ok ? issues : [...r.errors, ...issues];
}
