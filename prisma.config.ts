import { defineConfig } from "prisma/config";

// Used only by `prisma generate`; migrations run through lib/migrate.ts (no native schema engine offline).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "file:./data/signalbox.db" },
});
