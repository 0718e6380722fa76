// Sealing and PEM checks of TLS secrets, with real certificates made by the openssl CLI.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { open, seal, secretKey, SealError } from "./sealing";
import { PemError, readSecretMaterial } from "./pem";

let dir: string;
const read = (n: string) => fs.readFileSync(path.join(dir, n), "utf8");

function cert(name: string, cn: string, days: number, extra: string[] = []) {
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.crt`, "-days", String(days), "-subj", `/CN=${cn}`, "-addext", `subjectAltName=DNS:${cn},DNS:www.${cn}`, ...extra], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "signalbox-secrets-"));
  cert("a", "a.example.com", 400);
  cert("b", "b.example.com", 10);
  execFileSync("openssl", ["pkey", "-in", "a.key", "-aes256", "-passout", "pass:hunter2hunter2", "-out", "a-enc.key"], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("sealing", () => {
  const k = { key: randomBytes(32), id: "k1" };
  const other = { key: randomBytes(32), id: "k1" };

  it("opens what it sealed, and the sealed text holds none of the plaintext", () => {
    const s = seal("web", "-----BEGIN PRIVATE KEY-----\nsecret material", k);
    expect(s.keyId).toBe("k1");
    expect(Buffer.from(s.sealed, "base64").toString("latin1")).not.toContain("secret material");
    expect(open("web", s, k)).toBe("-----BEGIN PRIVATE KEY-----\nsecret material");
  });

  it("refuses another name's sealed value (the name is bound in) and another key", () => {
    const s = seal("web", "x", k);
    expect(() => open("api", s, k)).toThrow(/does not open/);
    expect(() => open("web", s, other)).toThrow(SealError);
    expect(() => open("web", { ...s, keyId: "k2" }, k)).toThrow(/sealed with key k2, but the console's key is k1/);
  });

  it("takes SIGNALBOX_SECRET_KEY as hex, base64 or a long passphrase, and refuses a short one", () => {
    const before = process.env.SIGNALBOX_SECRET_KEY;
    try {
      process.env.SIGNALBOX_SECRET_KEY = "ab".repeat(32);
      expect(secretKey().key).toEqual(Buffer.alloc(32, 0xab));
      process.env.SIGNALBOX_SECRET_KEY = Buffer.alloc(32, 7).toString("base64");
      expect(secretKey().key).toEqual(Buffer.alloc(32, 7));
      process.env.SIGNALBOX_SECRET_KEY = "correct horse battery staple, long enough";
      expect(secretKey().key).toHaveLength(32);
      expect(secretKey().id).toMatch(/^[0-9a-f]{16}$/);
      process.env.SIGNALBOX_SECRET_KEY = "short";
      expect(() => secretKey()).toThrow(/at least 32 characters/);
    } finally {
      if (before === undefined) delete process.env.SIGNALBOX_SECRET_KEY;
      else process.env.SIGNALBOX_SECRET_KEY = before;
    }
  });
});

describe("readSecretMaterial", () => {
  it("answers the leaf's facts for a matching certificate and key", () => {
    const f = readSecretMaterial("tls_certificate", { certificate_chain: read("a.crt"), private_key: read("a.key") });
    expect(f.subject).toContain("CN=a.example.com");
    expect(f.dnsNames).toEqual(["a.example.com", "www.a.example.com"]);
    expect(f.notAfter.getTime() - Date.now()).toBeGreaterThan(399 * 86400_000);
    expect(f.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it("names the field that is wrong", () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof PemError ? `${e.path}: ${e.message}` : String(e);
      }
      return "accepted";
    };
    expect(err(() => readSecretMaterial("tls_certificate", { certificate_chain: read("a.crt"), private_key: read("b.key") }))).toBe("private_key: the private key does not belong to the first certificate of certificate_chain");
    expect(err(() => readSecretMaterial("tls_certificate", { certificate_chain: "hello", private_key: read("a.key") }))).toMatch(/^certificate_chain: no PEM certificate/);
    expect(err(() => readSecretMaterial("tls_certificate", { certificate_chain: read("a.crt"), private_key: read("a-enc.key") }))).toMatch(/^private_key: the private key is encrypted/);
    expect(err(() => readSecretMaterial("tls_certificate", { certificate_chain: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", private_key: read("a.key") }))).toMatch(/^certificate_chain: certificate 1 of 1 is not readable/);
    expect(err(() => readSecretMaterial("validation_context", { trusted_ca: read("a.key") }))).toMatch(/^trusted_ca: no PEM certificate/);
  });

  it("reads a CA bundle's first certificate for a validation_context", () => {
    const f = readSecretMaterial("validation_context", { trusted_ca: read("b.crt") + read("a.crt") });
    expect(f.subject).toContain("CN=b.example.com");
  });
});
