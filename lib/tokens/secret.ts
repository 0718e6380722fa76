// A token's secret: `sbx_` and 32 random bytes in base64url. Only its SHA-256 is stored: with 256 random bits
// there is nothing to brute-force, so a slow password hash (scrypt, argon2) would only slow every request down.
import { createHash, randomBytes } from "node:crypto";

export const SECRET_PREFIX = "sbx_";
const SECRET_RE = /^sbx_[A-Za-z0-9_-]{43}$/;
/** characters of the secret kept in clear for recognition: "sbx_" and 4 more, 24 of its 256 bits */
const VISIBLE = SECRET_PREFIX.length + 4;

export function newSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString("base64url");
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Whether `s` is spelled like one of our secrets (a refusal then names its prefix; anything else is not shown at all). */
export function looksLikeSecret(s: string | null | undefined): s is string {
  return !!s && SECRET_RE.test(s);
}

export function prefixOf(secret: string): string {
  return secret.slice(0, VISIBLE);
}
