// Circuit breakers as Envoy models them: a ResourceManager of four ResourceLimits per cluster (DEFAULT priority).
// A limit is "open" while at capacity: its `circuit_breakers.default.*_open` gauge is 1 and each transition
// to open emits one "circuit_breaker" event, so the console sees trips without a flood per rejected request.
import type { EventEmitter } from "node:events";
import type { CircuitBreakerThresholds } from "../config/schema";
import type { Gauge, Scope } from "../stats/store";

export const DEFAULT_LIMITS = { max_connections: 1024, max_pending_requests: 1024, max_requests: 1024, max_retries: 3 } as const;

export type Threshold = keyof typeof DEFAULT_LIMITS;

export interface CircuitBreakerEvent {
  cluster: string;
  threshold: Threshold;
  max: number;
  time: number;
}

export class ResourceLimit {
  count = 0;
  #open = false;
  constructor(
    readonly max: number,
    private readonly openGauge: Gauge,
    private readonly onOpen: (limit: ResourceLimit) => void,
    readonly threshold: Threshold,
  ) {}

  canCreate(): boolean {
    return this.count < this.max;
  }

  inc() {
    this.count++;
    if (!this.#open && this.count >= this.max) {
      this.#open = true;
      this.openGauge.set(1);
      this.onOpen(this);
    }
  }

  dec() {
    this.count--;
    if (this.#open && this.count < this.max) {
      this.#open = false;
      this.openGauge.set(0);
    }
  }
}

export class ResourceManager {
  readonly connections: ResourceLimit;
  readonly pendingRequests: ResourceLimit;
  readonly requests: ResourceLimit;
  readonly retries: ResourceLimit;

  constructor(clusterName: string, thresholds: CircuitBreakerThresholds[] | undefined, scope: Scope, events: EventEmitter) {
    // Envoy: the first threshold for a priority wins; a priority without one gets the defaults
    const t = thresholds?.find((x) => (x.priority ?? "DEFAULT") === "DEFAULT") ?? {};
    const cb = scope.scope("circuit_breakers").scope("default");
    const onOpen = (l: ResourceLimit) =>
      events.emit("circuit_breaker", { cluster: clusterName, threshold: l.threshold, max: l.max, time: Date.now() } satisfies CircuitBreakerEvent);
    const make = (k: Threshold, gauge: string) => {
      const g = cb.gauge(gauge);
      g.set(0);
      return new ResourceLimit(t[k] ?? DEFAULT_LIMITS[k], g, onOpen, k);
    };
    this.connections = make("max_connections", "cx_open");
    this.pendingRequests = make("max_pending_requests", "rq_pending_open");
    this.requests = make("max_requests", "rq_open");
    this.retries = make("max_retries", "rq_retry_open");
  }
}
