// Outlier detection (Envoy's outlier.rst), fed by the router through `Cluster.reportResult(host, status)` after each
// attempt (status 0 = a local-origin failure: connect failure, timeout, reset — counted as 503 in Envoy's
// default non-split mode). Consecutive 5xx and consecutive gateway failures (502/503/504) are detected inline
// on the Nth error; `enforcing_*` (percent) decides whether a detection ejects. An ejection lasts
// base_ejection_time × the host's ejection count, capped at max(max_ejection_time, base_ejection_time);
// the `interval` sweep returns hosts whose time is up and decays the count of hosts that stayed healthy.
// max_ejection_percent caps ejected hosts, but one host may always be ejected (Envoy docs: Outlier detection, "Ejection algorithm").
import type { EventEmitter } from "node:events";
import type { OutlierDetection } from "../config/schema";
import { durationOr } from "../config/duration";
import type { Counter, Gauge, Scope } from "../stats/store";
import type { OutlierEjectionEvent } from "./events";
import type { Host } from "./host";

const D = {
  consecutive_5xx: 5,
  consecutive_gateway_failure: 5,
  enforcing_consecutive_5xx: 100,
  enforcing_consecutive_gateway_failure: 0,
  interval: 10_000,
  base_ejection_time: 30_000,
  max_ejection_time: 300_000,
  max_ejection_percent: 10,
} as const;

type EjectionType = "consecutive_5xx" | "consecutive_gateway_failure";

class HostMonitor {
  consecutive5xx = 0;
  consecutiveGateway = 0;
  ejections = 0;
  ejectedAt = 0;
  ejectedForMs = 0;
}

const COUNTERS = [
  "ejections_enforced_total",
  "ejections_overflow",
  "ejections_enforced_consecutive_5xx",
  "ejections_detected_consecutive_5xx",
  "ejections_enforced_consecutive_gateway_failure",
  "ejections_detected_consecutive_gateway_failure",
  "ejections_total",
  "ejections_consecutive_5xx",
] as const;

export interface OutlierDeps {
  cluster: string;
  scope: Scope;
  events: EventEmitter;
  hosts(): readonly Host[];
  /** a host was ejected or returned */
  onChange(host: Host): void;
}

export class OutlierDetector {
  readonly #monitors = new WeakMap<Host, HostMonitor>();
  readonly #c: { [K in (typeof COUNTERS)[number]]: Counter };
  readonly #active: Gauge;
  readonly #timer: NodeJS.Timeout;
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #uneJectOnHc: boolean;

  constructor(
    readonly config: OutlierDetection,
    private readonly deps: OutlierDeps,
    private readonly random: () => number = Math.random,
  ) {
    const sc = deps.scope.scope("outlier_detection");
    this.#c = Object.fromEntries(COUNTERS.map((n) => [n, sc.counter(n)])) as never;
    this.#active = sc.gauge("ejections_active");
    this.#active.set(0);
    this.#baseMs = durationOr(config.base_ejection_time, D.base_ejection_time);
    this.#maxMs = Math.max(durationOr(config.max_ejection_time, D.max_ejection_time), this.#baseMs);
    this.#uneJectOnHc = config.successful_active_health_check_uneject_host ?? true;
    this.#timer = setInterval(() => this.#sweep(), durationOr(config.interval, D.interval));
    this.#timer.unref();
  }

  #monitor(h: Host): HostMonitor {
    let m = this.#monitors.get(h);
    if (!m) this.#monitors.set(h, (m = new HostMonitor()));
    return m;
  }

  /** One attempt's result: an HTTP status, or 0 for a local-origin failure. */
  report(host: Host, status: number) {
    const m = this.#monitor(host);
    const code = status === 0 ? 503 : status;
    if (code < 500) {
      m.consecutive5xx = 0;
      m.consecutiveGateway = 0;
      return;
    }
    if (code === 502 || code === 503 || code === 504) {
      if (++m.consecutiveGateway === (this.config.consecutive_gateway_failure ?? D.consecutive_gateway_failure)) this.#detected(host, m, "consecutive_gateway_failure");
    } else m.consecutiveGateway = 0;
    if (++m.consecutive5xx === (this.config.consecutive_5xx ?? D.consecutive_5xx)) this.#detected(host, m, "consecutive_5xx");
  }

  /** A successful active health check returns an ejected host at once (successful_active_health_check_uneject_host). */
  onActiveHcSuccess(host: Host) {
    if (this.#uneJectOnHc && host.failedOutlierCheck) this.#uneject(host, this.#monitor(host), "active_hc");
  }

  /** The host left the cluster (DNS refresh): keep ejections_active exact. */
  forget(host: Host) {
    if (host.failedOutlierCheck) this.#active.dec();
  }

  stop() {
    clearInterval(this.#timer);
  }

  #detected(host: Host, m: HostMonitor, type: EjectionType) {
    if (host.failedOutlierCheck) return;
    const hosts = this.deps.hosts();
    const ejected = hosts.filter((h) => h.failedOutlierCheck).length;
    const maxPercent = this.config.max_ejection_percent ?? D.max_ejection_percent;
    if (ejected > 0 && (100 * (ejected + 1)) / hosts.length > maxPercent) {
      this.#c.ejections_overflow.inc();
      return;
    }
    this.#c[`ejections_detected_${type}`].inc();
    const enforcing = type === "consecutive_5xx" ? (this.config.enforcing_consecutive_5xx ?? D.enforcing_consecutive_5xx) : (this.config.enforcing_consecutive_gateway_failure ?? D.enforcing_consecutive_gateway_failure);
    if (this.random() * 100 >= enforcing) return;
    this.#c[`ejections_enforced_${type}`].inc();
    this.#c.ejections_enforced_total.inc();
    this.#c.ejections_total.inc();
    if (type === "consecutive_5xx") this.#c.ejections_consecutive_5xx.inc();
    m.ejections++;
    m.ejectedAt = Date.now();
    m.ejectedForMs = Math.min(this.#baseMs * m.ejections, this.#maxMs);
    host.failedOutlierCheck = true;
    this.#active.inc();
    this.deps.onChange(host);
    this.deps.events.emit("outlier_ejection", { cluster: this.deps.cluster, host: host.label, ejected: true, type, durationMs: m.ejectedForMs, time: Date.now() } satisfies OutlierEjectionEvent);
  }

  #uneject(host: Host, m: HostMonitor, type: string) {
    host.failedOutlierCheck = false;
    m.consecutive5xx = 0;
    m.consecutiveGateway = 0;
    this.#active.dec();
    this.deps.onChange(host);
    this.deps.events.emit("outlier_ejection", { cluster: this.deps.cluster, host: host.label, ejected: false, type, time: Date.now() } satisfies OutlierEjectionEvent);
  }

  #sweep() {
    const now = Date.now();
    for (const h of this.deps.hosts()) {
      const m = this.#monitors.get(h);
      if (!m) continue;
      if (h.failedOutlierCheck) {
        if (now - m.ejectedAt >= m.ejectedForMs) this.#uneject(h, m, "timeout");
      } else if (m.ejections > 0 && now - m.ejectedAt >= m.ejectedForMs + this.#baseMs) {
        // a host that stayed in for a while earns its multiplier back, one step per base period
        m.ejections--;
        m.ejectedAt = now - m.ejectedForMs;
      }
    }
  }
}
