// A filter chain's DownstreamTlsContext → node TLS server options, with Envoy's downstream defaults (TLSv1.2 …
// TLSv1.3), its certificates read inline, from files or from the secrets the context names (tls/material.ts).
// Which options are certificate material and which are settings decides how a config swap treats a chain: new
// material only is swapped into the running server (Envoy's SDS rotation: connections stay, new handshakes get
// the new certificate), any other change drains the chain's connections (listener.ts).
import crypto from "node:crypto";
import tls from "node:tls";
import type https from "node:https";
import type { DownstreamTlsContext } from "../config/schema";
import { NO_SECRETS, certificatesOf, trustedCaOf, type SecretSet } from "../tls/material";

const TLS_VERSIONS = { TLSv1_0: "TLSv1", TLSv1_1: "TLSv1.1", TLSv1_2: "TLSv1.2", TLSv1_3: "TLSv1.3" } as const;

/** DownstreamTlsContext → node TLS options; reads files and secrets (throws with the field path on failure). */
export function tlsOptions(ctx: DownstreamTlsContext, where: string, secrets: SecretSet = NO_SECRETS): https.ServerOptions {
  const c = ctx.common_tls_context;
  const p = c.tls_params;
  const min = p?.tls_minimum_protocol_version;
  const max = p?.tls_maximum_protocol_version;
  const at = `${where}.typed_config.common_tls_context`;
  const certs = certificatesOf(c, secrets, at);
  const opts: https.ServerOptions = {
    key: certs.map((t) => t.key),
    cert: certs.map((t) => t.cert),
    minVersion: min && min !== "TLS_AUTO" ? TLS_VERSIONS[min] : "TLSv1.2",
    maxVersion: max && max !== "TLS_AUTO" ? TLS_VERSIONS[max] : "TLSv1.3",
  };
  if (c.alpn_protocols?.length) opts.ALPNProtocols = c.alpn_protocols;
  const ca = trustedCaOf(c, secrets, at);
  if (ca !== null) opts.ca = ca;
  if (ctx.require_client_certificate) {
    opts.requestCert = true;
    opts.rejectUnauthorized = true;
  } else if (ca !== null) {
    // Envoy verifies a certificate the client chooses to send, but does not require one
    opts.requestCert = true;
    opts.rejectUnauthorized = false;
  }
  try {
    // fail the config now (bad PEM, key/cert mismatch, bad CA), not on the first handshake
    tls.createSecureContext(opts);
  } catch (err) {
    // node's words ("key values mismatch", "no start line"), never the PEM
    throw new Error(`${where}: ${(err as Error).message}`);
  }
  return opts;
}

/** The options that are certificate material: what server.setSecureContext() replaces in place. */
const MATERIAL = new Set(["key", "cert", "ca"]);

function settingsOf(o: https.ServerOptions): string {
  return JSON.stringify(Object.entries(o).filter(([k]) => !MATERIAL.has(k)));
}

/** Same TLS settings (versions, ALPN, client certificate policy), whatever the certificates and CAs. */
export function sameTlsSettings(a: https.ServerOptions | null, b: https.ServerOptions | null): boolean {
  return a === b || (a !== null && b !== null && settingsOf(a) === settingsOf(b));
}

export function sameTls(a: https.ServerOptions | null, b: https.ServerOptions | null): boolean {
  return a === b || (a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b));
}

/**
 * The names of a context's certificates and of its CA in the `ssl.certificate.<name>.` stats, as Envoy gives them
 * (ContextImpl, cert_stats.rst): a certificate from a secret is named after the secret; an inline or file one is
 * `unnamed_cert_<hash>` (a CA `unnamed_ca_cert_<hash>`), the hash being the first 8 hex digits of the SHA-256 of
 * its inline data: empty for a file, so every file certificate is `unnamed_cert_e3b0c442`, as in Envoy.
 */
export function certificateNames(ctx: DownstreamTlsContext): { certs: string[]; ca: string | null } {
  const c = ctx.common_tls_context;
  const certs = [...(c.tls_certificates ?? []).map((t) => `unnamed_cert_${shortHash(t.certificate_chain.inline_string)}`), ...(c.tls_certificate_sds_secret_configs ?? []).map((r) => r.name)];
  const ca = c.validation_context
    ? `unnamed_ca_cert_${shortHash(c.validation_context.trusted_ca.inline_string)}`
    : (c.validation_context_sds_secret_config?.name ?? null);
  return { certs, ca };
}

function shortHash(inline: string | undefined): string {
  return crypto
    .createHash("sha256")
    .update(inline ?? "")
    .digest("hex")
    .slice(0, 8);
}
