// The effective OpenID Connect single sign-on settings: the saved ones (Settings → Single sign-on, table
// SsoSettings) with SIGNALBOX_OIDC_ISSUER / _CLIENT_ID / _CLIENT_SECRET / _GROUPS_CLAIM winning field by field.
// The client secret stays on the server: the settings API only ever says whether it is set.
import { InvalidConfigError } from "../errors";
import { recordAudit } from "../repos/audit-repo";
import { deleteSsoSettings, loadSsoSettings, saveSsoSettings, type SsoSettingsRecord } from "../repos/sso-settings-repo";
import { GroupMapping, SSO_PROVIDER_ID, type SsoSettings, type SsoSettingsBody } from "../contract/accounts";
import type { Actor } from "../actor";

export interface SsoConfig {
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  groupsClaim: string;
  groupMapping: GroupMapping;
}

const DEFAULT_SCOPES = ["openid", "email", "profile"];
const ENV = { issuer: "SIGNALBOX_OIDC_ISSUER", clientId: "SIGNALBOX_OIDC_CLIENT_ID", clientSecret: "SIGNALBOX_OIDC_CLIENT_SECRET", groupsClaim: "SIGNALBOX_OIDC_GROUPS_CLAIM" } as const;
type EnvField = keyof typeof ENV;

function envOf(field: EnvField): string | undefined {
  const v = process.env[ENV[field]]?.trim();
  return v ? v : undefined;
}

function mappingOf(json: string | undefined): GroupMapping {
  if (!json) return { groups: {} };
  try {
    const r = GroupMapping.safeParse(JSON.parse(json));
    return r.success ? r.data : { groups: {} };
  } catch {
    return { groups: {} };
  }
}

function scopesOf(s: string | undefined): string[] {
  const list = (s ?? "").split(/\s+/).filter(Boolean);
  return list.length ? list : DEFAULT_SCOPES;
}

function merge(saved: SsoSettingsRecord | null): { config: SsoConfig; fromEnv: EnvField[] } {
  const fromEnv = (Object.keys(ENV) as EnvField[]).filter((f) => envOf(f) !== undefined);
  const config: SsoConfig = {
    name: saved?.name || "SSO",
    issuer: envOf("issuer") ?? saved?.issuer ?? "",
    clientId: envOf("clientId") ?? saved?.clientId ?? "",
    clientSecret: envOf("clientSecret") ?? saved?.clientSecret ?? "",
    scopes: scopesOf(saved?.scopes),
    groupsClaim: envOf("groupsClaim") ?? saved?.groupsClaim ?? "groups",
    groupMapping: mappingOf(saved?.groupMapping),
  };
  return { config, fromEnv };
}

/** The settings a sign-in uses, or null when SSO is not configured (no issuer or client id). */
export async function ssoConfig(): Promise<SsoConfig | null> {
  const { config } = merge(await loadSsoSettings());
  return config.issuer && config.clientId ? config : null;
}

/** A key that changes whenever a setting the better-auth instance is built from changes. */
export function fingerprint(c: SsoConfig | null): string {
  return c ? JSON.stringify([c.name, c.issuer, c.clientId, c.clientSecret, c.scopes]) : "";
}

/** The discovery document of an issuer (OpenID Connect Discovery 1.0 §4: the issuer plus the well-known path). */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
}

export async function ssoSettings(origin: string): Promise<SsoSettings> {
  const { config, fromEnv } = merge(await loadSsoSettings());
  return {
    configured: Boolean(config.issuer && config.clientId),
    name: config.name,
    issuer: config.issuer,
    clientId: config.clientId,
    clientSecret: config.clientSecret ? "set" : "unset",
    scopes: config.scopes,
    groupsClaim: config.groupsClaim,
    groupMapping: config.groupMapping,
    fromEnv,
    redirectUri: `${origin}/api/auth/callback/${SSO_PROVIDER_ID}`,
  };
}

/** Saves the settings (an empty or absent secret keeps the saved one); audited without the secret. */
export async function updateSsoSettings(body: SsoSettingsBody, actor: Actor, origin: string): Promise<SsoSettings> {
  const saved = await loadSsoSettings();
  const clientSecret = body.clientSecret ? body.clientSecret : (saved?.clientSecret ?? "");
  if (!clientSecret && !envOf("clientSecret")) throw new InvalidConfigError([{ path: "clientSecret", message: "is required (the provider's client secret)" }]);
  await saveSsoSettings({
    name: body.name,
    issuer: body.issuer,
    clientId: body.clientId,
    clientSecret,
    scopes: body.scopes.join(" "),
    groupsClaim: body.groupsClaim,
    groupMapping: JSON.stringify(body.groupMapping),
  });
  await recordAudit({ actor, action: "settings.sso", target: "sso", details: { name: body.name, issuer: body.issuer, clientId: body.clientId, secretChanged: Boolean(body.clientSecret), groups: Object.keys(body.groupMapping.groups) } });
  return ssoSettings(origin);
}

export async function removeSsoSettings(actor: Actor, origin: string): Promise<SsoSettings> {
  await deleteSsoSettings();
  await recordAudit({ actor, action: "settings.sso", target: "sso", details: { removed: true } });
  return ssoSettings(origin);
}
