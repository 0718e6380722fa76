// The PEM a TLS context uses, wherever its config keeps it: inline or in a file (DataSource), directly in the
// context (tls_certificates, validation_context) or in a secret the context names (tls_certificate_sds_secret_configs,
// validation_context_sds_secret_config; Envoy's SDS). Downstream (listener/tls-context.ts) and upstream
// (upstream/tls.ts) contexts read it the same way. Errors name the field or the secret, never the PEM.
import fs from "node:fs";
import type { Secret } from "../config/schema";

/** The secrets a config's TLS contexts may name, by name. */
export type SecretSet = ReadonlyMap<string, Secret>;

export const NO_SECRETS: SecretSet = new Map();

export function secretSetOf(secrets: readonly Secret[] | undefined): SecretSet {
  return new Map((secrets ?? []).map((s) => [s.name, s]));
}

/** How a file that cannot be read is reported: `what` is the field's path (or `secret <name> <field>`). */
export type Unreadable = (what: string, file: string, why: string) => string;

const unreadable: Unreadable = (what, file, why) => `${what}: cannot read ${file}: ${why}`;

export function readDataSource(ds: { inline_string?: string; filename?: string }, what: string, report: Unreadable = unreadable): string {
  if (ds.inline_string !== undefined) return ds.inline_string;
  try {
    return fs.readFileSync(ds.filename!, "utf8");
  } catch (err) {
    throw new Error(report(what, ds.filename!, (err as NodeJS.ErrnoException).code ?? (err as Error).message));
  }
}

interface SdsRef {
  name: string;
}

interface CommonContext {
  tls_certificates?: { certificate_chain: { inline_string?: string; filename?: string }; private_key: { inline_string?: string; filename?: string } }[];
  tls_certificate_sds_secret_configs?: SdsRef[];
  validation_context?: { trusted_ca: { inline_string?: string; filename?: string } };
  validation_context_sds_secret_config?: SdsRef;
}

function secretOf(secrets: SecretSet, ref: SdsRef, want: "tls_certificate" | "validation_context", where: string): Secret {
  const s = secrets.get(ref.name);
  // the config's validation resolved every reference already; this is the last line of defence
  if (s === undefined || s[want] === undefined) throw new Error(`${where}: unknown secret "${ref.name}" (no ${want} secret of that name)`);
  return s;
}

/** Each certificate with its key, in the order the context lists them; `where` is the common_tls_context's path. */
export function certificatesOf(common: CommonContext, secrets: SecretSet, where: string, report?: Unreadable): { cert: string; key: string }[] {
  const inline = (common.tls_certificates ?? []).map((t, i) => {
    const key = readDataSource(t.private_key, `${where}.tls_certificates[${i}].private_key`, report);
    return { key, cert: readDataSource(t.certificate_chain, `${where}.tls_certificates[${i}].certificate_chain`, report) };
  });
  const sds = (common.tls_certificate_sds_secret_configs ?? []).map((ref, i) => {
    const t = secretOf(secrets, ref, "tls_certificate", `${where}.tls_certificate_sds_secret_configs[${i}]`).tls_certificate!;
    const key = readDataSource(t.private_key, `secret ${ref.name} private_key`, report);
    return { key, cert: readDataSource(t.certificate_chain, `secret ${ref.name} certificate_chain`, report) };
  });
  return [...inline, ...sds];
}

/** The trusted CAs (PEM bundle) of the context's validation context, or null without one. */
export function trustedCaOf(common: CommonContext, secrets: SecretSet, where: string, report?: Unreadable): string | null {
  if (common.validation_context) return readDataSource(common.validation_context.trusted_ca, `${where}.validation_context.trusted_ca`, report);
  const ref = common.validation_context_sds_secret_config;
  if (ref === undefined) return null;
  const vc = secretOf(secrets, ref, "validation_context", `${where}.validation_context_sds_secret_config`).validation_context!;
  return readDataSource(vc.trusted_ca, `secret ${ref.name} trusted_ca`, report);
}

/** The secrets of `secrets` the context names (a cluster whose secrets changed is built again). */
export function secretsUsedBy(common: CommonContext | undefined, secrets: SecretSet): Secret[] {
  if (common === undefined) return [];
  const names = [...(common.tls_certificate_sds_secret_configs ?? []).map((r) => r.name), ...(common.validation_context_sds_secret_config ? [common.validation_context_sds_secret_config.name] : [])];
  return names.map((n) => secrets.get(n)).filter((s): s is Secret => s !== undefined);
}
