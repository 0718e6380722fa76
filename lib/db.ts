// The Prisma client (better-sqlite3 driver adapter). Only lib/repos/* may import this module.
import fs from "node:fs";
import path from "node:path";
import { PrismaClient } from "../generated/prisma/client";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { databaseFile, databaseUrl } from "./env";

export type Db = PrismaClient;
/** A client or an interactive-transaction client: what repo functions accept. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

const g = globalThis as unknown as { __signalboxPrisma?: { url: string; client: PrismaClient } };

/** One client per process and database URL (shared by server.ts and Next's bundle through globalThis). */
export function db(): PrismaClient {
  const url = databaseUrl();
  if (g.__signalboxPrisma?.url === url) return g.__signalboxPrisma.client;
  const file = databaseFile(url);
  if (file) fs.mkdirSync(path.dirname(file), { recursive: true });
  const client = new PrismaClient({ adapter: withPragmas(new PrismaBetterSqlite3({ url })) });
  g.__signalboxPrisma = { url, client };
  return client;
}

/**
 * SQLite in WAL mode (https://sqlite.org/wal.html): readers do not wait for a writer, and a commit appends to the
 * log instead of rewriting pages through a rollback journal, which halves a publish's time at 1,000 routes.
 * synchronous=FULL keeps every commit fsynced, so a publish that answered 201 survives a power cut too. The mode is
 * stored in the database file; it is set on every connection so an older file is switched on its first open.
 */
const PRAGMAS = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;";

function withPragmas(factory: PrismaBetterSqlite3): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = await factory.connect();
      await adapter.executeScript(PRAGMAS);
      return adapter;
    },
  };
}

export async function closeDb(): Promise<void> {
  const c = g.__signalboxPrisma;
  g.__signalboxPrisma = undefined;
  if (c) await c.client.$disconnect();
}
