// The console's secret key and what it seals: secrets' PEM material is encrypted at rest with AES-256-GCM under a
// key from SIGNALBOX_SECRET_KEY, or 32 random bytes generated into <data dir>/secret-key (0600) on first use.
// The secret's name is the GCM associated data, so a sealed value copied onto another row does not open.
// Each row records the key's id (a hash prefix, never the key): a console started with another key says so
// instead of failing with an authentication-tag error.
import fs from "node:fs";
import path from "node:path";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { dataDir } from "../env";

export interface SecretKey {
  key: Buffer;
  /** the first 16 hex digits of the key's SHA-256: safe to store and show */
  id: string;
}

/** The key: SIGNALBOX_SECRET_KEY (base64 or hex of 32 bytes, or a passphrase of 32+ characters, hashed), else the data dir's file. */
export function secretKey(): SecretKey {
  const key = keyBytes();
  return { key, id: createHash("sha256").update(key).digest("hex").slice(0, 16) };
}

function keyBytes(): Buffer {
  const env = process.env.SIGNALBOX_SECRET_KEY;
  if (env !== undefined && env !== "") return fromSetting(env);
  const file = path.join(dataDir(), "secret-key");
  try {
    const s = fs.readFileSync(file, "utf8").trim();
    if (s) return fromSetting(s);
  } catch {
    /* first use: create it below */
  }
  fs.mkdirSync(dataDir(), { recursive: true });
  try {
    // wx: server.ts and Next's bundle may race on the first start; one file wins and both read it
    fs.writeFileSync(file, randomBytes(32).toString("base64") + "\n", { mode: 0o600, flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  return fromSetting(fs.readFileSync(file, "utf8").trim());
}

function fromSetting(s: string): Buffer {
  if (/^[0-9a-fA-F]{64}$/.test(s)) return Buffer.from(s, "hex");
  const b64 = /^[A-Za-z0-9+/_-]{43}=?$/.test(s) ? Buffer.from(s, "base64") : null;
  if (b64?.length === 32) return b64;
  if (s.length < 32) throw new Error("SIGNALBOX_SECRET_KEY must be 32 bytes as base64 or hex, or a passphrase of at least 32 characters");
  return createHash("sha256").update(s).digest();
}

export class SealError extends Error {}

/** Seals `plaintext` for secret `name`. */
export function seal(name: string, plaintext: string, k: SecretKey = secretKey()): { sealed: string; keyId: string } {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", k.key, iv);
  c.setAAD(Buffer.from(name));
  const data = Buffer.concat([c.update(plaintext, "utf8"), c.final()]);
  return { sealed: Buffer.concat([iv, c.getAuthTag(), data]).toString("base64"), keyId: k.id };
}

/** Opens what seal() made for secret `name`; a SealError says why it cannot (another key, or tampered). */
export function open(name: string, row: { sealed: string; keyId: string }, k: SecretKey = secretKey()): string {
  if (row.keyId !== k.id)
    throw new SealError(`secret ${name} was sealed with key ${row.keyId}, but the console's key is ${k.id} (SIGNALBOX_SECRET_KEY or <data dir>/secret-key changed; restore that key or upload the secret again)`);
  const b = Buffer.from(row.sealed, "base64");
  try {
    const d = createDecipheriv("aes-256-gcm", k.key, b.subarray(0, 12));
    d.setAAD(Buffer.from(name));
    d.setAuthTag(b.subarray(12, 28));
    return Buffer.concat([d.update(b.subarray(28)), d.final()]).toString("utf8");
  } catch {
    throw new SealError(`secret ${name} does not open with the console's key (its stored value was altered)`);
  }
}
