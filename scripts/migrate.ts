// usage: tsx scripts/migrate.ts dev <name> | deploy | diff
// dev: apply pending migrations, then write prisma/migrations/<ts>_<name>/migration.sql for schema changes and apply it.
import { migrate } from "../lib/migrate";

const [cmd = "deploy", name] = process.argv.slice(2) as ["deploy" | "dev" | "diff", string?];
if (!["deploy", "dev", "diff"].includes(cmd)) {
  console.error("usage: tsx scripts/migrate.ts dev <name> | deploy | diff");
  process.exit(2);
}
const r = await migrate(cmd, name);
console.log("applied:", r.applied.length ? r.applied.join(", ") : "(none pending)");
