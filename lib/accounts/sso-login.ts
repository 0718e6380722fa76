// What a single sign-on adds to better-auth's OAuth callback: the provider's groups claim mapped to a role and
// teams on every sign-in, and the audit of the sign-in (method sso) or of its failure (the provider's error).
// The claims reach us through the generic OAuth plugin's mapProfileToUser, inside the request being handled:
// an AsyncLocalStorage per /api/auth request carries them to the after-hook that sees the new session.
import { AsyncLocalStorage } from "node:async_hooks";
import type { GroupMapping } from "../contract/accounts";
import { recordAudit } from "../repos/audit-repo";
import { findUser, setUserRole } from "../repos/user-repo";
import { setUserTeams } from "../teams/membership";
import { groupsOf, mapGroups } from "./group-mapping";

interface SsoRequest { claims: Record<string, unknown> | null; errors: string[]; confirmingTotp?: boolean }
const storage = new AsyncLocalStorage<SsoRequest>();

/** Runs one /api/auth request with a place for the provider's claims. */
export function withSsoRequest<T>(fn: () => Promise<T>): Promise<T> {
  return storage.run({ claims: null, errors: [] }, fn);
}

/** A signed-in user's first TOTP code, which turns TOTP on: the same better-auth endpoint as a sign-in's code. */
export function whileConfirmingTotp<T>(fn: () => Promise<T>): Promise<T> {
  return storage.run({ claims: null, errors: [], confirmingTotp: true }, fn);
}

export function confirmingTotp(): boolean {
  return storage.getStore()?.confirmingTotp === true;
}

/** Called by the plugin with the provider's profile (ID token claims or userinfo) once the ID token was verified. */
export function rememberClaims(profile: Record<string, unknown>): void {
  const s = storage.getStore();
  if (s) s.claims = profile;
}

export function rememberedClaims(): Record<string, unknown> | null {
  return storage.getStore()?.claims ?? null;
}

/** better-auth logs why an exchange failed (the provider's token endpoint answer) without returning it: keep it. */
export function rememberError(message: string, args: unknown[]): void {
  const s = storage.getStore();
  if (!s) return;
  const detail = args.map((a) => {
    if (a instanceof Error) return a.message;
    if (a && typeof a === "object") {
      const o = a as Record<string, unknown>;
      if (typeof o.error === "string") return [o.error, o.error_description].filter((x) => typeof x === "string").join(": ");
      if (typeof o.message === "string") return o.message;
    }
    return typeof a === "string" ? a : "";
  });
  s.errors.push([message, ...detail.filter(Boolean)].join(": ").slice(0, 500));
}

export function rememberedErrors(): string[] {
  return storage.getStore()?.errors ?? [];
}

/** After a successful SSO sign-in: the mapped role and teams replace the user's, and the sign-in is audited. */
export async function applySsoLogin(a: { userId: string; groupsClaim: string; mapping: GroupMapping; provider: string; source: string | null }): Promise<void> {
  const groups = groupsOf(rememberedClaims(), a.groupsClaim);
  const { role, teams } = mapGroups(groups, a.mapping);
  const before = await findUser(a.userId);
  if (!before) return;
  if (before.role !== role) await setUserRole(a.userId, role);
  let teamsError: string | undefined;
  try {
    await setUserTeams(a.userId, teams);
  } catch (e) {
    teamsError = e instanceof Error ? e.message : String(e);
  }
  await recordAudit({
    actor: before.email,
    actorKind: "user",
    source: a.source,
    action: "auth.login",
    target: a.userId,
    details: { email: before.email, method: "sso", provider: a.provider, groups, role, teams, ...(before.role !== role ? { roleBefore: before.role } : {}), ...(teamsError ? { teamsError } : {}) },
  });
}

export async function ssoLoginFailed(a: { error: string; description: string | null; provider: string; source: string | null }): Promise<void> {
  await recordAudit({ actor: "anonymous", actorKind: "anonymous", source: a.source, action: "auth.login_failed", target: a.provider, details: { method: "sso", provider: a.provider, error: a.error, ...(a.description ? { description: a.description } : {}) } });
}
