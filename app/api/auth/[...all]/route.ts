// better-auth's own endpoints (/api/auth/*: sign-in/email, sign-in/social, callback/oidc, two-factor/*, get-session,
// sign-out …), with its origin check against the console's origin and SIGNALBOX_TRUSTED_ORIGINS. Sign-up is
// disabled: accounts come from /api/setup, admins, and single sign-on. A failed SSO callback is audited with the
// provider's error, which also reaches the login page as its error_description.
import { currentAuth } from "@/lib/accounts/auth";
import { requestSource, secureIfHttps } from "@/lib/accounts/request-source";
import { rememberedErrors, ssoLoginFailed, withSsoRequest } from "@/lib/accounts/sso-login";

const CALLBACK = "/api/auth/callback/";

async function handle(req: Request): Promise<Response> {
  const auth = await currentAuth();
  return withSsoRequest(async () => {
    let res = await auth.handler(req);
    const path = new URL(req.url).pathname;
    if (path.startsWith(CALLBACK)) res = await auditCallback(req, res, path.slice(CALLBACK.length));
    const cookies = res.headers.getSetCookie();
    if (!cookies.length) return res;
    const headers = new Headers(res.headers);
    headers.delete("set-cookie");
    for (const c of secureIfHttps(cookies, req.headers)) headers.append("set-cookie", c);
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  });
}

/** A callback redirecting with ?error=: audited, and what the provider said added for the login page to show. */
async function auditCallback(req: Request, res: Response, provider: string): Promise<Response> {
  const location = res.headers.get("location");
  if (!location) return res;
  const to = new URL(location, req.url);
  const error = to.searchParams.get("error");
  if (!error) return res;
  const said = rememberedErrors().join("; ");
  const description = to.searchParams.get("error_description") ?? (said || null);
  await ssoLoginFailed({ error, description, provider, source: requestSource(req.headers) });
  if (description && !to.searchParams.has("error_description")) to.searchParams.set("error_description", description);
  const headers = new Headers(res.headers);
  headers.set("location", location.startsWith("/") ? `${to.pathname}${to.search}` : to.toString());
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

export { handle as GET, handle as POST };
