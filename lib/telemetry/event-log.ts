// The event feed's writer: every worker event and every publish, rollback, NACK, connect and disconnect is
// numbered here at once (so the live channel can send it in the next tick) and written to the Event table in
// batches. Reads flush first, so a query sees every event recorded before it.
//
// Numbers come from ranges reserved in the IdBlock table (lib/repos/id-block-repo.ts), so console replicas sharing
// a database never hand out the same id; the next range is reserved while a quarter of the current one is left.
// Ids of different replicas are therefore not in time order: the live channel follows this log by `seq`, the
// order in which events reached this process (its own and those other replicas recorded, see frame-exchange.ts).
import type { EventRecord } from "../repos/event-repo";

export type { EventRecord };

export interface NewEvent {
  ts: number;
  node: string;
  kind: string;
  cluster?: string | null;
  details: Record<string, unknown>;
}

export interface EventStore {
  insert(events: EventRecord[]): Promise<void>;
  /** Reserves `count` ids no other replica holds; answers the first ([first, first + count)). */
  reserve(count: number): Promise<number>;
}

const FLUSH_EVERY_MS = 1000;
const RECENT = 500;
const MAX_PENDING = 20_000;
/** ids per reservation: a busy fleet records a few events a second, so one range lasts minutes */
export const ID_BLOCK = 1000;
/** what is left of the ranges when the next one is reserved */
const LOW_WATER = ID_BLOCK / 4;
/** this process's own events kept for the other replicas until frame-exchange.ts takes them */
const MAX_SHARED = 5000;

interface Entry {
  seq: number;
  e: EventRecord;
}

export class EventLog {
  /** reserved id ranges, [next, end) each, oldest first */
  readonly #ranges: { next: number; end: number }[] = [];
  #refilling: Promise<void> | null = null;
  /** events recorded while no id was left, numbered as soon as the next range arrives (in order) */
  #waiting: NewEvent[] = [];
  #pending: EventRecord[] = [];
  #recent: Entry[] = [];
  readonly #recentIds = new Set<number>();
  #seq = 0;
  #shared: EventRecord[] = [];
  #flushing: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  dropped = 0;

  constructor(
    private readonly store: EventStore,
    private readonly log: (m: string) => void = () => {},
  ) {}

  /** Reserves the first range (a failure here fails the start: the console cannot number events). */
  async start() {
    if (this.#available() < LOW_WATER) await this.#reserve();
    this.#timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
    this.#timer.unref();
  }

  record(e: NewEvent): void {
    if (this.#waiting.length === 0) {
      const id = this.#take();
      if (id !== null) return this.#accept(id, e);
    }
    this.#waiting.push(e);
    if (this.#waiting.length > MAX_PENDING) {
      this.#waiting.shift();
      this.dropped++;
    }
    void this.#refill();
  }

  /** Events another replica recorded (already numbered and written by it): into the feed, not into the table. */
  addRemote(events: EventRecord[]) {
    for (const r of events) if (!this.#recentIds.has(r.id)) this.#remember(r);
  }

  /** Events that reached this process after `seq`, in that order (from memory: the last 500). */
  since(seq: number): EventRecord[] {
    const out: EventRecord[] = [];
    for (let i = this.#recent.length - 1; i >= 0 && this.#recent[i].seq > seq; i--) out.push(this.#recent[i].e);
    return out.reverse();
  }

  /** The `seq` of the last event that reached this process (0: none). */
  get seq(): number {
    return this.#seq;
  }

  /** The most recent events, newest first (from memory). */
  recent(limit = 50): EventRecord[] {
    return this.#recent.slice(-limit).reverse().map((x) => x.e);
  }

  /** This process's own events since the last call, for the other replicas (frame-exchange.ts). */
  takeShared(): EventRecord[] {
    const out = this.#shared;
    this.#shared = [];
    return out;
  }

  async flush(): Promise<void> {
    if (this.#waiting.length) await this.#refill();
    while (this.#flushing) await this.#flushing;
    if (!this.#pending.length) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#flushing = this.store
      .insert(batch)
      .catch((e) => {
        this.log(`writing ${batch.length} events failed, retrying: ${(e as Error).message}`);
        this.#pending = batch.concat(this.#pending);
      })
      .finally(() => (this.#flushing = null));
    await this.#flushing;
  }

  async stop() {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.flush();
    if (this.#waiting.length) this.log(`${this.#waiting.length} events got no id (the IdBlock table could not be written) and are lost`);
  }

  #accept(id: number, e: NewEvent) {
    const r: EventRecord = { id, ts: e.ts, node: e.node, kind: e.kind, cluster: e.cluster ?? null, details: e.details };
    this.#pending.push(r);
    if (this.#pending.length > MAX_PENDING) {
      this.#pending.shift();
      this.dropped++;
    }
    this.#shared.push(r);
    if (this.#shared.length > MAX_SHARED) this.#shared.splice(0, this.#shared.length - MAX_SHARED);
    this.#remember(r);
  }

  #remember(r: EventRecord) {
    this.#recent.push({ seq: ++this.#seq, e: r });
    this.#recentIds.add(r.id);
    if (this.#recent.length > RECENT) for (const x of this.#recent.splice(0, this.#recent.length - RECENT)) this.#recentIds.delete(x.e.id);
  }

  #available(): number {
    let n = 0;
    for (const r of this.#ranges) n += r.end - r.next;
    return n;
  }

  #take(): number | null {
    while (this.#ranges.length && this.#ranges[0].next >= this.#ranges[0].end) this.#ranges.shift();
    const r = this.#ranges[0];
    if (r === undefined) return null;
    const id = r.next++;
    if (this.#available() < LOW_WATER) void this.#refill();
    return id;
  }

  /** The next range, reserved once however many callers ask; a failed reservation is retried by the next caller. */
  #refill(): Promise<void> {
    this.#refilling ??= this.#reserve()
      .catch((e) => this.log(`reserving event ids failed (events wait for their number): ${(e as Error).message}`))
      .finally(() => (this.#refilling = null));
    return this.#refilling;
  }

  async #reserve() {
    const count = Math.max(ID_BLOCK, this.#waiting.length * 2);
    const first = await this.store.reserve(count);
    this.#ranges.push({ next: first, end: first + count });
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const e of waiting) this.#accept(this.#take()!, e);
  }
}
