// Process helpers for the benchmark: start pinned to a core, wait for a port, read CPU time and peak RSS
// from /proc, stop by PID (never by name).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";

export interface Proc {
  name: string;
  child: ChildProcess;
  pid: number;
  log: string[];
}

const live = new Set<Proc>();

export function startPinned(name: string, core: number | string, cmd: string, args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn("taskset", ["-c", String(core), cmd, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const proc: Proc = { name, child, pid: child.pid!, log: [] };
  const keep = (d: Buffer) => {
    proc.log.push(d.toString());
    if (proc.log.length > 200) proc.log.shift();
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  live.add(proc);
  child.on("exit", () => live.delete(proc));
  return proc;
}

export async function waitForPort(port: number, timeoutMs = 15_000, proc?: Proc): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc && proc.child.exitCode !== null) throw new Error(`${proc.name} exited early:\n${proc.log.join("")}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => { s.destroy(); resolve(true); });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`port ${port} did not open within ${timeoutMs} ms${proc ? `:\n${proc.log.join("")}` : ""}`);
}

export async function stop(proc: Proc): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.child.once("exit", () => resolve()));
  proc.child.kill("SIGTERM");
  const timer = setTimeout(() => proc.child.kill("SIGKILL"), 3000);
  await exited;
  clearTimeout(timer);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...live].map(stop));
}

/** The real worker behind `taskset` is a child of it (exec'd), so the PID is the same process. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
    return ticks / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

/** Peak resident set size in MB (VmHWM). */
export function peakRssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Current RSS in MB (VmRSS). */
export function rssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * Samples the summed RSS of `pids` every `everyMs` until stopped; returns the largest sample in MB. Unlike VmHWM
 * this leaves out start-up and the first burst of JIT compilation (~30 MB for ~300 ms in every Node process
 * here, node-minimal included): it is the memory the process holds while serving.
 */
export function sampleRss(pids: number[], everyMs = 200): { stop(): number } {
  let max = 0;
  const take = () => (max = Math.max(max, pids.reduce((s, p) => s + (rssMb(p) || 0), 0)));
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return max;
    },
  };
}

/** All PIDs in the process tree rooted at pid (nginx master + worker, for example). */
export function treePids(pid: number): number[] {
  const out = [pid];
  try {
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
    if (children) for (const c of children.split(/\s+/)) out.push(...treePids(Number(c)));
  } catch {
    /* process gone */
  }
  return out;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    void stopAll().finally(() => process.exit(130));
  });
}
