// The reads the console makes of better-auth's two-factor state (the plugin writes the TwoFactor rows itself).
import { db, type Tx } from "../db";

export async function twoFactorEnabled(userId: string, tx: Tx = db()): Promise<boolean> {
  const u = await tx.user.findUnique({ where: { id: userId }, select: { twoFactorEnabled: true } });
  return Boolean(u?.twoFactorEnabled);
}

/** Whether the user has a password (a "credential" account): only those can turn TOTP on. */
export async function hasPassword(userId: string, tx: Tx = db()): Promise<boolean> {
  return (await tx.account.count({ where: { userId, providerId: "credential" } })) > 0;
}
