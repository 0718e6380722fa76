// A cluster: its host set (STATIC, or STRICT_DNS re-resolved every dns_refresh_rate), load balancer,
// circuit breakers and stats. Built by ClusterManager from one Cluster config; immutable config, mutable hosts.
import dns from "node:dns";
import net from "node:net";
import type { EventEmitter } from "node:events";
import type { Cluster as ClusterConfig } from "../config/schema";
import { durationOr } from "../config/duration";
import type { Scope } from "../stats/store";
import { createLoadBalancer, type LoadBalancer } from "../lb/load-balancer";
import { ConnPool } from "../pool/conn-pool";
import { ClusterStats } from "./cluster-stats";
import { Host } from "./host";
import { ResourceManager } from "./resource-manager";

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
  readonly lb: LoadBalancer;
  readonly connectTimeoutMs: number;
  hosts: Host[] = [];
  #specs: EndpointSpec[];
  #dnsTimer: NodeJS.Timeout | null = null;
  #destroyed = false;
  #initialized = false;
  /** pools of hosts removed by a DNS refresh, closed once drained */
  #retired = new Set<ConnPool>();

  constructor(
    readonly config: ClusterConfig,
    scope: Scope,
    events: EventEmitter,
    private readonly log: (msg: string) => void = () => {},
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
    if (this.type === "STATIC") this.hosts = this.#specs.map((s) => new Host(s.address, s.port, s.weight));
    this.lb = createLoadBalancer(config.lb_policy, this.hosts);
    this.#updateMembership();
  }

  get type() {
    return this.config.type ?? "STATIC";
  }

  /** Resolves DNS once (Envoy's cluster warming) and starts the refresh timer. Never throws. */
  async initialize(): Promise<void> {
    if (this.type !== "STRICT_DNS" || this.#initialized) return;
    this.#initialized = true;
    await this.#resolve();
    this.#scheduleRefresh();
  }

  /** Lazily created keep-alive pool for a host. */
  poolFor(host: Host): ConnPool {
    return (host.pool ??= new ConnPool(host, { connectTimeoutMs: this.connectTimeoutMs, resources: this.resources, stats: this.stats }));
  }

  /** Stops DNS refreshes and closes every pool after its in-flight requests finish. */
  async close(): Promise<void> {
    this.#destroyed = true;
    if (this.#dnsTimer) clearTimeout(this.#dnsTimer);
    const pools = [...this.hosts.map((h) => h.pool), ...this.#retired].filter((p): p is ConnPool => p !== null);
    await Promise.all(pools.map((p) => p.close()));
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
    const next: Host[] = [];
    let failed = false;
    for (const spec of this.#specs) {
      try {
        for (const ip of await lookupAll(spec.address, family)) next.push(this.#reuse(ip, spec));
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
    for (const old of this.hosts) if (!next.includes(old) && old.pool) this.#retire(old.pool);
    this.hosts = next;
    this.lb.setHosts(next);
    this.stats.c.membership_change.inc();
    this.#updateMembership();
  }

  #reuse(ip: string, spec: EndpointSpec): Host {
    return this.hosts.find((h) => h.address === ip && h.port === spec.port && h.weight === spec.weight) ?? new Host(ip, spec.port, spec.weight);
  }

  #retire(pool: ConnPool) {
    this.#retired.add(pool);
    pool.close().finally(() => this.#retired.delete(pool));
  }

  #updateMembership() {
    this.stats.g.membership_total.set(this.hosts.length);
    this.stats.g.membership_healthy.set(this.hosts.filter((h) => h.healthy).length);
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
