// The better-auth instance (https://www.better-auth.com/docs/reference/options): email + password accounts with
// its scrypt hashing on our Prisma client, database sessions in the `signalbox_session` cookie, its per-address
// rate limit on sign-in, our per-account lockout and audit around sign-in, origin checks against the console's own
// origin; single sign-on with an OpenID Connect provider (generic OAuth plugin, settings in sso-config.ts, groups
// mapped in sso-login.ts) and TOTP for password accounts (twoFactor plugin, totp-service.ts). Mounted at /api/auth
// (app/api/auth/[...all]/route.ts); the console's own endpoints call it through lib/accounts/account-service.ts,
// totp-service.ts and lib/accounts/session-actor.ts.
import { betterAuth } from "better-auth";
import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import { genericOAuth, twoFactor } from "better-auth/plugins";
import { SSO_PROVIDER_ID } from "../contract/accounts";
import { authDatabase } from "../repos/auth-adapter";
import { recordAudit } from "../repos/audit-repo";
import { authSecret } from "./secret";
import { clearFailures, lockedFor, recordFailure } from "./lockout";
import { SOURCE_HEADER, trustedOrigins } from "./request-source";
import { discoveryUrl, fingerprint, ssoConfig, type SsoConfig } from "./sso-config";
import { applySsoLogin, confirmingTotp, rememberClaims, rememberError } from "./sso-login";

export const SESSION_COOKIE = "signalbox_session";
/** A session lasts 7 days and is extended while in use, by at most once an hour (its "last used" time). */
export const SESSION_DAYS = 7;
const UPDATE_AGE_S = 3600;
/** Sign-in attempts one address may make per minute (better-auth's rateLimit, in memory). */
export const SIGN_IN_PER_MINUTE = 30;
const SIGN_IN = "/sign-in/email";
const TOTP = ["/two-factor/verify-totp", "/two-factor/verify-backup-code"];

type HookCtx = Parameters<Parameters<typeof createAuthMiddleware>[0]>[0];

function sourceOf(ctx: HookCtx): string | null {
  return ctx.headers?.get(SOURCE_HEADER) ?? ctx.request?.headers.get(SOURCE_HEADER) ?? null;
}

function emailOf(ctx: HookCtx): string {
  const b = ctx.body as { email?: unknown } | undefined;
  return typeof b?.email === "string" ? b.email.trim().toLowerCase() : "";
}

async function loginFailed(ctx: HookCtx, email: string, reason: string): Promise<void> {
  await recordAudit({ actor: email || "anonymous", actorKind: "anonymous", source: sourceOf(ctx), action: "auth.login_failed", target: email, details: { email, address: sourceOf(ctx), reason } });
}

// Before a password sign-in: a locked account is refused without checking the password.
const beforeHook = createAuthMiddleware(async (ctx) => {
  if (ctx.path !== SIGN_IN) return;
  const email = emailOf(ctx);
  const ms = lockedFor(email);
  if (ms <= 0) return;
  await loginFailed(ctx, email, "locked");
  const minutes = Math.ceil(ms / 60_000);
  throw APIError.fromStatus("TOO_MANY_REQUESTS", {
    code: "ACCOUNT_LOCKED",
    message: `too many failed sign-ins for ${email}: password sign-in is locked for ${minutes} more minute${minutes === 1 ? "" : "s"}`,
  });
});

// After a single sign-on callback that created a session: the groups claim mapped to role and teams, audited.
async function afterSso(ctx: HookCtx): Promise<void> {
  const created = ctx.context.newSession;
  if (!created) return;
  const sso = await ssoConfig();
  if (!sso) return;
  await applySsoLogin({ userId: created.user.id, groupsClaim: sso.groupsClaim, mapping: sso.groupMapping, provider: sso.name, source: sourceOf(ctx) });
}

// After a TOTP (or backup) code: a session means the second step passed; a refused code is audited.
async function afterTotp(ctx: HookCtx): Promise<void> {
  // a signed-in user confirming the code that turns TOTP on: no sign-in (totp-service.ts audits it)
  if (confirmingTotp()) return;
  const returned = ctx.context.returned;
  const created = ctx.context.newSession;
  if (isAPIError(returned)) {
    await recordAudit({ actor: "anonymous", actorKind: "anonymous", source: sourceOf(ctx), action: "auth.login_failed", target: "two-factor", details: { method: "totp", reason: returned.message || "invalid code" } });
    return;
  }
  if (!created) return;
  clearFailures(created.user.email);
  await recordAudit({ actor: created.user.email, actorKind: "user", source: sourceOf(ctx), action: "auth.login", target: created.user.id, details: { email: created.user.email, method: "password+totp" } });
}

// After a password sign-in: count and audit a failure, audit a success and forget the account's failures.
const afterHook = createAuthMiddleware(async (ctx) => {
  if (ctx.path.startsWith("/callback/")) return afterSso(ctx);
  if (TOTP.includes(ctx.path)) return afterTotp(ctx);
  if (ctx.path !== SIGN_IN) return;
  const email = emailOf(ctx);
  const returned = ctx.context.returned;
  if (isAPIError(returned)) {
    if (returned.statusCode === 401) {
      recordFailure(email);
      await loginFailed(ctx, email, "wrong email or password");
    }
    return;
  }
  const created = ctx.context.newSession;
  // the password was right; with TOTP on, the session comes with the code (afterTotp)
  clearFailures(email);
  // user hooks run before the twoFactor plugin's, which turns this session into a code challenge
  if (!created || (created.user as { twoFactorEnabled?: boolean | null }).twoFactorEnabled) return;
  await recordAudit({ actor: created.user.email, actorKind: "user", source: sourceOf(ctx), action: "auth.login", target: created.user.id, details: { email: created.user.email, method: "password" } });
});

