// Rollups: each node's per-second frames add up into the 10 s and the 60 s bucket they fall in, and so do the
// whole fleet's (node "*"), so the 1h window reads 360 rows and the 24h window 1,440 whatever the fleet's size.
// A bucket is closed once its time is over and written with every other closed bucket in one batch (one
// INSERT every few seconds, never a write per report). Stopping writes the open buckets too, so a restart
// loses nothing that was reported.
//
// Console replicas sharing a database each roll up only what their own workers sent (frames another replica
// relayed, frame-exchange.ts, stay in memory): a bucket then has a row per replica for the fleet, and for a node
// that moved between replicas inside it, and reads add them up (addRows).
import { emptyFrame, mergeInto, type Frame } from "./frame";
import type { RollupRow } from "../repos/rollup-repo";

export const ROLLUP_STEPS = [10_000, 60_000] as const;
/** the node name of fleet rows */
export const FLEET = "*";
/** closed buckets wait at most this long for their batch */
const FLUSH_EVERY_MS = 5_000;
/** rows kept for a retry while SQLite refuses writes; beyond that the oldest are dropped */
const MAX_PENDING = 50_000;

export interface RollupStore {
  insert(rows: RollupRow[]): Promise<void>;
}

interface Open {
  step: number;
  node: string;
  t: number;
  frame: Frame;
  /** fleet buckets: each node's last open connections (the fleet's is their sum, not the last report's) */
  connections?: Map<string, number>;
}

export class Rollups {
  readonly #open = new Map<string, Open>();
  #pending: RollupRow[] = [];
  #writing: RollupRow[] = [];
  #flushing: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  /** rows dropped because SQLite kept failing */
  dropped = 0;

  constructor(
    private readonly store: RollupStore,
    private readonly opts: { now?: () => number; log?: (m: string) => void; flushEveryMs?: number; replica?: string } = {},
  ) {}

  #now() {
    return this.opts.now?.() ?? Date.now();
  }

  start() {
    this.#timer = setInterval(() => void this.flush(), this.opts.flushEveryMs ?? FLUSH_EVERY_MS);
    this.#timer.unref();
  }

  /** Adds a node's frame of second `sec` to its buckets and the fleet's (closing those the time moved past). */
  add(node: string, sec: number, frame: Frame) {
    for (const step of ROLLUP_STEPS) {
      const x = this.#addTo(step, node, sec, frame).frame.x;
      const fleet = this.#addTo(step, FLEET, sec, frame);
      if (x !== undefined) (fleet.connections ??= new Map()).set(node, x);
    }
  }

  #addTo(step: number, node: string, sec: number, frame: Frame): Open {
    const key = `${step}|${node}`;
    const t = Math.floor((sec * 1000) / step) * step;
    let open = this.#open.get(key);
    let x: number | undefined;
    if (open !== undefined && open.t !== t) {
      this.#close(key, open);
      // a node's connections are a gauge: they stay what they were until a report says otherwise
      if (node !== FLEET) x = open.frame.x;
      open = undefined;
    }
    if (open === undefined) this.#open.set(key, (open = { step, node, t, frame: x === undefined ? emptyFrame() : { ...emptyFrame(), x } }));
    mergeInto(open.frame, frame);
    return open;
  }

  #close(key: string, open: Open) {
    this.#open.delete(key);
    if (open.connections) {
      let x = 0;
      for (const v of open.connections.values()) x += v;
      open.frame.x = x;
    }
    if (open.node === FLEET && this.opts.replica !== undefined) open.frame.rp = this.opts.replica;
    this.#pending.push({ step: open.step, node: open.node, t: open.t, data: JSON.stringify(open.frame) });
    if (this.#pending.length > MAX_PENDING) {
      const over = this.#pending.length - MAX_PENDING;
      this.#pending.splice(0, over);
      this.dropped += over;
    }
  }

  /**
   * The start of the oldest bucket of `step` not in SQLite yet (open, waiting, or being written): reads take
   * SQLite rows before it and the in-memory window from it on. Infinity when everything is written.
   */
  unpersistedSince(step: number): number {
    let min = Infinity;
    for (const o of this.#open.values()) if (o.step === step) min = Math.min(min, o.t);
    for (const r of this.#pending) if (r.step === step) min = Math.min(min, r.t);
    for (const r of this.#writing) if (r.step === step) min = Math.min(min, r.t);
    return min;
  }

  /** Writes the closed buckets (and, with `all`, the open ones: at shutdown) in one batch. */
  async flush(all = false): Promise<void> {
    const now = this.#now();
    for (const [key, open] of [...this.#open]) if (all || open.t + open.step <= now) this.#close(key, open);
    while (this.#flushing) await this.#flushing;
    if (!this.#pending.length) return;
    const rows = (this.#writing = this.#pending);
    this.#pending = [];
    this.#flushing = this.store
      .insert(rows)
      .catch((e) => {
        this.opts.log?.(`writing ${rows.length} rollup rows failed, retrying with the next batch: ${(e as Error).message}`);
        this.#pending = rows.concat(this.#pending);
      })
      .finally(() => {
        this.#writing = [];
        this.#flushing = null;
      });
    await this.#flushing;
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.flush(true);
  }
}

/**
 * The rows of one bucket of one node (or of the fleet) as one frame: counts and latency add up. Connections are a
 * gauge: a node's are its last row's (the console restarted, or the node moved to another replica, inside the
 * bucket), the fleet's add up over the replicas that wrote a row (`rp`), each counted once.
 */
export function addRows(node: string, frames: Frame[]): Frame {
  if (frames.length === 1) return frames[0];
  const out = emptyFrame();
  const x = new Map<string, number>();
  for (const f of frames) {
    mergeInto(out, f);
    if (f.x !== undefined) x.set(node === FLEET ? (f.rp ?? "") : "", f.x);
  }
  delete out.x;
  if (x.size) out.x = [...x.values()].reduce((a, b) => a + b, 0);
  return out;
}
