import { withHandler, reply } from "@/lib/http";
import { SetupBody, SetupState, Session } from "@/lib/contract";
import { createFirstAdmin, setupNeeded, signInAfterSetup } from "@/lib/accounts/account-service";
import { requestSource } from "@/lib/accounts/request-source";

/** Whether the console still needs its first admin: {needed}. No authentication: the setup page asks it. */
export const GET = withHandler({ auth: false, response: SetupState }, async () => ({ needed: await setupNeeded() }));

/**
 * First run: creates the first admin {email, name, password ≥ 12 characters} and signs them in (201 + the session
 * cookie). No authentication; refused with 409 once any account exists (two racing requests: one 201, one 409).
 */
export const POST = withHandler({ auth: false, body: SetupBody, response: Session }, async ({ req, body }) => {
  const created = await createFirstAdmin(body, requestSource(req.headers));
  const { setCookies } = await signInAfterSetup(body, req);
  const headers = new Headers();
  for (const c of setCookies) headers.append("set-cookie", c);
  return reply({ actor: created.email, kind: "user" as const, role: "admin" as const, user: { id: created.id, email: created.email, name: created.name } }, 201, headers);
});
