// Ports for tests that must name a port before the process that binds it is running (a console, its worker's
// starter listener and admin, a CLI worker's listener): the console and worker tests, proxy-core's CLI tests,
// the e2e fixtures and the benches all take them from here.
//
// A port picked by listen(0) and closed again comes from the kernel's ephemeral range, the range every listen(0)
// and every outgoing connect() also draws from: between the pick and the bind (a console takes seconds to start
// its worker) a test running beside this one can take it, and the worker's bind then fails with EADDRINUSE.
// gVisor's netstack makes that likely: it draws bind(0) and connect() ports at random from one range (16000-65535,
// pkg/tcpip/ports/ports.go), where Linux keeps the two apart by parity. So these ports come from OUTSIDE the
// ephemeral range (/proc/sys/net/ipv4/ip_local_port_range), which nothing picks by itself: each vitest worker
// (VITEST_POOL_ID) counts up through a slice of its own, and a lock file per port under the temp dir, holding the
// owner's pid, keeps two test runs on one machine (two engineers, or a bench) from handing out the same one.
// Nothing here checks a port again once handed out: a port is never handed out twice while its owner lives.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { isAlive } from "./processes";

export const PORT_LOCK_DIR = path.join(os.tmpdir(), "signalbox-test-ports");
/** how many vitest workers get a slice of their own (more share slices, and the lock files keep them apart) */
const SLICES = 8;
/** what a range smaller than this is not worth slicing: then listen(0) it is, as before */
const MIN_RANGE = SLICES * 64;
/** the lowest port handed out: below it live the well-known ports of tools a developer may run (3000, 8080, 9901…) */
const FLOOR = 10_001;

export interface PortRange {
  first: number;
  last: number;
}

/** The kernel's ephemeral range: what listen(0) and connect() pick from. */
export function ephemeralRange(): PortRange {
  try {
    const [first, last] = fs.readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    if (Number.isInteger(first) && Number.isInteger(last) && first > 0 && last >= first) return { first, last };
  } catch {
    /* not Linux: the Linux default */
  }
  return { first: 32768, last: 60999 };
}

/** The range tests take named ports from: the larger space beside the ephemeral range, at most 12,000 ports; null when there is too little. */
export function testPortRange(ephemeral = ephemeralRange()): PortRange | null {
  const below = { first: Math.max(FLOOR, ephemeral.first - 12_000), last: ephemeral.first - 1 };
  const above = { first: ephemeral.last + 1, last: Math.min(65_535, ephemeral.last + 12_000) };
  const size = (r: PortRange) => r.last - r.first + 1;
  const best = size(below) >= size(above) ? below : above;
  return size(best) >= MIN_RANGE ? best : null;
}

/** This process's slice of the range: one per vitest worker, so two test files running at once count apart. */
function sliceOf(range: PortRange): PortRange {
  const poolId = Number(process.env.VITEST_POOL_ID ?? "1");
  const i = ((Number.isInteger(poolId) && poolId > 0 ? poolId : 1) - 1) % SLICES;
  const size = Math.floor((range.last - range.first + 1) / SLICES);
  return { first: range.first + i * size, last: range.first + (i + 1) * size - 1 };
}

let state: { range: PortRange; slice: PortRange; next: number } | null | undefined;
const held = new Set<number>();

function init() {
  if (state !== undefined) return state;
  const range = testPortRange();
  if (!range) return (state = null);
  const slice = sliceOf(range);
  // a random start: the file that ran before this one on the same vitest worker may have left a process starting
  state = { range, slice, next: slice.first + Math.floor(Math.random() * (slice.last - slice.first + 1)) };
  fs.mkdirSync(PORT_LOCK_DIR, { recursive: true });
  // vitest may end a worker without an 'exit' event: a lock whose pid is gone is taken over (lock())
  process.once("exit", () => {
    for (const p of held) fs.rmSync(lockPath(p), { force: true });
  });
  return state;
}

const lockPath = (port: number) => path.join(PORT_LOCK_DIR, String(port));

/** Takes the lock file of `port` for this process: false when a living process holds it. */
function lock(port: number): boolean {
  const file = lockPath(port);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, "wx", 0o644);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      held.add(port);
      return true;
    } catch (e) {
      // a lock dir we may not write (another user's): the slices alone keep this run's files apart
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") {
        held.add(port);
        return true;
      }
    }
    let owner = NaN;
    try {
      owner = Number(fs.readFileSync(file, "utf8"));
    } catch {
      /* removed meanwhile: try again */
    }
    // a lock still being written reads empty: its owner is alive
    if (!Number.isInteger(owner) || owner <= 0 || isAlive(owner)) return false;
    fs.rmSync(file, { force: true });
  }
  return false;
}

/** Whether 127.0.0.1:`port` can be bound now (as the servers that will bind it do, with SO_REUSEADDR). */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

function listenZero(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * A loopback port for a process started next to bind: outside the ephemeral range, locked for this process, and
 * free right now. Falls back to listen(0) where there is no room beside the ephemeral range.
 */
export async function freePort(): Promise<number> {
  const s = init();
  if (!s) return listenZero();
  // the slice first, then the rest of the range (another worker's slice: the lock files keep us apart)
  for (const r of [s.slice, s.range]) {
    const size = r.last - r.first + 1;
    for (let i = 0; i < size; i++) {
      const port = r === s.slice ? s.next : r.first + ((s.next - r.first + i) % size);
      if (r === s.slice) s.next = port >= r.last ? r.first : port + 1;
      if (held.has(port) || !lock(port)) continue;
      if (await bindable(port)) return port;
      // something outside this scheme listens there (a process a test left behind): keep the lock, skip the port
    }
  }
  throw new Error(`no free port left in ${s.range.first}-${s.range.last} (locks in ${PORT_LOCK_DIR})`);
}
