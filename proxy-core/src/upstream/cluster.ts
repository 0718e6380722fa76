// A cluster: its host set (STATIC; STRICT_DNS re-resolved every dns_refresh_rate, each address a host;
// LOGICAL_DNS one host whose new connections dial the latest first address), load balancer (policy + health +
// panic), circuit breakers, active health checker, outlier detector, upstream TLS and stats.
// Built by ClusterManager from one Cluster config; immutable config, mutable hosts.
import dns from "node:dns";
import net from "node:net";
import type { EventEmitter } from "node:events";
import type { Cluster as ClusterConfig } from "../config/schema";
import { durationOr } from "../config/duration";
import type { Scope } from "../stats/store";
import { createLoadBalancer, type HealthAwareLoadBalancer } from "../lb/load-balancer";
import { ConnPool } from "../pool/conn-pool";
import { ClusterStats } from "./cluster-stats";
import { HealthChecker } from "./health-checker";
import { Host } from "./host";
import { OutlierDetector } from "./outlier-detector";
import { ResourceManager } from "./resource-manager";
import { buildUpstreamTls, type UpstreamTls } from "./tls";
import { NO_SECRETS, type SecretSet } from "../tls/material";

const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
const DEFAULT_DNS_REFRESH_MS = 5000;

interface EndpointSpec {
  address: string;
  port: number;
  weight: number;
}

export class Cluster {
  readonly name: string;
  readonly stats: ClusterStats;
  readonly resources: ResourceManager;
  readonly lb: HealthAwareLoadBalancer;
  readonly connectTimeoutMs: number;
  readonly healthChecker: HealthChecker | null = null;
  readonly outlierDetector: OutlierDetector | null = null;
  hosts: Host[] = [];
  #tls: UpstreamTls | null = null;
  #specs: EndpointSpec[];
  #dnsTimer: NodeJS.Timeout | null = null;
  #destroyed = false;
  #initialized = false;
  /** each host's keep-alive pool, created on first use, so hosts that never get traffic hold no sockets */
  readonly #pools = new Map<Host, ConnPool>();
  /** pools of hosts removed by a DNS refresh, closed once drained */
  #retired = new Set<ConnPool>();

