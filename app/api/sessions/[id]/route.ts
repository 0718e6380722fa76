import { withHandler, noContent } from "@/lib/http";
import { revokeMySession } from "@/lib/accounts/sessions-service";

/** Revokes one of my sessions (it stops working at once); 404 when it is not mine. Any signed-in role may. */
export const DELETE = withHandler({ role: "viewer" }, async ({ params, actor }) => {
  await revokeMySession(params.id, actor);
  return noContent();
});
