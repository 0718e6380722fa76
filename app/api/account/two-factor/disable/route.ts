import { withHandler, reply } from "@/lib/http";
import { badRequest } from "@/lib/errors";
import { TwoFactorDisableBody, TwoFactorStatus } from "@/lib/contract";
import { disableTwoFactor, twoFactorStatus } from "@/lib/accounts/totp-service";

/** Turns my TOTP off {password}: sign-in asks for the password only again. */
export const POST = withHandler({ role: "viewer", body: TwoFactorDisableBody, response: TwoFactorStatus }, async ({ req, body, actor }) => {
  if (actor.kind !== "user") throw badRequest("two-factor sign-in belongs to an account: sign in to the console");
  const setCookies = await disableTwoFactor(req, body.password, actor);
  const headers = new Headers();
  for (const c of setCookies) headers.append("set-cookie", c);
  return reply(await twoFactorStatus(actor.id), 200, headers);
});
