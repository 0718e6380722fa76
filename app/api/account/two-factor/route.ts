import { withHandler } from "@/lib/http";
import { badRequest } from "@/lib/errors";
import type { Actor } from "@/lib/actor";
import { TwoFactorEnableBody, TwoFactorSetup, TwoFactorStatus } from "@/lib/contract";
import { beginTwoFactor, twoFactorStatus } from "@/lib/accounts/totp-service";

function signedIn(actor: Actor): Actor {
  if (actor.kind !== "user") throw badRequest("two-factor sign-in belongs to an account: sign in to the console (a token has none)");
  return actor;
}

/** Mine: {enabled, passwordAccount}. */
export const GET = withHandler({ role: "viewer", response: TwoFactorStatus }, async ({ actor }) => twoFactorStatus(signedIn(actor).id));

/** Starts turning TOTP on with my password: {totpUri, secret, backupCodes}, shown once; active after /confirm. */
export const POST = withHandler({ role: "viewer", body: TwoFactorEnableBody, response: TwoFactorSetup }, async ({ req, body, actor }) =>
  beginTwoFactor(req, body.password, signedIn(actor)),
);
