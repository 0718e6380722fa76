// Environment: the named groups of nodes. "default" is created by the migration and can never be removed.
import { db, type Tx } from "../db";

export interface Environment { name: string; createdAt: Date; createdBy: string }

export async function listEnvironments(tx: Tx = db()): Promise<Environment[]> {
  return tx.environment.findMany({ orderBy: { name: "asc" } });
}

export async function getEnvironment(name: string, tx: Tx = db()): Promise<Environment | null> {
  return tx.environment.findUnique({ where: { name } });
}

/** Creates it unless it exists; answers whether it was created. */
export async function ensureEnvironment(name: string, createdBy: string, tx: Tx = db()): Promise<boolean> {
  if (await getEnvironment(name, tx)) return false;
  // upsert: a concurrent creation of the same name is not an error
  await tx.environment.upsert({ where: { name }, create: { name, createdBy }, update: {} });
  return true;
}
