import { withHandler, reply } from "@/lib/http";
import { Session, TwoFactorSignInBody } from "@/lib/contract";
import { signInWithCode } from "@/lib/accounts/totp-service";
import { toRole } from "@/lib/accounts/roles";

/**
 * The second step of a sign-in for an account with TOTP on: {code} (6 digits from the authenticator app) or
 * {code, backup: true} (one of the backup codes, each good once), with the challenge cookie POST /api/session set.
 * Answers the session and sets the signalbox_session cookie; 401 a wrong code, 429 too many attempts.
 */
export const POST = withHandler({ auth: false, body: TwoFactorSignInBody, response: Session }, async ({ req, body }) => {
  const { user, setCookies } = await signInWithCode(req, body.code, body.backup === true);
  const headers = new Headers();
  for (const c of setCookies) headers.append("set-cookie", c);
  return reply({ actor: user.email, kind: "user" as const, role: toRole(user.role), user: { id: user.id, email: user.email, name: user.name } }, 200, headers);
});
