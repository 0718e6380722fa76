// pass_through_mode with cache_time (Envoy's HealthCheckCacheManager, source/extensions/filters/http/
// health_check/health_check.cc): the status of a health check's response is kept until the next tick of a
// cache_time timer; meanwhile health checks are answered with it locally. The ticks are computed from the
// clock instead of a timer.
import { monotonicMs, type Clock } from "../clock";

export class HealthCheckCache {
  readonly #start: number;
  #cachedAt = -Infinity;
  #status = 200;
  #degraded = false;

  constructor(
    readonly cacheMs: number,
    private readonly now: Clock = monotonicMs,
  ) {
    this.#start = now();
  }

  /** a response was cached since the last tick */
  get useCached(): boolean {
    const t = this.now();
    const lastTick = this.#start + Math.floor((t - this.#start) / this.cacheMs) * this.cacheMs;
    return this.#cachedAt >= lastTick;
  }

  get status(): number {
    return this.#status;
  }

  get degraded(): boolean {
    return this.#degraded;
  }

  /** every health check response passing the filter is cached, the ones it answered itself included */
  set(status: number, degraded: boolean) {
    this.#cachedAt = this.now();
    this.#status = status;
    this.#degraded = degraded;
  }
}
