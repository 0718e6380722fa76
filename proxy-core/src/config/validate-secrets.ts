// Secret references (SdsSecretConfig, schema-secret.ts) checked against the secrets there are, as Envoy's SDS
// does when it builds a TLS context: every name must be a secret of the kind the field needs (a certificate for
// tls_certificate_sds_secret_configs, CAs for validation_context_sds_secret_config). A bootstrap resolves them
// against its static_resources.secrets; a snapshot against the secrets the console delivered (merged in by the
// worker's xDS client), whichever form the reference takes.
import type { ConfigIssue } from "./issues";
import { jsonArray, jsonAt } from "./json";
import { joinPath } from "./paths";
import { secretKind, type Secret, type SecretKind } from "./schema-secret";

/** One SdsSecretConfig of a listener's or cluster's TLS context. */
export interface SecretRef {
  name: string;
  /** the kind the referencing field needs */
  kind: SecretKind;
  /** `sds_config: {ads: {}}`: the secret comes from the console */
  ads: boolean;
  /** the reference's `name`, e.g. `listeners[0].filter_chains[0].transport_socket.typed_config.common_tls_context.tls_certificate_sds_secret_configs[0].name` */
  path: string;
}

/** A repeated field written as a single element is a list of one (schema-common.ts repeated()). */
const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

function contextRefs(common: unknown, base: string, out: SecretRef[]) {
  listOf(jsonAt(common, "tls_certificate_sds_secret_configs")).forEach((r, i) => {
    const name = jsonAt(r, "name");
    if (typeof name === "string" && name !== "") out.push({ name, kind: "tls_certificate", ads: jsonAt(r, "sds_config") !== undefined, path: `${base}.tls_certificate_sds_secret_configs[${i}].name` });
  });
  const vc = jsonAt(common, "validation_context_sds_secret_config");
  const name = jsonAt(vc, "name");
  if (typeof name === "string" && name !== "") out.push({ name, kind: "validation_context", ads: jsonAt(vc, "sds_config") !== undefined, path: `${base}.validation_context_sds_secret_config.name` });
}

/**
 * Every secret reference of `listeners` and `clusters`, parsed or raw JSON (a document the schema refused is
 * walked the same way), with its path under `prefix`.
 */
export function secretRefsOf(listeners: unknown, clusters: unknown, prefix = ""): SecretRef[] {
  const out: SecretRef[] = [];
  jsonArray(listeners).forEach((l, li) => {
    const chains: [unknown, string][] = jsonArray(jsonAt(l, "filter_chains")).map((fc, fi) => [fc, `listeners[${li}].filter_chains[${fi}]`]);
    const fallback = jsonAt(l, "default_filter_chain");
    if (fallback !== undefined) chains.push([fallback, `listeners[${li}].default_filter_chain`]);
    for (const [fc, path] of chains) contextRefs(jsonAt(fc, "transport_socket", "typed_config", "common_tls_context"), joinPath(prefix, `${path}.transport_socket.typed_config.common_tls_context`), out);
  });
  jsonArray(clusters).forEach((c, ci) => contextRefs(jsonAt(c, "transport_socket", "typed_config", "common_tls_context"), joinPath(prefix, `clusters[${ci}].transport_socket.typed_config.common_tls_context`), out));
  return out;
}

/**
 * The names of the secrets a snapshot's listeners and clusters reference, in either form (with or without
 * sds_config): what the console delivers to a worker before the snapshot. Takes parsed resources or raw JSON.
 */
export function secretRefs(resources: unknown): Set<string> {
  return new Set(secretRefsOf(jsonAt(resources, "listeners"), jsonAt(resources, "clusters")).map((r) => r.name));
}

/** name → kind of a list of secrets; duplicate names are reported as issues at `${prefix}[i].name`. */
export function secretKinds(secrets: readonly Secret[], prefix: string): { kinds: Map<string, SecretKind>; issues: ConfigIssue[] } {
  const kinds = new Map<string, SecretKind>();
  const first = new Map<string, number>();
  const issues: ConfigIssue[] = [];
  secrets.forEach((s, i) => {
    const seen = first.get(s.name);
    if (seen !== undefined) issues.push({ path: `${prefix}[${i}].name`, message: `duplicate secret name "${s.name}" (also ${prefix.slice(prefix.lastIndexOf(".") + 1)}[${seen}])` });
    else {
      first.set(s.name, i);
      kinds.set(s.name, secretKind(s));
    }
  });
  return { kinds, issues };
}

/** Where the secrets a reference is checked against come from: it words the refusals. */
export type SecretSource = "bootstrap" | "console" | "known";

const MISSING: Record<SecretSource, string> = {
  bootstrap: "static_resources.secrets has no secret of that name",
  console: "the console delivered no secret of that name",
  known: "no secret of that name is defined",
};

/** Each reference that names no secret, or a secret of the other kind; a bootstrap also refuses `sds_config`. */
export function secretRefIssues(refs: readonly SecretRef[], kinds: ReadonlyMap<string, SecretKind>, source: SecretSource): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const r of refs) {
    const kind = kinds.get(r.name);
    if (source === "bootstrap" && r.ads)
      issues.push({
        path: r.path.replace(/\.name$/, ".sds_config"),
        message: `secret "${r.name}" comes from a control plane (sds_config: {ads: {}}), which needs --control-plane; in a bootstrap file, put it in static_resources.secrets and leave sds_config out`,
      });
    else if (kind === undefined) issues.push({ path: r.path, message: `unknown secret "${r.name}" (${MISSING[source]})` });
    else if (kind !== r.kind) issues.push({ path: r.path, message: `secret "${r.name}" is a ${kind} secret; this field needs a ${r.kind} secret` });
  }
  return issues;
}
