// Retention: rollups and events older than the retention setting (default 24 h) are deleted in the background,
// in batches of a few hundred rows with a pause between them. better-sqlite3 runs each statement on the event
// loop, so one large DELETE would stall every request and worker message; small batches never do.
export interface RetentionStore {
  deleteRollupsBefore(t: number, limit: number): Promise<number>;
  deleteEventsBefore(ts: number, limit: number): Promise<number>;
}

const EVERY_MS = 60_000;
const BATCH = 500;
const PAUSE_MS = 20;

export class Retention {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<{ rollups: number; events: number }> | null = null;
  #stopped = false;

  constructor(
    private readonly store: RetentionStore,
    private readonly opts: { hours: () => number; now?: () => number; everyMs?: number; log?: (m: string) => void },
  ) {}

  start() {
    this.#stopped = false;
    this.#timer = setInterval(() => void this.prune(), this.opts.everyMs ?? EVERY_MS);
    this.#timer.unref();
    void this.prune();
  }

  /** Deletes what is older than the retention, batch by batch; a run already going is joined, not doubled. */
  prune(): Promise<{ rollups: number; events: number }> {
    if (this.#running) return this.#running;
    this.#running = this.#run().finally(() => (this.#running = null));
    return this.#running;
  }

  async #run() {
    const cutoff = (this.opts.now?.() ?? Date.now()) - this.opts.hours() * 3_600_000;
    const done = { rollups: 0, events: 0 };
    try {
      for (const [key, del] of [
        ["rollups", (n: number) => this.store.deleteRollupsBefore(cutoff, n)],
        ["events", (n: number) => this.store.deleteEventsBefore(cutoff, n)],
      ] as const) {
        for (;;) {
          if (this.#stopped) return done;
          const n = await del(BATCH);
          done[key] += n;
          if (n < BATCH) break;
          await new Promise((r) => setTimeout(r, PAUSE_MS));
        }
      }
    } catch (e) {
      this.opts.log?.(`pruning telemetry older than ${new Date(cutoff).toISOString()} failed: ${(e as Error).message}`);
    }
    return done;
  }

  async stop() {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => {});
  }
}
