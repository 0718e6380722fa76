import { z } from "zod";
import { withHandler, json } from "@/lib/http";
import { unauthorized } from "@/lib/errors";
import { checkToken, sessionCookie, ADMIN_ACTOR } from "@/lib/auth";

const Body = z.object({ token: z.string().min(1) });

/** Log in: exchange the admin token for the signalbox_session cookie (the only unauthenticated endpoint). */
export const POST = withHandler({ auth: false, body: Body }, async ({ body }) => {
  if (!checkToken(body.token.trim())) throw unauthorized("wrong admin token");
  return json({ actor: ADMIN_ACTOR }, 200, { "set-cookie": sessionCookie(body.token.trim()) });
});

/** Who is logged in (401 when nobody). */
export const GET = withHandler({}, async ({ actor }) => ({ actor }));

/** Log out. */
export const DELETE = withHandler({ auth: false }, async () => json({ ok: true }, 200, { "set-cookie": sessionCookie(null) }));
