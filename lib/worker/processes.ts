// Other processes by PID: alive or not, their command line and start time, and stopping one that is not our
// child (an adopted worker has no 'exit' event for us), SIGTERM then SIGKILL. /proc is Linux's; where it is
// missing the answers that need it are null and the callers decide without them.
import fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

export const hasProcFs = (): boolean => fs.existsSync("/proc/self/stat");

/** The fields of /proc/<pid>/stat after the command name, which may hold spaces and parentheses: [0] is field 3. */
function statFields(pid: number): string[] | null {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return s.slice(s.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** True while `pid` exists and has not exited (a zombie waiting for its parent counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to someone else
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  return statFields(pid)?.[0] !== "Z";
}

/** When the process started, in clock ticks after boot (field 22): a reused pid has another one. */
export function processStartTicks(pid: number): number | null {
  const v = Number(statFields(pid)?.[19]);
  return Number.isFinite(v) ? v : null;
}

/** The parent's pid (field 4), or null. */
export function parentPidOf(pid: number): number | null {
  const v = Number(statFields(pid)?.[1]);
  return Number.isFinite(v) ? v : null;
}

/** The process's argv as the kernel shows it, or null (gone, or no /proc). */
export function commandLineOf(pid: number): string[] | null {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return raw ? raw.replace(/\0$/, "").split("\0") : null;
  } catch {
    return null;
  }
}

/** Every live process whose argv satisfies `match` (an empty list without /proc). */
export function findProcesses(match: (argv: string[]) => boolean): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc");
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const argv = commandLineOf(Number(e));
    if (argv && match(argv)) out.push(Number(e));
  }
  return out;
}

/** Resolves true once `pid` is gone, false after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number, everyMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(everyMs);
  }
  return true;
}

function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM by PID, SIGKILL if still there after `graceMs`; resolves once the process is gone (or SIGKILL did not help). */
export async function terminate(pid: number, graceMs = 6000): Promise<"gone" | "terminated" | "killed" | "survived"> {
  if (!isAlive(pid) || !signal(pid, "SIGTERM")) return "gone";
  if (await waitForExit(pid, graceMs)) return "terminated";
  signal(pid, "SIGKILL");
  return (await waitForExit(pid, 3000)) ? "killed" : "survived";
}
