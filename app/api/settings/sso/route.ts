import { withHandler } from "@/lib/http";
import { SsoSettings, SsoSettingsBody } from "@/lib/contract";
import { removeSsoSettings, ssoSettings, updateSsoSettings } from "@/lib/accounts/sso-config";
import { requestOrigin } from "@/lib/accounts/request-source";

/** The effective single sign-on settings (admin); the client secret only as "set"/"unset". */
export const GET = withHandler({ role: "admin", response: SsoSettings }, async ({ req }) => ssoSettings(requestOrigin(req)));

/** Saves them {name, issuer, clientId, clientSecret?, scopes, groupsClaim, groupMapping}; audited without the secret. */
export const PUT = withHandler({ role: "admin", body: SsoSettingsBody, response: SsoSettings }, async ({ req, body, actor }) =>
  updateSsoSettings(body, actor, requestOrigin(req)),
);

/** Removes the saved settings (SIGNALBOX_OIDC_* still apply). */
export const DELETE = withHandler({ role: "admin", response: SsoSettings }, async ({ req, actor }) => removeSsoSettings(actor, requestOrigin(req)));
