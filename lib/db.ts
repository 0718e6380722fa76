// The Prisma client: better-sqlite3 driver adapter for a `file:` DATABASE_URL (the default), pg for `postgres://`.
// Only lib/repos/* may import this module.
import fs from "node:fs";
import path from "node:path";
import { PrismaClient, type Prisma as Sqlite } from "../generated/prisma/client";
import { PrismaClient as PgPrismaClient, type Prisma as Pg } from "../generated/prisma-pg/client";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { databaseFile, databaseUrl, isPostgresUrl } from "./env";
import { gateOutsideTransactions } from "./sqlite-gate";

/**
 * The repositories' client type: the SQLite client's, for both stores. The two generated clients come from one schema
 * (prisma/postgres/schema.prisma is derived from prisma/schema.prisma), so their model delegates take and return the
 * same shapes, but TypeScript cannot relate two copies of Prisma's generic conditional types, nor $transaction's
 * isolation levels (SQLite has only Serializable). PgClientFitsDb (end of this file) proves per model and operation
 * that every argument the SQLite types accept is one the PostgreSQL client accepts and that its results fit the SQLite types.
 */
export type Db = PrismaClient;
/** A client or an interactive-transaction client: what repo functions accept. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;
/** Which database the store is in: raw SQL in lib/repos branches on it. */
export type DbProvider = "sqlite" | "postgres";

const g = globalThis as unknown as { __signalboxPrisma?: { url: string; client: PrismaClient } };

export function dbProvider(url = databaseUrl()): DbProvider {
  return isPostgresUrl(url) ? "postgres" : "sqlite";
}

/** One client per process and database URL (shared by server.ts and Next's bundle through globalThis). */
export function db(): PrismaClient {
  const url = databaseUrl();
  if (g.__signalboxPrisma?.url === url) return g.__signalboxPrisma.client;
  const client = dbProvider(url) === "postgres" ? postgresClient(url) : sqliteClient(url);
  g.__signalboxPrisma = { url, client };
  return client;
}

function sqliteClient(url: string): PrismaClient {
  const file = databaseFile(url);
  if (file) fs.mkdirSync(path.dirname(file), { recursive: true });
  return new PrismaClient({ adapter: withPragmas(new PrismaBetterSqlite3({ url })) });
}

const pgClientFitsDb: PgClientFitsDb = true;

function postgresClient(url: string): PrismaClient {
  // typed as the SQLite client (see Db above); pgClientFitsDb fails to compile when the two stop fitting
  void pgClientFitsDb;
  return new PgPrismaClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as PrismaClient;
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
      return gateOutsideTransactions(adapter);
    },
  };
}

export async function closeDb(): Promise<void> {
  const c = g.__signalboxPrisma;
  g.__signalboxPrisma = undefined;
  if (c) await c.client.$disconnect();
}

// Compile-time proof that the PostgreSQL client can stand in for the SQLite client's type, per model and operation
// from Prisma's generated TypeMap: the same models, every argument the SQLite types accept is accepted by the
// PostgreSQL client (whose string filters only add `mode`), and every result it gives fits the SQLite result type.
// A schema change that reaches one client and not the other (prisma/postgres/schema.prisma not regenerated,
// `npm run db:generate` not run) makes it `false`, and `const pgClientFitsDb: PgClientFitsDb = true` stops compiling.
type SM = Sqlite.TypeMap["model"];
type PM = Pg.TypeMap["model"];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** SQLite's args fit the PostgreSQL client's, and its result fits SQLite's result type. */
type Fits<S, P> = S extends { args: infer SA; result: infer SR }
  ? P extends { args: infer PA; result: infer PR }
    ? [SA] extends [PA] ? ([PR] extends [SR] ? true : false) : false
    : false
  : false;

type OperationFits<M extends keyof SM & keyof PM> = {
  [O in keyof SM[M]["operations"]]: O extends keyof PM[M]["operations"] ? Fits<SM[M]["operations"][O], PM[M]["operations"][O]> : false;
}[keyof SM[M]["operations"]];

type ModelsFit = { [M in keyof SM]: M extends keyof PM ? OperationFits<M> : false }[keyof SM];

type PgClientFitsDb = Same<keyof SM, keyof PM> extends true ? (false extends ModelsFit ? false : true) : false;