/**
 * The OpenID Connect provider (better-auth's generic OAuth plugin, https://www.better-auth.com/docs/plugins/generic-oauth):
 * endpoints and signing keys from the issuer's discovery document, authorization code with PKCE and state, the ID
 * token verified against the issuer's JWKS (issuer, audience, nonce). Callback: /api/auth/callback/oidc.
 */
function oidcProvider(sso: SsoConfig) {
  return {
    providerId: SSO_PROVIDER_ID,
    name: sso.name,
    discoveryUrl: discoveryUrl(sso.issuer),
    clientId: sso.clientId,
    clientSecret: sso.clientSecret || undefined,
    scopes: sso.scopes,
    pkce: true,
    requireIdTokenVerification: true,
    // an existing account is linked by email only when the provider says the email is verified (below)
    mapProfileToUser: (profile: Record<string, unknown>) => {
      rememberClaims(profile);
      return {};
    },
  };
}

function createAuth(sso: SsoConfig | null) {
  return betterAuth({
    appName: "Signalbox",
    basePath: "/api/auth",
    // the console answers on whatever host the browser used; trustedOrigins below is what limits writes
    baseURL: { allowedHosts: ["*"], fallback: "http://127.0.0.1" },
    secret: authSecret(),
    database: authDatabase(),
    telemetry: { enabled: false },
    emailAndPassword: {
      enabled: true,
      // accounts are created by the first-run setup and by admins (lib/accounts/account-service.ts), never by sign-up
      disableSignUp: true,
      minPasswordLength: 12,
      maxPasswordLength: 256,
    },
    user: { additionalFields: { role: { type: "string", required: false, defaultValue: "viewer", input: false } } },
    account: {
      // an SSO user whose provider-verified email matches an account is linked to it (our accounts are created by
      // admins, whose emails better-auth never verified: that is what requireLocalEmailVerified would ask)
      accountLinking: { enabled: true, requireLocalEmailVerified: false },
    },
    onAPIError: { errorURL: "/login" },
    // these answer each session's token, the value the HTTP-only cookie exists to keep from scripts (list-sessions:
    // of the user's other sessions too): 404 over HTTP; /api/session and /api/sessions say the same without it.
    // auth.api.getSession, which the console itself calls, is not an HTTP request and stays available.
    disabledPaths: ["/get-session", "/list-sessions"],
    plugins: [
      genericOAuth({ config: sso ? [oidcProvider(sso)] : [] }),
      // TOTP for password accounts (https://www.better-auth.com/docs/plugins/2fa): 30-second, 6-digit codes
      twoFactor({ issuer: "Signalbox", totpOptions: { digits: 6, period: 30 } }),
    ],
    session: {
      expiresIn: SESSION_DAYS * 24 * 3600,
      updateAge: UPDATE_AGE_S,
      // no cookie cache: every request reads the session row, so a revoked session or removed user stops at once
      cookieCache: { enabled: false },
    },
    rateLimit: {
      enabled: true,
      storage: "memory",
      window: 60,
      max: 600,
      // starting a single sign-on checks no secret (the provider does): the same per-address budget as sign-in
      customRules: { [SIGN_IN]: { window: 60, max: SIGN_IN_PER_MINUTE }, "/sign-in/social": { window: 60, max: SIGN_IN_PER_MINUTE } },
    },
    trustedOrigins: async (req) => (req ? trustedOrigins(req) : []),
    advanced: {
      // explicit: better-auth turns both off when it thinks it runs under a test runner (TEST=true in the environment)
      disableOriginCheck: false,
      disableCSRFCheck: false,
      cookiePrefix: "signalbox",
      cookies: { session_token: { name: SESSION_COOKIE } },
      // Secure is added per request when it came over HTTPS (secureIfHttps): the console also serves plain http
      useSecureCookies: false,
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax", path: "/" },
      // server.ts stamps the socket's address here (X-Forwarded-For only with SIGNALBOX_TRUST_PROXY=1)
      ipAddress: { ipAddressHeaders: [SOURCE_HEADER] },
    },
    hooks: { before: beforeHook, after: afterHook },
    logger: {
      level: "error",
      log: (level, message, ...args: unknown[]) => {
        rememberError(message, args);
        console.error(`[auth] ${level}: ${message}`, ...args);
      },
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;

let instance: Auth | null = null;
let built = "";
/** The one better-auth instance of this module copy (built on first use: the secret file needs the data dir). */
export function auth(): Auth {
  return (instance ??= createAuth(null));
}

/**
 * The instance with the current single sign-on settings: rebuilt when they changed (saved in Settings or in another
 * copy of this module), so /api/auth always signs in with what the settings say.
 */
export async function currentAuth(): Promise<Auth> {
  const sso = await ssoConfig();
  const key = fingerprint(sso);
  if (!instance || key !== built) {
    instance = createAuth(sso);
    built = key;
  }
  return instance;
}
