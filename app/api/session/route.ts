import { withHandler, reply } from "@/lib/http";
import { unauthorized } from "@/lib/errors";
import { LoggedOut, LoginBody, Session } from "@/lib/contract";
import { checkToken, sessionCookie, ADMIN_ACTOR } from "@/lib/auth";

/** Log in: exchange the admin token for the signalbox_session cookie (the only unauthenticated endpoint). */
export const POST = withHandler({ auth: false, body: LoginBody, response: Session }, async ({ body }) => {
  if (!checkToken(body.token.trim())) throw unauthorized("wrong admin token");
  return reply({ actor: ADMIN_ACTOR }, 200, { "set-cookie": sessionCookie(body.token.trim()) });
});

/** Who is logged in (401 when nobody). */
export const GET = withHandler({ response: Session }, async ({ actor }) => ({ actor }));

/** Log out. */
export const DELETE = withHandler({ auth: false, response: LoggedOut }, async () => reply({ ok: true as const }, 200, { "set-cookie": sessionCookie(null) }));
