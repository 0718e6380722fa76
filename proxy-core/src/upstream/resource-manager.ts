// Circuit breakers as Envoy models them: a ResourceManager of four ResourceLimits per cluster (DEFAULT priority).
// A limit is "open" while at capacity: its `circuit_breakers.default.*_open` gauge is 1 exactly as in Envoy.
// `track_remaining: true` adds the `remaining_*` gauges (Envoy's cluster_stats.rst). A `retry_budget` replaces
// max_retries by max(min_retry_concurrency, budget_percent% × (active + pending requests)), re-evaluated on
// every check.
//
// Trips, for the console's timeline: a limit that merely reaches capacity refuses nothing (max_requests 1 is at
// capacity with every request in flight), so a trip starts at the first refusal (`refuse()`) and is reported
// as one "circuit_breaker" event with state "open"; it ends once the limit has stayed below capacity for
// TRIP_CLOSE_AFTER_MS, reported as state "closed" with how many requests it refused meanwhile. A breaker that
// flaps with every request under overload is thus one trip, not thousands of events.
import type { EventEmitter } from "node:events";
import type { CircuitBreakerThresholds } from "../config/schema";
import type { Gauge, Scope } from "../stats/store";
import { ConnectionPoolCount } from "./connection-pool-count";

export const DEFAULT_LIMITS = { max_connections: 1024, max_pending_requests: 1024, max_requests: 1024, max_retries: 3 } as const;
export const DEFAULT_BUDGET_PERCENT = 20;
export const DEFAULT_MIN_RETRY_CONCURRENCY = 3;
/** how long a tripped limit must stay below capacity before its trip is reported closed */
export const TRIP_CLOSE_AFTER_MS = 1000;

export type Threshold = keyof typeof DEFAULT_LIMITS;

export interface CircuitBreakerEvent {
  cluster: string;
  threshold: Threshold;
  max: number;
  state: "open" | "closed";
  /** requests (connections, for max_connections; retries, for max_retries) refused since the trip opened */
  refused: number;
  /** when closed: how long the trip lasted */
  openMs?: number;
  time: number;
}

export class ResourceLimit {
  count = 0;
  #open = false;
  readonly #fixedMax: number;
  #tripSince = 0;
  #tripRefused = 0;
  #closeTimer: NodeJS.Timeout | null = null;

  constructor(
    max: number,
    private readonly openGauge: Gauge,
    private readonly onTrip: (limit: ResourceLimit, state: "open" | "closed", refused: number, openMs: number) => void,
    readonly threshold: Threshold,
    private readonly remainingGauge: Gauge | null = null,
    /** a dynamic limit (retry budget); `max` is ignored when set */
    private readonly dynamicMax: (() => number) | null = null,
  ) {
    this.#fixedMax = max;
    this.#update();
  }

  get max(): number {
    return this.dynamicMax ? this.dynamicMax() : this.#fixedMax;
  }

  canCreate(): boolean {
    return this.count < this.max;
  }

  inc() {
    this.count++;
    this.#update();
  }

  dec() {
    this.count--;
    this.#update();
  }

