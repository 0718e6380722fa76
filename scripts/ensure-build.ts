// Builds the console (next build) only when needed: .next/BUILD_ID missing or older than any source file.
// usage: tsx scripts/ensure-build.ts [--force]
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";

const root = process.cwd();
const SOURCES = ["app", "components", "lib", "proxy-core/src", "prisma", "next.config.ts", "package.json"];
const SKIP_DIRS = new Set(["node_modules", ".next", "migrations"]);
const SKIP_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;

function newestMtime(p: string): { mtime: number; file: string | null } {
  let best = { mtime: 0, file: null as string | null };
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return best;
  }
  if (st.isFile()) return SKIP_FILE.test(p) ? best : { mtime: st.mtimeMs, file: p };
  if (!st.isDirectory()) return best;
  for (const e of fs.readdirSync(p, { withFileTypes: true })) {
    if (e.isDirectory() && SKIP_DIRS.has(e.name)) continue;
    const r = newestMtime(path.join(p, e.name));
    if (r.mtime > best.mtime) best = r;
  }
  return best;
}

export function buildReason(force = false): string | null {
  if (force) return "--force";
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!fs.existsSync(buildId)) return "no build yet (.next/BUILD_ID missing)";
  const built = fs.statSync(buildId).mtimeMs;
  let newest = { mtime: 0, file: null as string | null };
  for (const s of SOURCES) {
    const r = newestMtime(path.join(root, s));
    if (r.mtime > newest.mtime) newest = r;
  }
  return newest.mtime > built ? `${path.relative(root, newest.file ?? "?")} changed since the last build` : null;
}

const reason = buildReason(process.argv.includes("--force"));
if (!reason) {
  console.log("[build] .next is up to date");
} else {
  console.log(`[build] next build: ${reason}`);
  const r = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  if (r.status !== 0) {
    console.error(`[build] next build failed (${r.signal ?? `exit ${r.status}`})`);
    process.exit(r.status ?? 1);
  }
}
