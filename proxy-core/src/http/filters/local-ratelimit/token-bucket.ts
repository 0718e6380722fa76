// The local rate limiter's token bucket (Envoy's LocalRateLimiterImpl,
// source/extensions/filters/common/local_ratelimit/local_ratelimit_impl.cc): it starts full, a fill every
// `fill_interval` adds `tokens_per_fill` up to `max_tokens`, and each request takes one token or is limited.
// Envoy fills on a timer; here the fills that are due are added when the bucket is next read, which gives the
// same counts without a timer per bucket (per-connection buckets would otherwise hold one timer per connection).
// The clock is injected so tests can step it.
import type { Clock } from "../clock";

export class TokenBucket {
  #tokens: number;
  /** when the last fill happened (ms on the clock); fills are due every intervalMs after it */
  #lastFill: number;

  constructor(
    readonly maxTokens: number,
    readonly tokensPerFill: number,
    readonly intervalMs: number,
    private readonly now: Clock,
  ) {
    this.#tokens = maxTokens;
    this.#lastFill = now();
  }

  /** Takes a token: false when there is none (the request is rate limited). */
  consume(): boolean {
    this.#fill();
    if (this.#tokens === 0) return false;
    this.#tokens--;
    return true;
  }

  /** x-ratelimit-remaining */
  get remaining(): number {
    this.#fill();
    return this.#tokens;
  }

  /**
   * x-ratelimit-reset: seconds to the next fill, as Envoy computes it (remainingFillInterval: the fill interval
   * minus the whole seconds since the last fill, in whole seconds).
   */
  get resetSeconds(): number {
    if (this.intervalMs <= 0) return 0;
    this.#fill();
    const elapsedWholeSeconds = Math.floor((this.now() - this.#lastFill) / 1000) * 1000;
    return Math.trunc((this.intervalMs - elapsedWholeSeconds) / 1000);
  }

  #fill() {
    // a config without a token_bucket: an empty bucket that never fills (Envoy's max_tokens 0, no fill timer)
    if (this.intervalMs <= 0) return;
    const elapsed = this.now() - this.#lastFill;
    if (elapsed < this.intervalMs) return;
    const fills = Math.floor(elapsed / this.intervalMs);
    this.#tokens = Math.min(this.maxTokens, this.#tokens + fills * this.tokensPerFill);
    this.#lastFill += fills * this.intervalMs;
  }
}
