// UpstreamTlsContext → node:tls client options (Envoy's tls.proto). Envoy's upstream defaults: TLS 1.2 minimum and
// maximum; SNI only when `sni` is set; no server certificate verification unless a validation_context is
// given, and then only the chain is checked against trusted_ca (no hostname check: that needs SAN matchers).
import type { ConnectionOptions, SecureVersion } from "node:tls";
import type { UpstreamTlsContext } from "../config/schema";
import { NO_SECRETS, certificatesOf, trustedCaOf, type SecretSet, type Unreadable } from "../tls/material";

const VERSIONS: Record<string, SecureVersion> = { TLSv1_0: "TLSv1", TLSv1_1: "TLSv1.1", TLSv1_2: "TLSv1.2", TLSv1_3: "TLSv1.3" };
const ORDER = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

export interface UpstreamTls {
  /** options for tls.connect (without host, port, servername) */
  options: ConnectionOptions;
  /** SNI, or null for none */
  sni: string | null;
}

/**
 * Builds the client TLS options, with the certificate and CAs inline, from files or from the secrets the context
 * names; throws with a readable message when a file cannot be read.
 */
export function buildUpstreamTls(ctx: UpstreamTlsContext, where: string, secrets: SecretSet = NO_SECRETS): UpstreamTls {
  const common = ctx.common_tls_context ?? {};
  const p = common.tls_params ?? {};
  const minVersion = VERSIONS[p.tls_minimum_protocol_version ?? "TLS_AUTO"] ?? "TLSv1.2";
  const maxVersion = VERSIONS[p.tls_maximum_protocol_version ?? "TLS_AUTO"] ?? "TLSv1.2";
  if (ORDER.indexOf(minVersion) > ORDER.indexOf(maxVersion))
    throw new Error(`${where}: tls_minimum_protocol_version ${minVersion} is above tls_maximum_protocol_version ${maxVersion}`);
  const options: ConnectionOptions = { minVersion, maxVersion, ALPNProtocols: ["http/1.1"] };
  // an unreadable file reads "cannot read cluster x transport_socket trusted_ca /path: ENOENT"
  const report: Unreadable = (what, file, why) => `cannot read ${what.startsWith("secret ") ? what : `${where} ${what.slice(what.lastIndexOf(".") + 1)}`} ${file}: ${why}`;
  const at = `${where}.typed_config.common_tls_context`;
  const cert = certificatesOf(common, secrets, at, report)[0];
  if (cert) {
    options.cert = cert.cert;
    options.key = cert.key;
  }
  const ca = trustedCaOf(common, secrets, at, report);
  if (ca !== null) {
    options.ca = ca;
    options.rejectUnauthorized = true;
    options.checkServerIdentity = () => undefined;
  } else options.rejectUnauthorized = false;
  return { options, sni: ctx.sni ? ctx.sni : null };
}
