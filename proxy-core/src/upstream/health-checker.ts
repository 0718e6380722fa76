// Active HTTP health checking (Envoy docs: Health checking), one loop per host, built by the cluster from
// `health_checks[0]`.
// - GET <path> with `host: <host or cluster name>` and `user-agent: Envoy/HC` on a keep-alive connection;
// - a status outside expected_statuses (half-open ranges, default [200, 201)) fails the host at once;
//   a network error or timeout counts toward unhealthy_threshold (and closes the connection);
// - healthy_threshold consecutive successes bring a failed host back; a new host (which starts failed, as in
//   Envoy) is healthy after its first success;
// - the next check is `interval` after the previous one ends, or `no_traffic_interval` (default 60 s) while
//   the cluster has never opened an upstream connection.
// Stats `cluster.<c>.health_check.{attempt,success,failure,network_failure,healthy}`; each flip emits
// "health_flip". `stop()` clears every timer and destroys every socket.
import http from "node:http";
import https from "node:https";
import type { EventEmitter } from "node:events";
import type { HealthCheck } from "../config/schema";
import { durationOr, durationToMs } from "../config/duration";
import type { Counter, Gauge, Scope } from "../stats/store";
import type { HealthFlipEvent } from "./events";
import type { Host } from "./host";
import type { UpstreamTls } from "./tls";

const DEFAULT_NO_TRAFFIC_INTERVAL_MS = 60_000;

export interface HealthCheckerDeps {
  cluster: string;
  scope: Scope;
  events: EventEmitter;
  /** the cluster's client TLS, loaded when the cluster warms (before the first check) */
  tls(): UpstreamTls | null;
  /** whether the cluster ever opened an upstream connection (Envoy's no_traffic_interval switch) */
  hadTraffic(): boolean;
  /** a host's health changed: rebuild the LB's host set and membership gauges */
  onChange(host: Host, healthy: boolean): void;
  /** every successful check (outlier detection un-ejects on it: successful_active_health_check_uneject_host) */
  onSuccess(host: Host): void;
}

type Outcome = "success" | "status" | "network";

class HostCheck {
  timer: NodeJS.Timeout | null = null;
  req: http.ClientRequest | null = null;
  first = true;
  successes = 0;
  failures = 0;
  /** resolves after the first check finished (cluster warming) */
  readonly firstDone: Promise<void>;
  resolveFirst!: () => void;
  constructor(readonly host: Host) {
    this.firstDone = new Promise((r) => (this.resolveFirst = r));
  }
}

export class HealthChecker {
  readonly #checks = new Map<Host, HostCheck>();
  #agent: http.Agent | null = null;
  readonly #timeoutMs: number;
  readonly #intervalMs: number;
  readonly #noTrafficMs: number;
  readonly #jitterMs: number;
  readonly #ranges: { start: number; end: number }[];
  readonly #headers: Record<string, string>;
  readonly #s: { attempt: Counter; success: Counter; failure: Counter; network_failure: Counter; healthy: Gauge };
  #stopped = false;

