// The event feed's writer: every worker event and every publish, rollback, NACK, connect and disconnect is
// numbered here at once (so the live channel can send it in the next tick) and written to the Event table in
// batches. Reads flush first, so a query sees every event recorded before it.
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
  maxId(): Promise<number>;
}

const FLUSH_EVERY_MS = 1000;
const RECENT = 500;
const MAX_PENDING = 20_000;

export class EventLog {
  #nextId = 1;
  #pending: EventRecord[] = [];
  #recent: EventRecord[] = [];
  #flushing: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  dropped = 0;

  constructor(
    private readonly store: EventStore,
    private readonly log: (m: string) => void = () => {},
  ) {}

  async start() {
    this.#nextId = Math.max(this.#nextId, (await this.store.maxId()) + 1);
    this.#timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
    this.#timer.unref();
  }

  record(e: NewEvent): EventRecord {
    const r: EventRecord = { id: this.#nextId++, ts: e.ts, node: e.node, kind: e.kind, cluster: e.cluster ?? null, details: e.details };
    this.#pending.push(r);
    if (this.#pending.length > MAX_PENDING) {
      this.#pending.shift();
      this.dropped++;
    }
    this.#recent.push(r);
    if (this.#recent.length > RECENT) this.#recent.splice(0, this.#recent.length - RECENT);
    return r;
  }

  /** Events recorded after event `id`, oldest first (from memory: the last 500). */
  after(id: number): EventRecord[] {
    const out: EventRecord[] = [];
    for (let i = this.#recent.length - 1; i >= 0 && this.#recent[i].id > id; i--) out.push(this.#recent[i]);
    return out.reverse();
  }

  get lastId(): number {
    return this.#nextId - 1;
  }

  /** The most recent events, newest first (from memory). */
  recent(limit = 50): EventRecord[] {
    return this.#recent.slice(-limit).reverse();
  }

  async flush(): Promise<void> {
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
  }
}