  /** The limit just refused something: starts a trip, or adds to the one in progress. */
  refuse() {
    if (this.#tripSince === 0) {
      this.#tripSince = Date.now();
      this.#tripRefused = 0;
      this.onTrip(this, "open", 0, 0);
    }
    this.#tripRefused++;
    if (this.#closeTimer !== null) {
      clearTimeout(this.#closeTimer);
      this.#closeTimer = null;
    }
    if (this.count < this.max) this.#armClose();
  }

  /** a cluster being replaced: close its trip now */
  dispose() {
    if (this.#closeTimer !== null) clearTimeout(this.#closeTimer);
    this.#closeTimer = null;
    if (this.#tripSince !== 0) this.#closeTrip();
  }

  #update() {
    const max = this.max;
    this.remainingGauge?.set(Math.max(0, max - this.count));
    if (!this.#open && this.count >= max && this.count > 0) {
      this.#open = true;
      this.openGauge.set(1);
    } else if (this.#open && this.count < max) {
      this.#open = false;
      this.openGauge.set(0);
    }
    if (this.#tripSince !== 0 && this.#closeTimer === null && this.count < max) this.#armClose();
  }

  #armClose() {
    this.#closeTimer = setTimeout(onCloseTimer, TRIP_CLOSE_AFTER_MS, this);
    this.#closeTimer.unref();
  }

  closeTimerFired() {
    this.#closeTimer = null;
    // back at capacity: the trip goes on until the limit drops again
    if (this.count >= this.max) return;
    this.#closeTrip();
  }

  #closeTrip() {
    const refused = this.#tripRefused;
    const openMs = Date.now() - this.#tripSince;
    this.#tripSince = 0;
    this.#tripRefused = 0;
    this.onTrip(this, "closed", refused, openMs);
  }
}

function onCloseTimer(l: ResourceLimit) {
  l.closeTimerFired();
}

export class ResourceManager {
  readonly connections: ResourceLimit;
  readonly pendingRequests: ResourceLimit;
  readonly requests: ResourceLimit;
  /** retry admission for the router: `canCreate()` before a retry, `inc()` when it starts, `dec()` when it ends */
  readonly retries: ResourceLimit;
  /** max_connection_pools: unlimited, counted for its gauges (connection-pool-count.ts) */
  readonly connectionPools: ConnectionPoolCount;
  readonly trackRemaining: boolean;

  constructor(clusterName: string, thresholds: CircuitBreakerThresholds[] | undefined, scope: Scope, events: EventEmitter) {
    // Envoy: the first threshold for a priority wins; a priority without one gets the defaults
    const t = thresholds?.find((x) => (x.priority ?? "DEFAULT") === "DEFAULT") ?? {};
    this.trackRemaining = t.track_remaining === true;
    const cb = scope.scope("circuit_breakers").scope("default");
    const onTrip = (l: ResourceLimit, state: "open" | "closed", refused: number, openMs: number) =>
      events.emit("circuit_breaker", {
        cluster: clusterName,
        threshold: l.threshold,
        max: l.max,
        state,
        refused,
        ...(state === "closed" ? { openMs } : {}),
        time: Date.now(),
      } satisfies CircuitBreakerEvent);
    const make = (k: Threshold, gauge: string, remaining: string | null, dynamicMax: (() => number) | null = null) => {
      const g = cb.gauge(gauge);
      g.set(0);
      const r = this.trackRemaining && remaining !== null ? cb.gauge(remaining) : null;
      return new ResourceLimit(t[k] ?? DEFAULT_LIMITS[k], g, onTrip, k, r, dynamicMax);
    };
    this.connections = make("max_connections", "cx_open", "remaining_cx");
    this.pendingRequests = make("max_pending_requests", "rq_pending_open", "remaining_pending");
    this.requests = make("max_requests", "rq_open", "remaining_rq");
    const budget = t.retry_budget;
    if (budget) {
      const percent = budget.budget_percent?.value ?? DEFAULT_BUDGET_PERCENT;
      const minConcurrency = budget.min_retry_concurrency ?? DEFAULT_MIN_RETRY_CONCURRENCY;
      // Envoy does not track remaining_retries with a budget (cluster_stats.rst)
      this.retries = make("max_retries", "rq_retry_open", null, () =>
        Math.max(minConcurrency, Math.floor((percent / 100) * (this.requests.count + this.pendingRequests.count))),
      );
    } else this.retries = make("max_retries", "rq_retry_open", "remaining_retries");
    this.connectionPools = new ConnectionPoolCount(cb, this.trackRemaining);
  }

  /** The cluster is gone (removed or replaced): trips in progress end now. */
  dispose() {
    for (const l of [this.connections, this.pendingRequests, this.requests, this.retries]) l.dispose();
  }
}
