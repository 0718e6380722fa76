// Secret: TLS secrets with their material sealed (lib/secrets/sealing.ts). Only sealedSecrets() reads `sealed`;
// every other read selects the facts the console shows, so a list can never carry key material by accident.
import { db, type Tx } from "../db";

export interface SecretFactsRow {
  name: string;
  kind: string;
  subject: string;
  issuer: string;
  dnsNames: string;
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
  createdBy: string;
  createdAt: Date;
  rotatedAt: Date | null;
  rotations: number;
  warnedOn: string | null;
  /** which key sealed it (a hash prefix, not the key) */
  keyId: string;
}

export interface SealedSecretRow {
  name: string;
  kind: string;
  sealed: string;
  keyId: string;
}

export type SecretWrite = Omit<SecretFactsRow, "name" | "createdAt" | "rotatedAt" | "rotations" | "warnedOn" | "createdBy"> & { sealed: string };

const FACTS = {
  name: true, kind: true, subject: true, issuer: true, dnsNames: true, fingerprint: true, notBefore: true, notAfter: true,
  createdBy: true, createdAt: true, rotatedAt: true, rotations: true, warnedOn: true, keyId: true,
} as const;

export async function listSecretFacts(tx: Tx = db()): Promise<SecretFactsRow[]> {
  return tx.secret.findMany({ select: FACTS, orderBy: { name: "asc" } });
}

export async function findSecretFacts(name: string, tx: Tx = db()): Promise<SecretFactsRow | null> {
  return tx.secret.findUnique({ where: { name }, select: FACTS });
}

/** The sealed material of every secret (or of those named): for delivery to workers only. */
export async function sealedSecrets(names?: readonly string[], tx: Tx = db()): Promise<SealedSecretRow[]> {
  return tx.secret.findMany({
    where: names ? { name: { in: [...names] } } : undefined,
    select: { name: true, kind: true, sealed: true, keyId: true },
    orderBy: { name: "asc" },
  });
}

export async function insertSecret(s: SecretWrite & { name: string; createdBy: string }, tx: Tx = db()): Promise<SecretFactsRow> {
  return tx.secret.create({ data: s, select: FACTS });
}

/** New material for an existing secret; answers null when there is none of that name. */
export async function replaceSecret(name: string, s: SecretWrite, at: Date, tx: Tx = db()): Promise<SecretFactsRow | null> {
  const r = await tx.secret.updateMany({ where: { name }, data: { ...s, rotatedAt: at, rotations: { increment: 1 }, warnedOn: null } });
  return r.count ? findSecretFacts(name, tx) : null;
}

export async function deleteSecret(name: string, tx: Tx = db()): Promise<boolean> {
  return (await tx.secret.deleteMany({ where: { name } })).count > 0;
}

export async function markSecretWarned(name: string, day: string, tx: Tx = db()): Promise<void> {
  await tx.secret.updateMany({ where: { name }, data: { warnedOn: day } });
}

/** A fingerprint of the whole set (names and material): other replicas compare it to learn of a rotation. */
export async function secretsStamp(tx: Tx = db()): Promise<string> {
  const rows = await tx.secret.findMany({ select: { name: true, fingerprint: true, keyId: true, rotations: true }, orderBy: { name: "asc" } });
  return rows.map((r) => `${r.name}:${r.fingerprint}:${r.keyId}:${r.rotations}`).join(",");
}
