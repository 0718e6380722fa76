// User: console accounts (better-auth's `user` model). better-auth writes them; these are the reads and the
// role/removal changes the console makes itself.
import { db, type Tx } from "../db";

export interface UserRow { id: string; email: string; name: string; role: string; createdAt: Date }

const select = { id: true, email: true, name: true, role: true, createdAt: true } as const;

export async function countUsers(tx: Tx = db()): Promise<number> {
  return tx.user.count();
}

export async function listUsers(tx: Tx = db()): Promise<UserRow[]> {
  return tx.user.findMany({ select, orderBy: [{ createdAt: "asc" }, { email: "asc" }] });
}

export async function findUser(id: string, tx: Tx = db()): Promise<UserRow | null> {
  return tx.user.findUnique({ where: { id }, select });
}

export async function findUserByEmail(email: string, tx: Tx = db()): Promise<UserRow | null> {
  return tx.user.findUnique({ where: { email }, select });
}

export async function countAdmins(tx: Tx = db()): Promise<number> {
  return tx.user.count({ where: { role: "admin" } });
}

export async function setUserRole(id: string, role: string, tx: Tx = db()): Promise<UserRow> {
  return tx.user.update({ where: { id }, data: { role }, select });
}

/** Deletes the user; their sessions and credentials go with them (onDelete: Cascade). */
export async function deleteUser(id: string, tx: Tx = db()): Promise<void> {
  await tx.user.delete({ where: { id } });
}
