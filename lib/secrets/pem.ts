// Reads what an operator uploads as a secret before it is sealed: PEM certificates and a private key, checked the
// way a TLS handshake would need them (the key matches the leaf), so a bad upload is a 400 naming the field and not
// a NACK from every worker later. Answers the facts the console shows (subject, names, expiry) and nothing secret.
import { X509Certificate, createPrivateKey, type KeyObject } from "node:crypto";
import type { SecretKind } from "../contract/secrets";

/** What the Listeners page and Settings → TLS secrets show of a certificate. */
export interface CertificateFacts {
  subject: string;
  issuer: string;
  dnsNames: string[];
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
}

export type SecretMaterial = { certificate_chain: string; private_key: string } | { trusted_ca: string };

/** A field of the upload and what is wrong with it (answered as a 400 with that path). */
export class PemError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

const CERT_RE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function certificates(pem: string, path: string): X509Certificate[] {
  const blocks = pem.match(CERT_RE) ?? [];
  if (blocks.length === 0) throw new PemError(path, "no PEM certificate (-----BEGIN CERTIFICATE-----) found");
  return blocks.map((b, i) => {
    try {
      return new X509Certificate(b);
    } catch (e) {
      throw new PemError(path, `certificate ${i + 1} of ${blocks.length} is not readable: ${(e as Error).message}`);
    }
  });
}

function privateKey(pem: string, path: string): KeyObject {
  if (/ENCRYPTED/.test(pem)) throw new PemError(path, "the private key is encrypted with a passphrase; upload it decrypted (it is sealed with the console's key)");
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) throw new PemError(path, "no PEM private key (-----BEGIN PRIVATE KEY-----) found");
  try {
    return createPrivateKey(pem);
  } catch (e) {
    throw new PemError(path, `the private key is not readable: ${(e as Error).message}`);
  }
}

function dnsNamesOf(c: X509Certificate): string[] {
  return (c.subjectAltName ?? "")
    .split(/,\s*/)
    .filter((s) => s.startsWith("DNS:"))
    .map((s) => s.slice(4));
}

function facts(c: X509Certificate): CertificateFacts {
  return {
    subject: c.subject.replace(/\n/g, ", "),
    issuer: c.issuer.replace(/\n/g, ", "),
    dnsNames: dnsNamesOf(c),
    fingerprint: c.fingerprint256,
    notBefore: new Date(c.validFrom),
    notAfter: new Date(c.validTo),
  };
}

/**
 * Checks an upload of kind `kind` and answers the facts of its leaf certificate (or first CA). A certificate chain's
 * first certificate must be the one the private key signs for, as in a TLS server's configuration.
 */
export function readSecretMaterial(kind: SecretKind, m: SecretMaterial): CertificateFacts {
  if (kind === "validation_context") {
    if (!("trusted_ca" in m)) throw new PemError("trusted_ca", "a validation_context secret needs trusted_ca (PEM CA certificates)");
    return facts(certificates(m.trusted_ca, "trusted_ca")[0]!);
  }
  if (!("certificate_chain" in m)) throw new PemError("certificate_chain", "a tls_certificate secret needs certificate_chain and private_key");
  const chain = certificates(m.certificate_chain, "certificate_chain");
  const key = privateKey(m.private_key, "private_key");
  if (!chain[0]!.checkPrivateKey(key)) throw new PemError("private_key", "the private key does not belong to the first certificate of certificate_chain");
  return facts(chain[0]!);
}
