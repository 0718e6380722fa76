// Which console replica a worker dials next, and after how long (--control-plane URL,URL…). The replicas share one
// database and push the same live version, so they are peers: unlike Envoy's GrpcMuxFailover
// (source/extensions/config_subscription/grpc/grpc_mux_failover.h), which prefers its primary and returns to it,
// the worker stays on whichever replica answers and, when that connection fails or drops, moves on to the next
// one in order (wrapping). Every other replica is tried once at once, so a dead one never delays reaching a
// live one; the back-off (250 ms doubling to 5 s, as the single-URL worker always had) is waited only after a
// full round in which none held. With one URL a round is one attempt: the back-off is exactly the old one.

export const MIN_BACKOFF_MS = 250;
export const MAX_BACKOFF_MS = 5000;
/**
 * A connection open this long reached a working console: the next failure starts a fresh round from the minimum
 * back-off. One that ends sooner (a replica that accepts and closes at once: a revoked token, a refused
 * environment) counts as a failed attempt, so replicas that all do that are not dialled in a tight loop.
 */
export const STABLE_AFTER_MS = 1000;

export interface NextAttempt {
  /** the URL to dial next */
  url: string;
  /** 0 while the round goes on; the back-off once every URL failed in a row */
  delayMs: number;
  /** every URL failed in a row: the console as a whole is unreachable */
  roundFailed: boolean;
}

export class ReplicaRotation {
  #index = 0;
  /** failed attempts in the current round */
  #failed = 0;
  #backoff = MIN_BACKOFF_MS;

  constructor(readonly urls: readonly string[]) {
    if (urls.length === 0) throw new Error("no control-plane URL");
  }

  /** The URL being dialled, or connected to. */
  get current(): string {
    return this.urls[this.#index];
  }

  /** The connection to `current` ended after being open `openMs` (null: it never opened): what to dial next, when. */
  ended(openMs: number | null): NextAttempt {
    if (openMs !== null && openMs >= STABLE_AFTER_MS) {
      this.#failed = 0;
      this.#backoff = MIN_BACKOFF_MS;
    }
    this.#failed++;
    this.#index = (this.#index + 1) % this.urls.length;
    if (this.#failed < this.urls.length) return { url: this.current, delayMs: 0, roundFailed: false };
    this.#failed = 0;
    const delayMs = this.#backoff;
    this.#backoff = Math.min(this.#backoff * 2, MAX_BACKOFF_MS);
    return { url: this.current, delayMs, roundFailed: true };
  }
}
