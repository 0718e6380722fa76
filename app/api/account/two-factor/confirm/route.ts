import { withHandler, reply } from "@/lib/http";
import { badRequest } from "@/lib/errors";
import { TwoFactorConfirmBody, TwoFactorStatus } from "@/lib/contract";
import { confirmTwoFactor, twoFactorStatus } from "@/lib/accounts/totp-service";

/** Confirms the key POST /api/account/two-factor gave with a first {code}: sign-in asks for a code from now on. */
export const POST = withHandler({ role: "viewer", body: TwoFactorConfirmBody, response: TwoFactorStatus }, async ({ req, body, actor }) => {
  if (actor.kind !== "user") throw badRequest("two-factor sign-in belongs to an account: sign in to the console");
  const setCookies = await confirmTwoFactor(req, body.code, actor);
  const headers = new Headers();
  for (const c of setCookies) headers.append("set-cookie", c);
  return reply(await twoFactorStatus(actor.id), 200, headers);
});
