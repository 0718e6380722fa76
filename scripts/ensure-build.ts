// Builds the console (next build) only when needed: .next/BUILD_ID missing or older than any source file.
// A build takes about a minute on 2 cores and next prints nothing for most of it, so this says what it is doing
// and how long it has taken every 10 s; next's own output is kept and shown only when the build fails (or with
// --verbose). A build that is current prints nothing.
// usage: tsx scripts/ensure-build.ts [--force] [--verbose]
import fs from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";
import { pathToFileURL } from "node:url";

const SOURCES = ["app", "components", "lib", "proxy-core/src", "prisma", "next.config.ts", "package.json"];
const SKIP_DIRS = new Set(["node_modules", ".next", "migrations"]);
const SKIP_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;
const PROGRESS_EVERY_MS = 10_000;

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

export type BuildReason = { kind: "forced" | "first" | "changed"; text: string };

/** Why `root` needs a build, or null when .next is current. */
export function buildReason(root: string, force = false): BuildReason | null {
  if (force) return { kind: "forced", text: "--force" };
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!fs.existsSync(buildId)) return { kind: "first", text: "no build yet (.next/BUILD_ID missing)" };
  const built = fs.statSync(buildId).mtimeMs;
  let newest = { mtime: 0, file: null as string | null };
  for (const s of SOURCES) {
    const r = newestMtime(path.join(root, s));
    if (r.mtime > newest.mtime) newest = r;
  }
  return newest.mtime > built ? { kind: "changed", text: `${path.relative(root, newest.file ?? "?")} changed since the last build` } : null;
}

/** The line a build starts with. */
export function startLine(reason: BuildReason): string {
  if (reason.kind === "first") return "[build] building the console (first start, about a minute on 2 cores)…";
  return `[build] building the console (${reason.text}, about a minute on 2 cores)…`;
}

export interface BuildOpts {
  root: string;
  force?: boolean;
  /** next's own output as it comes, instead of only on failure */
  verbose?: boolean;
  everyMs?: number;
  /** where progress lines go (console.log by default) */
  log?: (line: string) => void;
  /** where a failure goes: next's output and the exit (console.error by default) */
  logError?: (text: string) => void;
}

/** Runs `next build` in `root` when needed; resolves with its exit code (0 also when nothing was to build). */
export async function ensureBuild(o: BuildOpts): Promise<number> {
  const log = o.log ?? ((line: string) => console.log(line));
  const logError = o.logError ?? ((text: string) => console.error(text));
  const reason = buildReason(o.root, o.force);
  if (!reason) return 0;
  log(startLine(reason));
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 1000);
  const child = spawn(process.execPath, [path.join(o.root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: o.root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  let output = "";
  const keep = (d: Buffer) => {
    if (o.verbose) process.stdout.write(d);
    else output += d.toString();
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const timer = setInterval(() => log(`[build] still building… ${seconds()} s`), o.everyMs ?? PROGRESS_EVERY_MS);
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("error", (e) => {
      output += `${e.message}\n`;
      resolve({ code: 1, signal: null });
    });
    child.on("close", (c, s) => resolve({ code: c, signal: s }));
  });
  clearInterval(timer);
  if (code === 0) {
    log(`[build] built in ${seconds()} s`);
    return 0;
  }
  if (output) logError(output.trimEnd());
  logError(`[build] next build failed after ${seconds()} s (${signal ?? `exit ${code}`})`);
  return code ?? 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const code = await ensureBuild({ root: process.cwd(), force: process.argv.includes("--force"), verbose: process.argv.includes("--verbose") });
  if (code !== 0) process.exit(code);
}
