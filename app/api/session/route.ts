import { withHandler, reply } from "@/lib/http";
import { LoggedOut, LoginBody, Session, TwoFactorRequired } from "@/lib/contract";
import { signIn, signOut } from "@/lib/accounts/account-service";
import { toRole } from "@/lib/accounts/roles";
import { limitedTo, mayChangeEnvironment } from "@/lib/environment/environment-access";
import { currentEnvironment } from "@/lib/environment/scope";

/**
 * Sign in with email and password: answers who signed in and sets the signalbox_session cookie (a new session,
 * whatever cookie the request carried). 401 wrong email or password, 429 `locked` (5 failures in 15 minutes lock
 * the account's password sign-in for 15 minutes) or `rate_limited` (too many attempts from the address). An account
 * with TOTP on answers {twoFactor: true} instead, with the cookie of a 10-minute code challenge.
 */
export const POST = withHandler({ auth: false, body: LoginBody, response: Session.or(TwoFactorRequired) }, async ({ req, body }) => {
  const { user, setCookies } = await signIn(body, req);
  const headers = new Headers();
  for (const c of setCookies) headers.append("set-cookie", c);
  // TOTP on: {twoFactor: true} and the challenge cookie; POST /api/session/two-factor {code} signs in
  if (!user) return reply({ twoFactor: true as const }, 200, headers);
  return reply({ actor: user.email, kind: "user" as const, role: toRole(user.role), user: { id: user.id, email: user.email, name: user.name } }, 200, headers);
});

/**
 * Who is calling: {actor, kind, role, user, mayChange, environments} (401 when nobody). `mayChange`: whether the
 * caller may change the environment this request acts on, so the pages show what it cannot change as read-only.
 */
export const GET = withHandler({ response: Session }, async ({ actor, user }) => ({
  actor: actor.name, kind: actor.kind, role: actor.role, user,
  mayChange: actor.role !== "viewer" && mayChangeEnvironment(actor, currentEnvironment()),
  environments: limitedTo(actor),
}));

/** Sign out: ends the request's session (its row is deleted) and clears the cookie. */
export const DELETE = withHandler({ auth: false, response: LoggedOut }, async ({ req, actor }) => {
  const headers = new Headers();
  for (const c of await signOut(req, actor)) headers.append("set-cookie", c);
  return reply({ ok: true as const }, 200, headers);
});
