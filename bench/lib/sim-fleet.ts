// The bench's side of bench/lib/sim-workers.ts: starts the simulator as one separate process (both cores, as the
// publish bench starts its workers) and collects its reports from stdout, so the bench can wait for every node's
// ACK of a version and read when each was sent.
import path from "node:path";
import { startPinned, stop, type Proc } from "./procs";
import type { SimConfig, SimEvent, SimNode } from "./sim-workers";

const SIM = path.join(import.meta.dirname, "sim-workers.ts");

export type AckEvent = Extract<SimEvent, { ev: "ack" }>;

/** CLOCK_MONOTONIC in ms, the clock of the simulator's reports. */
export const monoMs = () => Number(process.hrtime.bigint()) / 1e6;

export class SimFleet {
  readonly proc: Proc;
  /** every node's ACKs by version id */
  readonly #acks = new Map<string, Map<string, AckEvent>>();
  /** closes and errors since start: a healthy run has none */
  readonly trouble: SimEvent[] = [];
  readonly opened = new Set<string>();
  #buf = "";
  #waiters = new Set<() => void>();

  constructor(readonly nodes: SimNode[], token: string) {
    const config: SimConfig = { token, nodes };
    this.proc = startPinned("sim-workers", "0,1", process.execPath, ["--import", "tsx", SIM], { NODE_ENV: "production", SIM_WORKERS: JSON.stringify(config) });
    this.proc.child.stdout!.on("data", (d: Buffer) => this.#read(d.toString()));
  }

  #read(chunk: string) {
    this.#buf += chunk;
    let nl: number;
    while ((nl = this.#buf.indexOf("\n")) >= 0) {
      const line = this.#buf.slice(0, nl);
      this.#buf = this.#buf.slice(nl + 1);
      if (!line.startsWith("{")) continue;
      const e = JSON.parse(line) as SimEvent;
      if (e.ev === "ack") {
        let m = this.#acks.get(e.version);
        if (!m) this.#acks.set(e.version, (m = new Map()));
        if (!m.has(e.node)) m.set(e.node, e);
      } else if (e.ev === "open") this.opened.add(e.node);
      else this.trouble.push(e);
    }
    for (const w of this.#waiters) w();
  }

  /** Every node's first ACK of `version`, or null while some node has not sent one. */
  acksOf(version: string): AckEvent[] | null {
    const m = this.#acks.get(version);
    return m && m.size === this.nodes.length ? [...m.values()] : null;
  }

  /** Waits until every node has ACKed `version`; throws after `timeoutMs` or when the simulator exits. */
  async allAcked(version: string, timeoutMs = 60_000): Promise<AckEvent[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const acks = this.acksOf(version);
      if (acks) return acks;
      if (this.proc.child.exitCode !== null) throw new Error(`the simulated workers exited:\n${this.proc.log.join("")}`);
      const left = deadline - Date.now();
      if (left <= 0) {
        const got = this.#acks.get(version)?.size ?? 0;
        throw new Error(`${got}/${this.nodes.length} simulated workers ACKed ${version} in ${timeoutMs} ms; trouble: ${JSON.stringify(this.trouble.slice(-5))}`);
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(t);
          this.#waiters.delete(done);
          resolve();
        };
        const t = setTimeout(done, Math.min(left, 1000));
        this.#waiters.add(done);
      });
    }
  }

  /** Forgets the ACKs of versions already measured (10,000-route runs keep many). */
  forget(version: string) {
    this.#acks.delete(version);
  }

  async close() {
    await stop(this.proc);
  }
}