  constructor(
    readonly config: ClusterConfig,
    scope: Scope,
    readonly events: EventEmitter,
    private readonly log: (msg: string) => void = () => {},
    /** the secrets its TLS context may name (read at initialize) */
    private readonly secrets: SecretSet = NO_SECRETS,
  ) {
    this.name = config.name;
    this.stats = new ClusterStats(scope);
    this.resources = new ResourceManager(config.name, config.circuit_breakers?.thresholds, scope, events);
    this.connectTimeoutMs = durationOr(config.connect_timeout, DEFAULT_CONNECT_TIMEOUT_MS);
    this.#specs = (config.load_assignment?.endpoints ?? []).flatMap((loc) =>
      loc.lb_endpoints.map((ep) => ({
        address: ep.endpoint.address.socket_address.address,
        port: ep.endpoint.address.socket_address.port_value,
        weight: ep.load_balancing_weight ?? 1,
      })),
    );
    if (this.type === "STATIC") this.hosts = this.#specs.map((s) => this.#newHost(s.address, s));
    this.lb = createLoadBalancer(config, this.hosts, scope);
    const hc = config.health_checks?.[0];
    if (hc) {
      this.healthChecker = new HealthChecker(hc, {
        cluster: this.name,
        scope,
        events,
        tls: () => this.#tls,
        hadTraffic: () => this.stats.c.upstream_cx_total.value > 0,
        onChange: () => this.#healthChanged(),
        onSuccess: (h) => this.outlierDetector?.onActiveHcSuccess(h),
      });
    }
    if (config.outlier_detection) {
      this.outlierDetector = new OutlierDetector(config.outlier_detection, {
        cluster: this.name,
        scope,
        events,
        hosts: () => this.hosts,
        onChange: () => this.#healthChanged(),
      });
    }
    this.#updateMembership();
  }

  get type() {
    return this.config.type ?? "STATIC";
  }

  get tls(): UpstreamTls | null {
    return this.#tls;
  }

  /**
   * Envoy's cluster warming: loads TLS material (throws when a file cannot be read → the config is rejected),
   * resolves DNS once and starts its refresh, starts health checks and waits for their first round.
   */
  async initialize(): Promise<void> {
    if (this.#initialized) return;
    this.#initialized = true;
    const ts = this.config.transport_socket;
    if (ts) {
      this.#tls = buildUpstreamTls(ts.typed_config, `cluster ${this.name} transport_socket`, this.secrets);
    }
    if (this.type !== "STATIC") {
      await this.#resolve();
      this.#scheduleRefresh();
    }
    if (this.healthChecker) {
      this.healthChecker.addHosts(this.hosts);
      this.#healthChanged();
      await this.healthChecker.firstRound();
    }
  }

  /** Feeds outlier detection with one attempt's result: the HTTP status, or 0 for a local-origin failure. */
  reportResult(host: Host, status: number): void {
    this.outlierDetector?.report(host, status);
  }

  /** Lazily created keep-alive pool for a host. */
  poolFor(host: Host): ConnPool {
    let pool = this.#pools.get(host);
    if (!pool) {
      pool = new ConnPool(host, { connectTimeoutMs: this.connectTimeoutMs, resources: this.resources, stats: this.stats, tls: this.#tls });
      this.#pools.set(host, pool);
    }
    return pool;
  }

  /** Stops DNS refreshes, health checks and outlier sweeps; closes every pool after its in-flight requests finish. */
  async close(): Promise<void> {
    this.#destroyed = true;
    if (this.#dnsTimer) clearTimeout(this.#dnsTimer);
    this.healthChecker?.stop();
    this.outlierDetector?.stop();
    this.resources.dispose();
    const pools = [...this.#pools.values(), ...this.#retired];
    await Promise.all(pools.map((p) => p.close()));
  }

  #newHost(address: string, spec: EndpointSpec): Host {
    return new Host(address, spec.port, spec.weight, this.config.transport_socket ? "https" : "http");
  }

  #healthChanged() {
    this.lb.setHosts(this.hosts);
    this.#updateMembership();
  }

  #scheduleRefresh() {
    if (this.#destroyed) return;
    const ms = durationOr(this.config.dns_refresh_rate, DEFAULT_DNS_REFRESH_MS);
    this.#dnsTimer = setTimeout(() => {
      this.#resolve().finally(() => this.#scheduleRefresh());
    }, ms);
    this.#dnsTimer.unref();
  }

  async #resolve() {
    this.stats.c.update_attempt.inc();
    const family = this.config.dns_lookup_family ?? "AUTO";
    const logical = this.type === "LOGICAL_DNS";
    const next: Host[] = [];
    let failed = false;
    for (const spec of this.#specs) {
      try {
        const ips = await lookupAll(spec.address, family);
        if (logical) {
          // one host for the name; only its first address is used, by new connections
          const h = this.hosts.find((x) => x.address === spec.address && x.port === spec.port) ?? this.#newHost(spec.address, spec);
          if (ips.length > 0) h.connectAddress = ips[0];
          next.push(h);
        } else for (const ip of ips) next.push(this.#reuse(ip, spec));
      } catch (err) {
        failed = true;
        this.log(`cluster ${this.name}: DNS lookup of ${spec.address} failed: ${(err as Error).message}`);
      }
    }
    if (this.#destroyed) return;
    // Envoy keeps the previous hosts when a resolution fails
    if (failed) {
      this.stats.c.update_failure.inc();
      if (next.length === 0) return;
    } else this.stats.c.update_success.inc();
    const changed = next.length !== this.hosts.length || next.some((h, i) => h !== this.hosts[i]);
    if (!changed) return;
    const removed = this.hosts.filter((h) => !next.includes(h));
    const added = next.filter((h) => !this.hosts.includes(h));
    for (const old of removed) {
      const pool = this.#pools.get(old);
      if (pool) {
        this.#pools.delete(old);
        this.#retire(pool);
      }
      this.outlierDetector?.forget(old);
    }
    this.hosts = next;
    if (this.#initialized && this.healthChecker) {
      this.healthChecker.removeHosts(removed);
      this.healthChecker.addHosts(added);
    }
    this.lb.setHosts(next);
    this.stats.c.membership_change.inc();
    this.#updateMembership();
  }

  #reuse(ip: string, spec: EndpointSpec): Host {
    return this.hosts.find((h) => h.address === ip && h.port === spec.port && h.weight === spec.weight) ?? this.#newHost(ip, spec);
  }

  #retire(pool: ConnPool) {
    this.#retired.add(pool);
    pool.close().finally(() => this.#retired.delete(pool));
  }

  #updateMembership() {
    this.stats.g.membership_total.set(this.hosts.length);
    this.stats.g.membership_healthy.set(this.hosts.filter((h) => h.healthy).length);
    this.stats.g.membership_degraded.set(0);
    this.stats.g.membership_excluded.set(0);
  }
}

async function lookupAll(name: string, family: string): Promise<string[]> {
  if (net.isIP(name)) return [name];
  const fam = family === "V4_ONLY" ? 4 : family === "V6_ONLY" ? 6 : 0;
  const res = await dns.promises.lookup(name, { all: true, family: fam, order: "verbatim" as never });
  let addrs = res.map((r) => r.address);
  if (family === "V4_PREFERRED" || family === "AUTO") {
    // AUTO prefers IPv6 in Envoy, V4_PREFERRED prefers IPv4; both fall back to the other family
    const v4 = res.filter((r) => r.family === 4).map((r) => r.address);
    const v6 = res.filter((r) => r.family === 6).map((r) => r.address);
    addrs = family === "AUTO" ? (v6.length ? v6 : v4) : v4.length ? v4 : v6;
  }
  return [...new Set(addrs)];
}