  constructor(
    readonly config: HealthCheck,
    private readonly deps: HealthCheckerDeps,
  ) {
    this.#timeoutMs = durationToMs(config.timeout);
    this.#intervalMs = durationToMs(config.interval);
    this.#noTrafficMs = durationOr(config.no_traffic_interval, DEFAULT_NO_TRAFFIC_INTERVAL_MS);
    this.#jitterMs = durationOr(config.initial_jitter, 0);
    const hc = config.http_health_check;
    this.#ranges = hc.expected_statuses ?? [{ start: 200, end: 201 }];
    this.#headers = { host: hc.host || deps.cluster, "user-agent": "Envoy/HC" };
    for (const h of hc.request_headers_to_add ?? []) this.#headers[h.header.key.toLowerCase()] = h.header.value;
    const sc = deps.scope.scope("health_check");
    this.#s = {
      attempt: sc.counter("attempt"),
      success: sc.counter("success"),
      failure: sc.counter("failure"),
      network_failure: sc.counter("network_failure"),
      healthy: sc.gauge("healthy"),
    };
  }

  /** Starts checking `hosts`; each starts failed (Envoy FAILED_ACTIVE_HC) until its first success. */
  addHosts(hosts: readonly Host[]) {
    if (this.#stopped) return;
    for (const host of hosts) {
      if (this.#checks.has(host)) continue;
      host.failedActiveHc = true;
      const c = new HostCheck(host);
      this.#checks.set(host, c);
      const delay = this.#jitterMs > 0 ? Math.floor(Math.random() * this.#jitterMs) : 0;
      c.timer = setTimeout(() => this.#run(c), delay);
    }
    this.#updateGauge();
  }

  removeHosts(hosts: readonly Host[]) {
    for (const host of hosts) {
      const c = this.#checks.get(host);
      if (!c) continue;
      this.#cancel(c);
      this.#checks.delete(host);
    }
    this.#updateGauge();
  }

  /** Resolves once every current host has had its first check (warming). */
  firstRound(): Promise<void> {
    return Promise.all([...this.#checks.values()].map((c) => c.firstDone)).then(() => {});
  }

  stop() {
    this.#stopped = true;
    for (const c of this.#checks.values()) this.#cancel(c);
    this.#checks.clear();
    this.#agent?.destroy();
  }

  #cancel(c: HostCheck) {
    if (c.timer) clearTimeout(c.timer);
    c.timer = null;
    const req = c.req;
    c.req = null;
    req?.destroy();
    c.resolveFirst();
  }

  #run(c: HostCheck) {
    c.timer = null;
    if (this.#stopped || this.#checks.get(c.host) !== c) return;
    this.#s.attempt.inc();
    const tls = this.deps.tls();
    // reuse_connection (Envoy default true): one keep-alive connection per host
    this.#agent ??= tls
      ? new https.Agent({ keepAlive: true, maxSockets: 1, ...tls.options, servername: tls.sni ?? undefined } as https.AgentOptions)
      : new http.Agent({ keepAlive: true, maxSockets: 1 });
    const mod = tls ? https : http;
    let settled = false;
    const finish = (outcome: Outcome, reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (c.req !== req) return; // cancelled
      c.req = null;
      if (outcome !== "success") req.destroy(); // Envoy closes the connection after a failed check
      this.#onResult(c, outcome, reason);
      if (this.#stopped || this.#checks.get(c.host) !== c) return;
      const next = this.deps.hadTraffic() ? this.#intervalMs : this.#noTrafficMs;
      c.timer = setTimeout(() => this.#run(c), next);
    };
    const req = mod.request(
      {
        host: c.host.connectAddress,
        port: c.host.port,
        path: this.config.http_health_check.path,
        method: "GET",
        headers: this.#headers,
        agent: this.#agent,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const ok = this.#ranges.some((r) => status >= r.start && status < r.end);
        res.on("error", () => finish("network", "response error"));
        res.on("end", () => finish(ok ? "success" : "status", `status ${status}`));
        res.resume();
      },
    );
    c.req = req;
    const timer = setTimeout(() => finish("network", "timeout"), this.#timeoutMs);
    req.on("error", (err) => finish("network", (err as Error).message));
    req.end();
  }

  #onResult(c: HostCheck, outcome: Outcome, reason: string) {
    const host = c.host;
    const wasFirst = c.first;
    c.first = false;
    if (outcome === "success") {
      this.#s.success.inc();
      c.failures = 0;
      if (host.failedActiveHc) {
        c.successes++;
        if (wasFirst || c.successes >= this.config.healthy_threshold) this.#flip(c, true, wasFirst ? "first_check" : "healthy_threshold");
      }
      this.deps.onSuccess(host);
    } else {
      this.#s.failure.inc();
      if (outcome === "network") this.#s.network_failure.inc();
      c.successes = 0;
      c.failures++;
      if (!host.failedActiveHc && (outcome === "status" || c.failures >= this.config.unhealthy_threshold))
        this.#flip(c, false, outcome === "status" ? `unexpected ${reason}` : `${c.failures} consecutive failures (last: ${reason})`);
    }
    c.resolveFirst();
  }

  #flip(c: HostCheck, healthy: boolean, reason: string) {
    c.host.failedActiveHc = !healthy;
    c.successes = 0;
    c.failures = 0;
    this.#updateGauge();
    this.deps.onChange(c.host, healthy);
    this.deps.events.emit("health_flip", { cluster: this.deps.cluster, host: c.host.label, healthy, reason, time: Date.now() } satisfies HealthFlipEvent);
  }

  #updateGauge() {
    let n = 0;
    for (const h of this.#checks.keys()) if (!h.failedActiveHc) n++;
    this.#s.healthy.set(n);
  }
}
