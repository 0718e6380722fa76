// <data dir>/worker.pid names the bundled worker process, so that the next console started on the same data
// directory finds it and adopts it instead of starting a second one. JSON, written atomically (temp + rename).
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export interface WorkerRecord {
  pid: number;
  nodeId: string;
  adminAddress: string;
  /** ISO 8601 */
  startedAt: string;
  /** /proc start time of `pid` in clock ticks after boot, to tell a reused pid apart; null without /proc */
  procStart: number | null;
  /** the node binary, the proxy-core script and its flags (the token travels in the environment, not here) */
  commandLine: string[];
  /** first 16 hex digits of the token's SHA-256: an adopted worker must present the token this console checks */
  tokenFingerprint: string;
}

export const pidFilePath = (dataDir: string) => path.join(dataDir, "worker.pid");

export function tokenFingerprint(token: string): string {
  return createHash("sha256").update(token).digest("hex").slice(0, 16);
}

/** The record, null when there is no pid file, or a reason when it cannot be read. */
export function readWorkerRecord(file: string): WorkerRecord | null | { unreadable: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? null : { unreadable: (e as Error).message };
  }
  try {
    const r = JSON.parse(text) as Partial<WorkerRecord>;
    const ok =
      Number.isInteger(r.pid) && (r.pid as number) > 1 &&
      typeof r.nodeId === "string" && typeof r.adminAddress === "string" && typeof r.startedAt === "string" &&
      (r.procStart === null || typeof r.procStart === "number") &&
      Array.isArray(r.commandLine) && r.commandLine.every((a) => typeof a === "string") &&
      typeof r.tokenFingerprint === "string";
    return ok ? (r as WorkerRecord) : { unreadable: "not a worker record" };
  } catch (e) {
    return { unreadable: `not JSON (${(e as Error).message})` };
  }
}

export function writeWorkerRecord(file: string, record: WorkerRecord): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(record, null, 2) + "\n", { mode: 0o644 });
  fs.renameSync(tmp, file);
}

/** Removes the pid file if it still names `pid` (a newer record is left alone). */
export function removeWorkerRecord(file: string, pid: number): void {
  const r = readWorkerRecord(file);
  if (r && "pid" in r && r.pid !== pid) return;
  fs.rmSync(file, { force: true });
}
