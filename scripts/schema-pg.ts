// usage: tsx scripts/schema-pg.ts [--check]
// Writes prisma/postgres/schema.prisma, the PostgreSQL copy of prisma/schema.prisma (lib/migrate.ts postgresSchema:
// provider and client output swapped, nothing else). --check exits 1 when the committed copy is not what it would write.
import fs from "node:fs";
import path from "node:path";
import { postgresSchema } from "../lib/migrate";

const root = path.resolve(import.meta.dirname, "..");
const target = path.join(root, "prisma", "postgres", "schema.prisma");
const want = postgresSchema(fs.readFileSync(path.join(root, "prisma", "schema.prisma"), "utf8"));
const have = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : null;
if (process.argv.includes("--check")) {
  if (have !== want) {
    console.error("prisma/postgres/schema.prisma is out of date: run `npm run db:schema-pg`");
    process.exit(1);
  }
} else if (have !== want) {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, want);
  console.log("wrote prisma/postgres/schema.prisma");
}
