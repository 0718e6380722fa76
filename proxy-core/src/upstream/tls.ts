// UpstreamTlsContext → node:tls client options (Envoy's tls.proto). Envoy's upstream defaults: TLS 1.2 minimum and
// maximum; SNI only when `sni` is set; no server certificate verification unless a validation_context is
// given, and then only the chain is checked against trusted_ca (no hostname check: that needs SAN matchers).
import fs from "node:fs";
import type { ConnectionOptions, SecureVersion } from "node:tls";
import type { UpstreamTlsContext } from "../config/schema";

const VERSIONS: Record<string, SecureVersion> = { TLSv1_0: "TLSv1", TLSv1_1: "TLSv1.1", TLSv1_2: "TLSv1.2", TLSv1_3: "TLSv1.3" };
const ORDER = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

export interface UpstreamTls {
  /** options for tls.connect (without host, port, servername) */
  options: ConnectionOptions;
  /** SNI, or null for none */
  sni: string | null;
}

function load(ds: { inline_string?: string; filename?: string }, what: string): string {
  if (ds.inline_string !== undefined) return ds.inline_string;
  try {
    return fs.readFileSync(ds.filename!, "utf8");
  } catch (err) {
    throw new Error(`cannot read ${what} ${ds.filename}: ${(err as Error).message}`);
  }
}

/** Builds the client TLS options; throws with a readable message when a file cannot be read. */
export function buildUpstreamTls(ctx: UpstreamTlsContext, where: string): UpstreamTls {
  const common = ctx.common_tls_context ?? {};
  const p = common.tls_params ?? {};
  const minVersion = VERSIONS[p.tls_minimum_protocol_version ?? "TLS_AUTO"] ?? "TLSv1.2";
  const maxVersion = VERSIONS[p.tls_maximum_protocol_version ?? "TLS_AUTO"] ?? "TLSv1.2";
  if (ORDER.indexOf(minVersion) > ORDER.indexOf(maxVersion))
    throw new Error(`${where}: tls_minimum_protocol_version ${minVersion} is above tls_maximum_protocol_version ${maxVersion}`);
  const options: ConnectionOptions = { minVersion, maxVersion, ALPNProtocols: ["http/1.1"] };
  const cert = common.tls_certificates?.[0];
  if (cert) {
    options.cert = load(cert.certificate_chain, `${where} certificate_chain`);
    options.key = load(cert.private_key, `${where} private_key`);
  }
  const vc = common.validation_context;
  if (vc) {
    options.ca = load(vc.trusted_ca, `${where} trusted_ca`);
    options.rejectUnauthorized = true;
    options.checkServerIdentity = () => undefined;
  } else options.rejectUnauthorized = false;
  return { options, sni: ctx.sni ? ctx.sni : null };
}
