// SsoSettings: the OpenID Connect single sign-on settings, one row (id "sso"), absent until an admin saves them.
import { db, type Tx } from "../db";

const ID = "sso";

export interface SsoSettingsRecord {
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  groupsClaim: string;
  groupMapping: string;
}

export async function loadSsoSettings(tx: Tx = db()): Promise<SsoSettingsRecord | null> {
  const r = await tx.ssoSettings.findUnique({ where: { id: ID } });
  return r ? { name: r.name, issuer: r.issuer, clientId: r.clientId, clientSecret: r.clientSecret, scopes: r.scopes, groupsClaim: r.groupsClaim, groupMapping: r.groupMapping } : null;
}

export async function saveSsoSettings(s: SsoSettingsRecord, tx: Tx = db()): Promise<void> {
  await tx.ssoSettings.upsert({ where: { id: ID }, create: { id: ID, ...s }, update: s });
}

export async function deleteSsoSettings(tx: Tx = db()): Promise<void> {
  await tx.ssoSettings.deleteMany({ where: { id: ID } });
}
