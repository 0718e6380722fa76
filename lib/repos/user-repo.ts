// User: console accounts (better-auth's `user` model). better-auth writes them; these are the reads and the
// role/removal changes the console makes itself, and the environments an editor may change.
import { db, type Tx } from "../db";

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: string;
  createdAt: Date;
  /** the environments an editor may change; null: every environment */
  environments: string[] | null;
}

const select = { id: true, email: true, name: true, role: true, createdAt: true, environments: true } as const;
type Selected = { id: string; email: string; name: string; role: string; createdAt: Date; environments: string | null };

/** The stored JSON list; anything that is not a non-empty list of strings reads as "every environment". */
function environmentsOf(text: string | null): string[] | null {
  if (text === null) return null;
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === "string") ? (v as string[]) : null;
  } catch {
    return null;
  }
}

const row = (u: Selected): UserRow => ({ ...u, environments: environmentsOf(u.environments) });
const rowOrNull = (u: Selected | null): UserRow | null => (u ? row(u) : null);

export async function countUsers(tx: Tx = db()): Promise<number> {
  return tx.user.count();
}

export async function listUsers(tx: Tx = db()): Promise<UserRow[]> {
  return (await tx.user.findMany({ select, orderBy: [{ createdAt: "asc" }, { email: "asc" }] })).map(row);
}

export async function findUser(id: string, tx: Tx = db()): Promise<UserRow | null> {
  return rowOrNull(await tx.user.findUnique({ where: { id }, select }));
}

export async function findUserByEmail(email: string, tx: Tx = db()): Promise<UserRow | null> {
  return rowOrNull(await tx.user.findUnique({ where: { email }, select }));
}

export async function countAdmins(tx: Tx = db()): Promise<number> {
  return tx.user.count({ where: { role: "admin" } });
}

export async function setUserRole(id: string, role: string, tx: Tx = db()): Promise<UserRow> {
  return row(await tx.user.update({ where: { id }, data: { role }, select }));
}

/** Limits user `id` to `environments` (null or empty: every environment). */
export async function setUserEnvironments(id: string, environments: string[] | null, tx: Tx = db()): Promise<UserRow> {
  const data = environments && environments.length > 0 ? JSON.stringify(environments) : null;
  return row(await tx.user.update({ where: { id }, data: { environments: data }, select }));
}

/** The environments user `id` may change as an editor (null: every one, or no such user). */
export async function environmentsOfUser(id: string, tx: Tx = db()): Promise<string[] | null> {
  const u = await tx.user.findUnique({ where: { id }, select: { environments: true } });
  return u ? environmentsOf(u.environments) : null;
}

/** Deletes the user; their sessions and credentials go with them (onDelete: Cascade). */
export async function deleteUser(id: string, tx: Tx = db()): Promise<void> {
  await tx.user.delete({ where: { id } });
}
