// Forwards every span the console receives to a Zipkin v2 collector (settings: zipkinCollectorUrl), as Zipkin's
// own reporters do: JSON arrays POSTed in batches, one request in flight, a bounded queue. A collector that is
// down or slow costs nothing but the spans: they are dropped and counted, and ingest never waits for it.
import type { ZipkinSpan } from "../../proxy-core/src/config/index";

const MAX_QUEUE = 10_000;
const MAX_BATCH = 1000;
const FLUSH_EVERY_MS = 1000;
const TIMEOUT_MS = 5000;

export interface ForwarderStats {
  sent: number;
  dropped: number;
  failedRequests: number;
}

export class ZipkinForwarder {
  #url: string | null = null;
  #queue: ZipkinSpan[] = [];
  #inFlight: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #lastLog = 0;
  readonly stats: ForwarderStats = { sent: 0, dropped: 0, failedRequests: 0 };

  constructor(private readonly log: (m: string) => void = () => {}) {}

  /** null stops forwarding (what is queued is dropped). */
  setUrl(url: string | null) {
    if (url === this.#url) return;
    this.#url = url;
    if (url === null) {
      this.stats.dropped += this.#queue.length;
      this.#queue = [];
    }
  }

  get url() {
    return this.#url;
  }

  start() {
    this.#timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
    this.#timer.unref();
  }

  /** Queues spans for the collector; never blocks, drops (and counts) beyond the queue's bound. */
  add(spans: readonly ZipkinSpan[]) {
    if (this.#url === null) return;
    const room = MAX_QUEUE - this.#queue.length;
    if (spans.length > room) this.stats.dropped += spans.length - Math.max(0, room);
    for (let i = 0; i < Math.min(room, spans.length); i++) this.#queue.push(spans[i]);
  }

  /** Sends what is queued, one batch at a time; resolves when the queue is empty or the collector failed. */
  flush(): Promise<void> {
    if (this.#inFlight) return this.#inFlight;
    if (this.#url === null || this.#queue.length === 0) return Promise.resolve();
    const url = this.#url;
    this.#inFlight = (async () => {
      while (this.#queue.length > 0 && this.#url === url) {
        const batch = this.#queue.splice(0, MAX_BATCH);
        if (!(await this.#post(url, batch))) break;
      }
    })().finally(() => (this.#inFlight = null));
    return this.#inFlight;
  }

  async #post(url: string, batch: ZipkinSpan[]): Promise<boolean> {
    try {
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(batch), signal: AbortSignal.timeout(TIMEOUT_MS) });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) {
        this.stats.sent += batch.length;
        return true;
      }
      this.#failed(batch.length, `HTTP ${res.status}`);
    } catch (e) {
      this.#failed(batch.length, (e as Error).message);
    }
    return false;
  }

  #failed(n: number, why: string) {
    this.stats.dropped += n;
    this.stats.failedRequests++;
    const now = Date.now();
    if (now - this.#lastLog < 60_000) return;
    this.#lastLog = now;
    this.log(`the Zipkin collector ${this.#url} refused ${n} spans (${why}); dropping spans while it fails (dropped so far: ${this.stats.dropped})`);
  }

  async stop() {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.flush().catch(() => {});
  }
}
