// better-auth's own endpoints (/api/auth/*: sign-in/email, get-session, sign-out …), with its origin check against
// the console's origin and SIGNALBOX_TRUSTED_ORIGINS. Sign-up is disabled: accounts come from /api/setup and admins.
import { auth } from "@/lib/accounts/auth";
import { secureIfHttps } from "@/lib/accounts/request-source";

async function handle(req: Request): Promise<Response> {
  const res = await auth().handler(req);
  const cookies = res.headers.getSetCookie();
  if (!cookies.length) return res;
  const headers = new Headers(res.headers);
  headers.delete("set-cookie");
  for (const c of secureIfHttps(cookies, req.headers)) headers.append("set-cookie", c);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

export { handle as GET, handle as POST };
