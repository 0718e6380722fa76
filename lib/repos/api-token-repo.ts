// ApiToken: named API and worker tokens, stored by the SHA-256 of their secret (lib/tokens/).
import { db, type Tx } from "../db";

export interface ApiTokenRow {
  id: string;
  name: string;
  kind: string;
  role: string | null;
  environment: string | null;
  team: string | null;
  hash: string;
  prefix: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export interface NewApiToken {
  name: string;
  kind: string;
  role: string | null;
  environment: string | null;
  team?: string | null;
  hash: string;
  prefix: string;
  createdBy: string;
  expiresAt: Date | null;
}

export async function insertApiToken(t: NewApiToken, tx: Tx = db()): Promise<ApiTokenRow> {
  return tx.apiToken.create({ data: t });
}

/** The tokens not revoked, newest first. */
export async function listLiveApiTokens(tx: Tx = db()): Promise<ApiTokenRow[]> {
  return tx.apiToken.findMany({ where: { revokedAt: null }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
}

/** The token not revoked named `name`, if any (names are unique among those). */
export async function findLiveApiTokenByName(name: string, tx: Tx = db()): Promise<ApiTokenRow | null> {
  return tx.apiToken.findFirst({ where: { name, revokedAt: null } });
}

export async function findApiTokenByHash(hash: string, tx: Tx = db()): Promise<ApiTokenRow | null> {
  return tx.apiToken.findUnique({ where: { hash } });
}

export async function findApiToken(id: string, tx: Tx = db()): Promise<ApiTokenRow | null> {
  return tx.apiToken.findUnique({ where: { id } });
}

/** Marks it revoked unless it is already; answers whether this call revoked it. */
export async function revokeApiToken(id: string, at: Date, tx: Tx = db()): Promise<boolean> {
  const r = await tx.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
  return r.count === 1;
}

export async function touchApiToken(id: string, at: Date, tx: Tx = db()): Promise<void> {
  await tx.apiToken.updateMany({ where: { id }, data: { lastUsedAt: at } });
}
