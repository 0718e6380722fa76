// better-auth's database: its Prisma adapter on our client (lib/db.ts), over the User, Session, Account and
// Verification models of prisma/schema.prisma. Lives here because only lib/repos reaches Prisma.
import { prismaAdapter } from "better-auth/adapters/prisma";
import { db, dbProvider } from "../db";

export function authDatabase() {
  // better-auth words some queries per provider (e.g. case-insensitive matching): tell it which database this is
  return prismaAdapter(db(), { provider: dbProvider() === "postgres" ? "postgresql" : "sqlite" });
}
