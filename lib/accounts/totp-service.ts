// TOTP second factor for password accounts (better-auth's twoFactor plugin): turning it on (password, then a first
// code from the authenticator app), off (password), and the code step of a sign-in. RFC 6238 codes, 6 digits, 30 s.
import { ApiError, badRequest, unauthorized } from "../errors";
import { recordAudit } from "../repos/audit-repo";
import { hasPassword, twoFactorEnabled } from "../repos/two-factor-repo";
import { findUser } from "../repos/user-repo";
import type { Actor } from "../actor";
import type { TwoFactorSetup, TwoFactorStatus } from "../contract/accounts";
import { auth } from "./auth";
import { requestOrigin, secureIfHttps } from "./request-source";
import { whileConfirmingTotp } from "./sso-login";

export async function twoFactorStatus(userId: string): Promise<TwoFactorStatus> {
  return { enabled: await twoFactorEnabled(userId), passwordAccount: await hasPassword(userId) };
}

/** Calls one of better-auth's /api/auth endpoints with the request's cookies (and our origin when it sent none). */
async function callAuth(req: Request, path: string, body: unknown): Promise<{ res: Response; out: Record<string, unknown> }> {
  const headers = new Headers(req.headers);
  headers.delete("content-length");
  headers.set("content-type", "application/json");
  if (!headers.get("origin")) headers.set("origin", requestOrigin(req));
  const res = await auth().handler(new Request(new URL(`/api/auth${path}`, req.url), { method: "POST", headers, body: JSON.stringify(body) }));
  const out = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  return { res, out };
}

function failure(res: Response, out: Record<string, unknown>, what: string): ApiError {
  const message = typeof out.message === "string" ? out.message : `${what} failed (HTTP ${res.status})`;
  if (res.status === 429) return new ApiError(429, "rate_limited", `too many attempts: try again in ${res.headers.get("x-retry-after") ?? "a few"} seconds`);
  if (res.status === 401) return unauthorized(message);
  return new ApiError(res.status >= 400 && res.status < 500 ? res.status : 500, "two_factor", message);
}

/** Starts turning TOTP on: a new secret (not active until confirmed with a code) and backup codes, shown once. */
export async function beginTwoFactor(req: Request, password: string, actor: Actor): Promise<TwoFactorSetup> {
  if (await twoFactorEnabled(actor.id)) throw new ApiError(409, "conflict", "two-factor sign-in is already on: turn it off first to get a new key");
  if (!(await hasPassword(actor.id))) throw badRequest("two-factor sign-in is for password accounts; single sign-on accounts use their provider's");
  const { res, out } = await callAuth(req, "/two-factor/enable", { password, issuer: "Signalbox" });
  if (!res.ok) throw res.status === 400 ? badRequest(`password: ${typeof out.message === "string" ? out.message.toLowerCase() : "is wrong"}`) : failure(res, out, "enabling two-factor sign-in");
  const totpUri = String(out.totpURI ?? "");
  const secret = new URL(totpUri).searchParams.get("secret") ?? "";
  const backupCodes = Array.isArray(out.backupCodes) ? out.backupCodes.map(String) : [];
  return { totpUri, secret, backupCodes };
}

/** Confirms the new secret with a first code: from then on, sign-in asks for a code. Returns the rotated session's cookies. */
export async function confirmTwoFactor(req: Request, code: string, actor: Actor): Promise<string[]> {
  const { res, out } = await whileConfirmingTotp(() => callAuth(req, "/two-factor/verify-totp", { code }));
  if (!res.ok) throw res.status === 401 || res.status === 400 ? badRequest(`code: ${typeof out.message === "string" ? out.message.toLowerCase() : "is wrong"}`) : failure(res, out, "confirming the code");
  await recordAudit({ actor, action: "user.two_factor", target: actor.id, details: { enabled: true } });
  return secureIfHttps(res.headers.getSetCookie(), req.headers);
}

export async function disableTwoFactor(req: Request, password: string, actor: Actor): Promise<string[]> {
  const { res, out } = await callAuth(req, "/two-factor/disable", { password });
  if (!res.ok) throw res.status === 400 ? badRequest(`password: ${typeof out.message === "string" ? out.message.toLowerCase() : "is wrong"}`) : failure(res, out, "turning two-factor sign-in off");
  await recordAudit({ actor, action: "user.two_factor", target: actor.id, details: { enabled: false } });
  return secureIfHttps(res.headers.getSetCookie(), req.headers);
}

/** The code step of a sign-in (the challenge cookie from POST /api/session): the session's cookies and its user. */
export async function signInWithCode(req: Request, code: string, backup: boolean) {
  const { res, out } = await callAuth(req, backup ? "/two-factor/verify-backup-code" : "/two-factor/verify-totp", { code });
  const user = out.user as { id?: string } | undefined;
  if (res.ok && user?.id) {
    const row = await findUser(user.id);
    if (row) return { user: row, setCookies: secureIfHttps(res.headers.getSetCookie(), req.headers) };
  }
  if (res.status === 429) throw failure(res, out, "the code");
  const message = typeof out.message === "string" ? out.message : "";
  if (/cookie|two factor|expired/i.test(message) && !/invalid (code|backup)/i.test(message)) throw unauthorized(`sign in with your password again: ${message || "the code step expired"}`);
  throw unauthorized(backup ? "wrong backup code" : "wrong code");
}
