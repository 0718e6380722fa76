// Session: signed-in browsers (better-auth's `session` model). better-auth creates and extends them; the console
// lists and deletes them. A deleted row ends that session on its next request (no cookie cache).
import { db, type Tx } from "../db";

export interface SessionRow { id: string; userId: string; createdAt: Date; updatedAt: Date; expiresAt: Date; ipAddress: string | null; userAgent: string | null }

const select = { id: true, userId: true, createdAt: true, updatedAt: true, expiresAt: true, ipAddress: true, userAgent: true } as const;

/** The user's sessions that have not expired, most recently used first. */
export async function listUserSessions(userId: string, now = new Date(), tx: Tx = db()): Promise<SessionRow[]> {
  return tx.session.findMany({ where: { userId, expiresAt: { gt: now } }, select, orderBy: [{ updatedAt: "desc" }, { id: "asc" }] });
}

export async function findSession(id: string, tx: Tx = db()): Promise<SessionRow | null> {
  return tx.session.findUnique({ where: { id }, select });
}

export async function deleteSession(id: string, tx: Tx = db()): Promise<boolean> {
  const r = await tx.session.deleteMany({ where: { id } });
  return r.count > 0;
}

export async function deleteUserSessions(userId: string, tx: Tx = db()): Promise<number> {
  const r = await tx.session.deleteMany({ where: { userId } });
  return r.count;
}
