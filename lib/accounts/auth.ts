// The better-auth instance (https://www.better-auth.com/docs/reference/options): email + password accounts with
// its scrypt hashing on our Prisma client, database sessions in the `signalbox_session` cookie, its per-address
// rate limit on sign-in, our per-account lockout and audit around sign-in, origin checks against the console's own
// origin. Mounted at /api/auth (app/api/auth/[...all]/route.ts); the console's own endpoints call it through
// lib/accounts/account-service.ts and lib/accounts/session-actor.ts.
import { betterAuth } from "better-auth";
import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import { authDatabase } from "../repos/auth-adapter";
import { recordAudit } from "../repos/audit-repo";
import { authSecret } from "./secret";
import { clearFailures, lockedFor, recordFailure } from "./lockout";
import { SOURCE_HEADER, trustedOrigins } from "./request-source";

export const SESSION_COOKIE = "signalbox_session";
/** A session lasts 7 days and is extended while in use, by at most once an hour (its "last used" time). */
export const SESSION_DAYS = 7;
const UPDATE_AGE_S = 3600;
/** Sign-in attempts one address may make per minute (better-auth's rateLimit, in memory). */
export const SIGN_IN_PER_MINUTE = 30;
const SIGN_IN = "/sign-in/email";

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

// After a password sign-in: count and audit a failure, audit a success and forget the account's failures.
const afterHook = createAuthMiddleware(async (ctx) => {
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
  if (!created) return;
  clearFailures(email);
  await recordAudit({ actor: created.user.email, actorKind: "user", source: sourceOf(ctx), action: "auth.login", target: created.user.id, details: { email: created.user.email } });
});

function createAuth() {
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
      customRules: { [SIGN_IN]: { window: 60, max: SIGN_IN_PER_MINUTE } },
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
    logger: { level: "error" },
  });
}

export type Auth = ReturnType<typeof createAuth>;

let instance: Auth | null = null;
/** The one better-auth instance of this module copy (built on first use: the secret file needs the data dir). */
export function auth(): Auth {
  return (instance ??= createAuth());
}
