// The browsers' live channel (GET /api/live, Server-Sent Events): once a second, shortly after the second is
// over, one tick with that second of the fleet, of each node, route and cluster, and the events since the last
// tick. The tick is computed and serialised once and the same bytes go to every subscriber, so a hundred open
// consoles cost one computation a second; with no subscriber there is no timer at all.
import type { z } from "zod";
import type { LiveTick } from "../contract/live";

export type TickSource = (sec: number) => z.input<typeof LiveTick>;

/** after the second ends, so reports handled in its last milliseconds are in it */
const TICK_DELAY_MS = 100;

export class LiveChannel {
  readonly #subs = new Set<(chunk: Uint8Array) => void>();
  readonly #encoder = new TextEncoder();
  #timer: NodeJS.Timeout | null = null;
  #lastSec = 0;

  constructor(
    private readonly source: TickSource,
    private readonly now: () => number = Date.now,
    /** how long after a second ends its tick goes out (undefined: TICK_DELAY_MS); asked before every tick */
    private readonly delayMs: () => number | undefined = () => undefined,
  ) {}

  get subscribers() {
    return this.#subs.size;
  }

  /** Receives every tick as an SSE chunk (the same bytes for everyone: do not modify); returns the unsubscribe. */
  subscribe(send: (chunk: Uint8Array) => void): () => void {
    this.#subs.add(send);
    if (this.#timer === null) this.#schedule();
    return () => {
      this.#subs.delete(send);
      if (this.#subs.size === 0 && this.#timer !== null) {
        clearTimeout(this.#timer);
        this.#timer = null;
      }
    };
  }

  #schedule() {
    const now = this.now();
    const wait = 1000 - (now % 1000) + (this.delayMs() ?? TICK_DELAY_MS);
    this.#timer = setTimeout(() => this.#tick(), wait);
    this.#timer.unref();
  }

  #tick() {
    this.#timer = null;
    if (this.#subs.size === 0) return;
    const sec = Math.floor(this.now() / 1000) - 1;
    if (sec > this.#lastSec) {
      this.#lastSec = sec;
      let text: string;
      try {
        text = `event: tick\ndata: ${JSON.stringify(this.source(sec))}\n\n`;
      } catch (e) {
        text = `: tick failed: ${(e as Error).message.replace(/\n/g, " ")}\n\n`;
      }
      const chunk = this.#encoder.encode(text);
      for (const send of [...this.#subs]) {
        try {
          send(chunk);
        } catch {
          this.#subs.delete(send);
        }
      }
    }
    if (this.#subs.size > 0) this.#schedule();
  }

  stop() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#subs.clear();
  }
}
