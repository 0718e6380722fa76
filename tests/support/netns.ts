// Network namespaces as separate hosts for a test: each one a private network stack (its own loopback, its own
// ports) joined to the host by a veth pair, `10.77.<n>.2/24` inside and `10.77.<n>.1/24` on the host side, with
// a default route through the host side, so a process inside (started with `ip netns exec`) reaches anything the
// host listens on at every host address and the host reaches it at its inside address. Linux only, as root, with
// iproute2's `ip` (ip-netns(8)); netnsUnavailable() says why not, for a skip.
//
// Names carry the test's pid (`sbx-<pid>-<i>` namespaces, `sbh<pid>x<i>` / `sbn<pid>x<i>` veth ends: interface
// names are at most 15 bytes, IFNAMSIZ), so two runs never share one; the subnets are /24s no host interface or
// route uses yet. destroy() deletes everything made (killing what still runs inside: only this run starts
// processes in its namespaces), and a half-made set is deleted before the error is thrown;
// what a run killed before its cleanup left behind (its pid is gone) is deleted by the next run's create.
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { isAlive } from "../../proxy-core/test/kit/processes";

const NS_RE = /^sbx-(\d+)-\d+$/;
const LINK_RE = /^sbh(\d+)x\d+$/;

function ip(args: string[]): string {
  return execFileSync("ip", args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
}

/** `ip …`, failures ignored: for deleting what may already be gone. */
function ipQuiet(args: string[]): void {
  try {
    ip(args);
  } catch {
    /* already gone */
  }
}

/** The pids of the processes in namespace `name` (ip netns pids). */
function pidsIn(name: string): number[] {
  try {
    return ip(["netns", "pids", name]).split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function killQuiet(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    /* gone */
  }
}

let probed: string | null | undefined;

/** Why namespaces cannot be made here (a test skips with it), or null when they can. Probes once per process. */
export function netnsUnavailable(): string | null {
  if (probed !== undefined) return probed;
  if (process.platform !== "linux") return (probed = `network namespaces are Linux only (this is ${process.platform})`);
  if (process.getuid?.() !== 0) return (probed = "making network namespaces needs root (ip netns add)");
  try {
    ip(["-V"]);
  } catch {
    return (probed = "no `ip` command (Debian package iproute2)");
  }
  const probe = `sbx-${process.pid}-probe`;
  try {
    ip(["netns", "add", probe]);
  } catch (e) {
    return (probed = `\`ip netns add\` fails here: ${((e as { stderr?: string }).stderr ?? (e as Error).message).trim()}`);
  } finally {
    ipQuiet(["netns", "delete", probe]);
  }
  return (probed = null);
}

export interface Namespace {
  /** the namespace's name (ip netns list) */
  name: string;
  /** its address, on the inside end of its veth pair: what the host connects to */
  address: string;
  /** the host's end of the pair: the address a process inside reaches the host by */
  hostAddress: string;
  /** `cmd args` run inside the namespace (ip netns exec execs it: the child's pid is the command's own) */
  spawn(cmd: string, args: string[], opts?: SpawnOptions): ChildProcess;
  /** `cmd args` run inside to completion; its stdout */
  run(cmd: string, args: string[]): string;
}

export interface NamespaceSet {
  list: Namespace[];
  /** Deletes every veth pair and namespace of the set; processes still inside should be stopped first. Idempotent. */
  destroy(): void;
}

/** /24s (third octets of 10.77.x.0) some host interface or route already uses. */
function usedSubnets(): Set<number> {
  const used = new Set<number>();
  for (const m of (ip(["-4", "-o", "addr", "show"]) + ip(["-4", "route", "show", "table", "all"])).matchAll(/\b10\.77\.(\d+)\./g)) used.add(Number(m[1]));
  return used;
}

/** Deletes the namespaces and veth pairs of runs whose pid is gone (a crashed or killed test run). */
function sweepLeftovers(): void {
  for (const line of ip(["netns", "list"]).split("\n")) {
    const name = line.split(" ")[0];
    const m = NS_RE.exec(name);
    if (m && !isAlive(Number(m[1]))) ipQuiet(["netns", "delete", name]);
  }
  for (const m of ip(["-o", "link", "show"]).matchAll(/^\d+:\s+(sbh\d+x\d+)@/gm)) {
    const pid = LINK_RE.exec(m[1]);
    if (pid && !isAlive(Number(pid[1]))) ipQuiet(["link", "delete", m[1]]);
  }
}

const made = new Set<NamespaceSet>();
let exitHook = false;

/**
 * `count` namespaces, each a separate host on its own /24 (see the file comment). Throws netnsUnavailable()'s
 * reason when namespaces cannot be made; whatever was made before a failure is deleted first.
 */
export function createNamespaces(count: number): NamespaceSet {
  const why = netnsUnavailable();
  if (why) throw new Error(why);
  sweepLeftovers();
  const used = usedSubnets();
  const octets: number[] = [];
  for (let o = 1; o < 255 && octets.length < count; o++) if (!used.has(o)) octets.push(o);
  if (octets.length < count) throw new Error(`no ${count} free /24s left in 10.77.0.0/16`);

  const list: Namespace[] = [];
  const links: string[] = [];
  const names: string[] = [];
  const set: NamespaceSet = {
    list,
    destroy() {
      // a process left inside (a test that failed before stopping it) was started by this run: killed by pid, since
      // a namespace whose name is deleted lives on, unreachable, as long as something runs in it
      for (const n of names) for (const pid of pidsIn(n)) killQuiet(pid);
      // deleting one end of a veth pair deletes both, at once
      for (const l of links.splice(0)) ipQuiet(["link", "delete", l]);
      for (const n of names.splice(0)) ipQuiet(["netns", "delete", n]);
      made.delete(set);
    },
  };
  made.add(set);
  if (!exitHook) {
    // a run that ends without its afterAll (an uncaught error, process.exit) still removes what it made
    exitHook = true;
    process.once("exit", () => {
      for (const s of [...made]) s.destroy();
    });
  }
  try {
    for (const [i, o] of octets.entries()) {
      const name = `sbx-${process.pid}-${i + 1}`;
      const hostEnd = `sbh${process.pid}x${i + 1}`;
      const nsEnd = `sbn${process.pid}x${i + 1}`;
      const [address, hostAddress] = [`10.77.${o}.2`, `10.77.${o}.1`];
      ip(["netns", "add", name]);
      names.push(name);
      ip(["link", "add", hostEnd, "type", "veth", "peer", "name", nsEnd]);
      links.push(hostEnd);
      ip(["link", "set", nsEnd, "netns", name]);
      ip(["addr", "add", `${hostAddress}/24`, "dev", hostEnd]);
      ip(["link", "set", hostEnd, "up"]);
      const inside = (args: string[]) => ip(["netns", "exec", name, "ip", ...args]);
      inside(["link", "set", "lo", "up"]);
      inside(["addr", "add", `${address}/24`, "dev", nsEnd]);
      inside(["link", "set", nsEnd, "up"]);
      // every host address (not only this pair's end) is reachable from inside: the host delivers to each of its own
      inside(["route", "add", "default", "via", hostAddress]);
      list.push({
        name,
        address,
        hostAddress,
        spawn: (cmd, args, opts = {}) => spawn("ip", ["netns", "exec", name, cmd, ...args], opts),
        run: (cmd, args) => execFileSync("ip", ["netns", "exec", name, cmd, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }),
      });
    }
  } catch (e) {
    set.destroy();
    throw new Error(`making network namespaces: ${((e as { stderr?: string }).stderr ?? (e as Error).message).trim()}`);
  }
  return set;
}
