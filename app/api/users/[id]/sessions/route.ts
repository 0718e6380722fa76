import { withHandler } from "@/lib/http";
import { RevokedSessions, SessionList } from "@/lib/contract";
import { revokeUserSessions, userSessions } from "@/lib/accounts/sessions-service";

/** A user's sessions (admin). */
export const GET = withHandler({ role: "admin", response: SessionList }, async ({ params, actor }) => userSessions(params.id, actor));

/** Revokes a user's sessions (admin): all of them, or the one named by `?session=<id>` → {revoked}. */
export const DELETE = withHandler({ role: "admin", response: RevokedSessions }, async ({ params, query, actor }) => ({
  revoked: await revokeUserSessions(params.id, actor, query.session || undefined),
}));
