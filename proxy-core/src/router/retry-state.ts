// Retries, after Envoy's retry_state_impl.cc: a RetryPolicy compiled from the route (or
// virtual host) config, and the RetryState of one request created only when some retry_on is active
// (from the policy or the x-envoy-retry-on header). The RetryState decides, in Envoy's order, whether a
// response or reset is retried, keeps the retry circuit-breaker slot and computes the back-off.
import type { RetryPolicy as RetryPolicyConfig } from "../config/schema";
import { PREVIOUS_HOSTS } from "../config/schema";
import { durationOr, durationToMs } from "../config/duration";
import type { Cluster } from "../upstream/cluster";
import type { RouterClusterStats } from "./router-stats";
import type { RouteStats } from "./route-stats";

export const enum RetryOn {
  X5xx = 1,
  GatewayError = 2,
  ConnectFailure = 4,
  Reset = 8,
  Retriable4xx = 16,
  RetriableStatusCodes = 32,
}

const TOKENS: Record<string, RetryOn> = {
  "5xx": RetryOn.X5xx,
  "gateway-error": RetryOn.GatewayError,
  "connect-failure": RetryOn.ConnectFailure,
  reset: RetryOn.Reset,
  "retriable-4xx": RetryOn.Retriable4xx,
  "retriable-status-codes": RetryOn.RetriableStatusCodes,
};

/** Parses a retry_on list; unknown tokens are ignored (as Envoy does for the request header). */
export function parseRetryOn(v: string): number {
  let bits = 0;
  for (const t of v.split(",")) bits |= TOKENS[t.trim()] ?? 0;
  return bits;
}

export const DEFAULT_BASE_INTERVAL_MS = 25;

export class RetryPolicy {
  readonly retryOn: number;
  readonly numRetries: number;
  readonly perTryTimeoutMs: number;
  readonly statusCodes: ReadonlySet<number>;
  readonly baseIntervalMs: number;
  readonly maxIntervalMs: number;
  readonly previousHosts: boolean;
  readonly hostSelectionMaxAttempts: number;

  constructor(c: RetryPolicyConfig | undefined) {
    this.retryOn = parseRetryOn(c?.retry_on ?? "");
    this.numRetries = c?.num_retries ?? 1;
    this.perTryTimeoutMs = durationOr(c?.per_try_timeout, 0);
    this.statusCodes = new Set(c?.retriable_status_codes ?? []);
    this.baseIntervalMs = c?.retry_back_off ? durationToMs(c.retry_back_off.base_interval) : DEFAULT_BASE_INTERVAL_MS;
    // Envoy: max_interval defaults to 10 × base_interval
    this.maxIntervalMs = durationOr(c?.retry_back_off?.max_interval, this.baseIntervalMs * 10);
    this.previousHosts = c?.retry_host_predicate?.some((p) => p.name === PREVIOUS_HOSTS) ?? false;
    this.hostSelectionMaxAttempts = c?.host_selection_retry_max_attempts ?? 1;
  }
}

/** The policy of a route without any: no retry_on, but x-envoy-retry-on can still enable retries. */
export const NO_RETRY_POLICY = new RetryPolicy(undefined);

export const enum Decision {
  /** not retriable: forward the response / reply with the reset */
  No,
  /** retriable, but the retry budget (num_retries) is spent: `upstream_rq_retry_limit_exceeded` */
  LimitExceeded,
  /** retriable, but the retry circuit breaker is open: `upstream_rq_retry_overflow` */
  Overflow,
  /** retry after `backOffMs()` */
  Retry,
}

export class RetryState {
  #remaining: number;
  /** a retry was scheduled and its circuit-breaker slot is held until the next decision */
  #armed = false;
  #attempt = 0;
  retried = 0;

  constructor(
    readonly policy: RetryPolicy,
    readonly retryOn: number,
    numRetries: number,
    readonly cluster: Cluster,
    readonly stats: RouterClusterStats,
    /** the route's own retry counters when it has a stat_prefix (Envoy's RetryStateImpl charges both) */
    readonly routeStats: RouteStats | null = null,
    /** the request's virtual cluster's counters (RetryStateImpl charges `vcluster_` too) */
    readonly vclusterStats: RouteStats | null = null,
  ) {
    this.#remaining = numRetries;
  }

  wouldRetryStatus(status: number, upstreamOverloaded: boolean): boolean {
    // an upstream Envoy that shed load says so; retrying would add to the overload
    if (upstreamOverloaded) return false;
    const on = this.retryOn;
    if (on & RetryOn.X5xx && status >= 500) return true;
    if (on & RetryOn.GatewayError && (status === 502 || status === 503 || status === 504)) return true;
    if (on & RetryOn.Retriable4xx && status === 409) return true;
    if (on & RetryOn.RetriableStatusCodes && this.policy.statusCodes.has(status)) return true;
    return false;
  }

  /** Overflow resets never get here (Envoy never retries them). */
  wouldRetryReset(connectFailure: boolean): boolean {
    const on = this.retryOn;
    if (on & (RetryOn.X5xx | RetryOn.GatewayError | RetryOn.Reset)) return true;
    return connectFailure && (on & RetryOn.ConnectFailure) !== 0;
  }

  /** A per-try timeout is a local reset: retried under 5xx, gateway-error or reset only. */
  wouldRetryPerTryTimeout(): boolean {
    return (this.retryOn & (RetryOn.X5xx | RetryOn.GatewayError | RetryOn.Reset)) !== 0;
  }

  /** Envoy's shouldRetry: accounting in this exact order (retry_state_impl.cc). */
  decide(wouldRetry: boolean): Decision {
    if (this.#armed && !wouldRetry) {
      this.stats.upstream_rq_retry_success.inc();
      this.routeStats?.upstream_rq_retry_success.inc();
      this.vclusterStats?.upstream_rq_retry_success.inc();
    }
    this.release();
    if (!wouldRetry) return Decision.No;
    if (this.#remaining === 0) {
      this.stats.upstream_rq_retry_limit_exceeded.inc();
      this.routeStats?.upstream_rq_retry_limit_exceeded.inc();
      this.vclusterStats?.upstream_rq_retry_limit_exceeded.inc();
      return Decision.LimitExceeded;
    }
    this.#remaining--;
    const limit = this.cluster.resources.retries;
    if (!limit.canCreate()) {
      limit.refuse();
      this.stats.upstream_rq_retry_overflow.inc();
      this.routeStats?.upstream_rq_retry_overflow.inc();
      this.vclusterStats?.upstream_rq_retry_overflow.inc();
      return Decision.Overflow;
    }
    limit.inc();
    this.#armed = true;
    this.retried++;
    this.stats.upstream_rq_retry.inc();
    this.routeStats?.upstream_rq_retry.inc();
    this.vclusterStats?.upstream_rq_retry.inc();
    return Decision.Retry;
  }

  /** Fully jittered exponential back-off: uniform in [0, (2^n − 1) × base), capped at max_interval. */
  backOffMs(): number {
    this.#attempt++;
    const p = this.policy;
    const ceiling = Math.min((2 ** Math.min(this.#attempt, 30) - 1) * p.baseIntervalMs, p.maxIntervalMs);
    return Math.floor(Math.random() * ceiling);
  }

  /** Gives back the retry circuit-breaker slot (next decision, or the request ended). */
  release() {
    if (this.#armed) {
      this.#armed = false;
      this.cluster.resources.retries.dec();
    }
  }
}
