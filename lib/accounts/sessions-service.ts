// Sessions: a user lists and revokes their own; an admin lists and revokes anyone's. Revoking deletes the row, and
// every request looks its session up (no cookie cache), so it stops working at once.
import type { Actor } from "../actor";
import { notFound } from "../errors";
import { recordAudit } from "../repos/audit-repo";
import { deleteSession, deleteUserSessions, findSession, listUserSessions, type SessionRow } from "../repos/auth-session-repo";
import { findUser } from "../repos/user-repo";
import type { SessionInfo } from "../contract/accounts";

function toInfo(s: SessionRow, currentId: string | null): SessionInfo {
  return {
    id: s.id,
    createdAt: s.createdAt.toISOString(),
    lastUsedAt: s.updatedAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    address: s.ipAddress,
    userAgent: s.userAgent,
    current: s.id === currentId,
  };
}

/** The caller's sessions (none for a token: it has no session). */
export async function mySessions(actor: Actor): Promise<SessionInfo[]> {
  if (actor.kind !== "user") return [];
  return (await listUserSessions(actor.id)).map((s) => toInfo(s, actor.sessionId));
}

export async function revokeMySession(id: string, actor: Actor): Promise<void> {
  const s = await findSession(id);
  if (!s || actor.kind !== "user" || s.userId !== actor.id) throw notFound(`no session ${id} of yours`);
  await deleteSession(id);
  await recordAudit({ actor, action: "session.revoke", target: id, details: { user: actor.name } });
}

export async function userSessions(userId: string, actor: Actor): Promise<SessionInfo[]> {
  if (!(await findUser(userId))) throw notFound(`no user ${userId}`);
  return (await listUserSessions(userId)).map((s) => toInfo(s, actor.sessionId));
}

/** Revokes one (`sessionId`) or all of a user's sessions; returns how many ended. */
export async function revokeUserSessions(userId: string, actor: Actor, sessionId?: string): Promise<number> {
  const u = await findUser(userId);
  if (!u) throw notFound(`no user ${userId}`);
  let n: number;
  if (sessionId) {
    const s = await findSession(sessionId);
    if (!s || s.userId !== userId) throw notFound(`no session ${sessionId} of ${u.email}`);
    n = (await deleteSession(sessionId)) ? 1 : 0;
  } else n = await deleteUserSessions(userId);
  await recordAudit({ actor, action: "session.revoke", target: sessionId ?? userId, details: { user: u.email, revoked: n } });
  return n;
}
