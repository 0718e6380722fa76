// better-auth's database: its Prisma adapter on our client (lib/db.ts), over the User, Session, Account and
// Verification models of prisma/schema.prisma. Lives here because only lib/repos reaches Prisma.
import { prismaAdapter } from "better-auth/adapters/prisma";
import { db } from "../db";

export function authDatabase() {
  return prismaAdapter(db(), { provider: "sqlite" });
}
