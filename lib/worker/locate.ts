// Finds the bundled worker a previous console left running on this data directory, so that a console started
// again adopts it instead of starting a second worker (which could not bind the admin port and would
// crash-loop while the first one keeps the listeners).
//
// A process is only adopted or stopped when it is provably ours: the pid file names it, its command line (from
// /proc) is the recorded one, it started when the record says (a reused pid did not), and its admin interface
// answers as our node. Anything else in the pid file is stale: replaced, and the process it names left alone.
// Without a usable pid file, a process running exactly the command line this console would run is ours too.
import fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { probeServerInfo, type ServerInfo } from "./admin-probe";
import { readWorkerRecord, type WorkerRecord } from "./pid-file";
import { commandLineOf, findProcesses, hasProcFs, isAlive, parentPidOf, processStartTicks } from "./processes";

/** What this console would start: the command line and the token it hands over. */
export interface DesiredWorker {
  nodeId: string;
  adminAddress: string;
  /** the node binary, the proxy-core script and its flags */
  commandLine: string[];
  tokenFingerprint: string;
}

export type Located =
  | { action: "adopt"; record: WorkerRecord; via: "pid file" | "process list" }
  /** ours, but wedged (its admin does not answer) or started with other settings: stop it by PID, start a new one */
  | { action: "replace"; pid: number; reason: string; wedged: boolean }
  /** nothing to adopt; `reason` says why a pid file was not used */
  | { action: "spawn"; reason: string | null };

/** How long a live worker's admin may stay silent before it counts as wedged (it may still be booting). */
export const ADMIN_PATIENCE_MS = 5000;

const sameArgs = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
/** The script and its flags: the node binary's path may differ after an upgrade and still be the same worker. */
const scriptAndFlags = (commandLine: readonly string[]) => commandLine.slice(1);

async function answeringAdmin(adminAddress: string, nodeId: string, patienceMs: number): Promise<ServerInfo | null> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    const info = await probeServerInfo(adminAddress, Math.min(1000, Math.max(100, deadline - Date.now())));
    if (info?.nodeId === nodeId) return info;
    if (Date.now() >= deadline) return null;
    await sleep(250);
  }
}

/** true: the recorded process itself; false: gone or another process; null: cannot tell (no /proc). */
function isRecordedProcess(r: WorkerRecord): boolean | null {
  if (!hasProcFs()) return null;
  const argv = commandLineOf(r.pid);
  if (!argv || !sameArgs(scriptAndFlags(argv), scriptAndFlags(r.commandLine))) return false;
  const start = processStartTicks(r.pid);
  return r.procStart === null || start === null || start === r.procStart;
}

function settingsChange(r: WorkerRecord, want: DesiredWorker): string | null {
  if (r.tokenFingerprint !== want.tokenFingerprint) return "the worker token changed";
  if (!sameArgs(scriptAndFlags(r.commandLine), scriptAndFlags(want.commandLine)))
    return `its flags differ (running: ${scriptAndFlags(r.commandLine).slice(1).join(" ")}; wanted: ${scriptAndFlags(want.commandLine).slice(1).join(" ")})`;
  return null;
}

async function fromPidFile(r: WorkerRecord, want: DesiredWorker, patienceMs: number): Promise<Located | { stale: string }> {
  if (!isAlive(r.pid)) return { stale: `pid ${r.pid} is gone` };
  const recorded = isRecordedProcess(r);
  if (recorded === false) return { stale: `pid ${r.pid} is not the worker recorded there any more (left alone)` };
  if (recorded === null) {
    // without /proc only the admin interface can vouch for the process, and it cannot prove the pid: adopt a
    // verified one, never stop one
    const info = await answeringAdmin(r.adminAddress, r.nodeId, patienceMs);
    if (!info || !sameArgs(info.argv, scriptAndFlags(r.commandLine).slice(1))) return { stale: `cannot verify pid ${r.pid} (left alone)` };
    return settingsChange(r, want) ? { stale: `pid ${r.pid} runs with other settings and cannot be verified (left alone)` } : { action: "adopt", record: r, via: "pid file" };
  }
  const change = settingsChange(r, want);
  if (change) return { action: "replace", pid: r.pid, reason: `pid ${r.pid} was started with other settings: ${change}`, wedged: false };
  if (!(await answeringAdmin(r.adminAddress, r.nodeId, patienceMs)))
    return { action: "replace", pid: r.pid, reason: `pid ${r.pid} is ours but its admin ${r.adminAddress} did not answer for ${patienceMs / 1000} s`, wedged: true };
  return { action: "adopt", record: r, via: "pid file" };
}

/** Process start time as a date: boot time (/proc/stat btime) plus the start ticks (USER_HZ is 100 on Linux). */
function startedAtOf(pid: number): string {
  try {
    const btime = Number(/^btime (\d+)$/m.exec(fs.readFileSync("/proc/stat", "utf8"))?.[1]);
    const ticks = processStartTicks(pid);
    if (Number.isFinite(btime) && ticks !== null) return new Date(btime * 1000 + ticks * 10).toISOString();
  } catch {
    /* unknown */
  }
  return new Date().toISOString();
}

/**
 * A worker running our exact command line without a usable pid file (started by a console that wrote none, or
 * the file was deleted): found in the process list, adopted if its admin answers, replaced if it does not.
 */
async function fromProcessList(want: DesiredWorker, patienceMs: number): Promise<Located | null> {
  const matches = findProcesses((argv) => sameArgs(scriptAndFlags(argv), scriptAndFlags(want.commandLine)));
  // with --concurrency N the primary's node:cluster workers run the same command line: the primary is the one
  // whose parent is not among them
  const pids = matches.filter((p) => !matches.includes(parentPidOf(p) ?? -1));
  if (pids.length !== 1) return null;
  const pid = pids[0];
  if (!(await answeringAdmin(want.adminAddress, want.nodeId, patienceMs)))
    return { action: "replace", pid, reason: `pid ${pid} runs our worker's command line but its admin ${want.adminAddress} did not answer for ${patienceMs / 1000} s`, wedged: true };
  const record: WorkerRecord = {
    pid,
    nodeId: want.nodeId,
    adminAddress: want.adminAddress,
    startedAt: startedAtOf(pid),
    procStart: processStartTicks(pid),
    commandLine: commandLineOf(pid) ?? want.commandLine,
    // unknowable from outside; a worker holding another token stays disconnected on the Nodes page
    tokenFingerprint: want.tokenFingerprint,
  };
  return { action: "adopt", record, via: "process list" };
}

export async function locateWorker(pidFile: string, want: DesiredWorker, patienceMs = ADMIN_PATIENCE_MS): Promise<Located> {
  const read = readWorkerRecord(pidFile);
  let reason: string | null = null;
  if (read && "unreadable" in read) reason = `${pidFile} is unreadable (${read.unreadable})`;
  else if (read) {
    const found = await fromPidFile(read, want, patienceMs);
    if ("action" in found) return found;
    reason = `${pidFile} is stale: ${found.stale}`;
  }
  return (await fromProcessList(want, patienceMs)) ?? { action: "spawn", reason };
}

/** The worker a pid file names, if it still runs (for a console that starts none, to say that one is left). */
export function runningRecordedWorker(pidFile: string): WorkerRecord | null {
  const r = readWorkerRecord(pidFile);
  if (!r || "unreadable" in r || !isAlive(r.pid)) return null;
  return isRecordedProcess(r) === false ? null : r;
}
