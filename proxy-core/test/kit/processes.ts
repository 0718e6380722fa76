// Processes a test started, or whose pid it read from a pid file: is it alive, and stopping a whole group by
// PID. Never by name: two engineers' test runs share the machine.
import fs from "node:fs";

/** Whether `pid` is a running process: it exists (signal 0; EPERM is another user's, still alive) and is no zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    // a zombie has exited already: field 3 of /proc/<pid>/stat, after the parenthesised command name
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}

/** SIGKILL to the process group led by `pid` (a child spawned with `detached: true`); a group that is gone is fine. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    /* the group is gone */
  }
}
