// How the benchmark starts Signalbox's worker: the esbuild bundle (proxy-core/dist, built by bench/run.sh)
// when present, which is what production runs without tsx's loader thread; else the TypeScript sources via tsx.
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");
export const WORKER_BUNDLE = path.join(root, "proxy-core/dist/proxy-core.mjs");

/** `entry`: another build of the worker (an A/B against an older checkout's bundle). */
export function workerCommand(configFile: string | null, nodeArgs: string[] = [], extra: string[] = [], entry = defaultEntry()): string[] {
  return [process.execPath, ...nodeArgs, entry, ...(configFile ? ["-c", configFile] : []), "--concurrency", "1", ...extra];
}

function defaultEntry(): string {
  return fs.existsSync(WORKER_BUNDLE) && process.env.BENCH_TSX !== "1" ? WORKER_BUNDLE : path.join(root, "proxy-core/bin/proxy-core.mjs");
}
