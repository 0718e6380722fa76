// One schema for both stores: prisma/postgres/schema.prisma must be exactly what lib/migrate.ts derives from
// prisma/schema.prisma, so a model change cannot land for SQLite and not for PostgreSQL (or the other way round).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PG_SCHEMA_NOTICE, postgresSchema } from "./migrate";

const root = path.resolve(import.meta.dirname, "..");
const read = (p: string) => fs.readFileSync(path.join(root, p), "utf8");

describe("prisma/postgres/schema.prisma", () => {
  it("is what scripts/schema-pg.ts derives from prisma/schema.prisma (run `npm run db:schema-pg` after a schema change)", () => {
    expect(read("prisma/postgres/schema.prisma")).toBe(postgresSchema(read("prisma/schema.prisma")));
  });

  it("differs from the source in the provider and the client output only", () => {
    const source = read("prisma/schema.prisma").split("\n");
    const derived = read("prisma/postgres/schema.prisma").slice(PG_SCHEMA_NOTICE.length).split("\n");
    expect(derived).toHaveLength(source.length);
    const changed = source.flatMap((line, i) => (line === derived[i] ? [] : [[line.trim(), derived[i].trim()]]));
    expect(changed).toEqual([
      ['output   = "../generated/prisma"', 'output   = "../../generated/prisma-pg"'],
      ['provider = "sqlite"', 'provider = "postgresql"'],
    ]);
  });

  it("refuses a source whose datasource or generator header it does not recognise", () => {
    const source = read("prisma/schema.prisma");
    expect(() => postgresSchema(source.replace('provider = "sqlite"', 'provider = "mysql"'))).toThrow(/provider = "sqlite"/);
    expect(() => postgresSchema(source.replace('output   = "../generated/prisma"', 'output = "../gen"'))).toThrow(/output/);
  });

  it("has a migration history of its own, locked to postgresql", () => {
    expect(read("prisma/postgres/migrations/migration_lock.toml")).toMatch(/provider = "postgresql"/);
    const dirs = fs.readdirSync(path.join(root, "prisma/postgres/migrations"), { withFileTypes: true }).filter((d) => d.isDirectory());
    expect(dirs.length).toBeGreaterThan(0);
    for (const d of dirs) expect(fs.existsSync(path.join(root, "prisma/postgres/migrations", d.name, "migration.sql"))).toBe(true);
  });

  it("has no semicolon inside a comment of a PostgreSQL migration (the pg adapter splits a script on every `;`)", () => {
    for (const history of ["prisma/postgres/migrations"]) {
      const dirs = fs.readdirSync(path.join(root, history), { withFileTypes: true }).filter((d) => d.isDirectory());
      for (const d of dirs) {
        const lines = read(`${history}/${d.name}/migration.sql`).split("\n");
        const bad = lines.filter((l) => /--.*;/.test(l));
        expect(bad, `${history}/${d.name}/migration.sql`).toEqual([]);
      }
    }
  });
});
