// The workers' `clusters` reports (every 5 s: each cluster's hosts with health flags and cumulative counters,
// and circuit-breaker usage against its limits; Envoy's admin /clusters). The latest report per node is kept;
// host request rates come from the counters' increase between a node's last two reports.
import type { ClusterReport, ClustersMessage } from "../../proxy-core/src/config/index";
import type { ClusterLive as ClusterLiveView } from "../contract/telemetry";
import type { z } from "zod";

type HostRates = { rps: number; errorRps: number };

interface NodeReport {
  ts: number;
  clusters: Map<string, ClusterReport>;
  /** `cluster\0address` → rates from the last two reports */
  rates: Map<string, HostRates>;
}

const hostKey = (cluster: string, label: string) => cluster + "\u0000" + label;
const round = (v: number) => Math.round(v * 1000) / 1000;

/** Counter increase per second between two reports; a counter that went down restarted from 0. */
function perSecond(prev: number | undefined, now: number | undefined, seconds: number): number {
  if (now === undefined || prev === undefined || seconds <= 0) return 0;
  return round((now >= prev ? now - prev : now) / seconds);
}

export class ClusterReports {
  readonly #nodes = new Map<string, NodeReport>();

  ingest(node: string, msg: Pick<ClustersMessage, "ts" | "clusters">) {
    const prev = this.#nodes.get(node);
    const seconds = prev ? (msg.ts - prev.ts) / 1000 : 0;
    const rates = new Map<string, HostRates>();
    for (const c of msg.clusters) {
      const before = prev?.clusters.get(c.name);
      for (const h of c.hosts) {
        const old = before?.hosts.find((x) => x.label === h.label);
        rates.set(hostKey(c.name, h.label), {
          rps: perSecond(old?.stats.rq_total, h.stats.rq_total, seconds),
          errorRps: perSecond(old?.stats.rq_error, h.stats.rq_error, seconds),
        });
      }
    }
    this.#nodes.set(node, { ts: msg.ts, clusters: new Map(msg.clusters.map((c) => [c.name, c])), rates });
  }

  /** A node that disconnected no longer reports on anything. */
  forget(node: string) {
    this.#nodes.delete(node);
  }

  has(name: string): boolean {
    for (const r of this.#nodes.values()) if (r.clusters.has(name)) return true;
    return false;
  }

  /** The cluster merged over every node that reports it: usage summed, limits per node, hosts by address. */
  live(name: string, traffic: z.input<typeof ClusterLiveView>["traffic"]): z.input<typeof ClusterLiveView> {
    const usage = { connections: { now: 0, max: 0 }, pending: { now: 0, max: 0 }, requests: { now: 0, max: 0 }, retries: { now: 0, max: 0 } };
    const endpoints = new Map<string, z.input<typeof ClusterLiveView>["endpoints"][number]>();
    for (const r of this.#nodes.values()) {
      const c = r.clusters.get(name);
      if (!c) continue;
      addUsage(usage, c);
      for (const h of c.hosts) {
        const rates = r.rates.get(hostKey(name, h.label)) ?? { rps: 0, errorRps: 0 };
        const e = endpoints.get(h.label);
        if (!e) {
          // `label` is host:port (Envoy's /clusters names a host so); `address` is the IP alone
          endpoints.set(h.label, {
            address: h.label, weight: h.weight, healthFlags: h.healthFlags, rps: rates.rps, errorRps: rates.errorRps,
            activeRequests: h.stats.rq_active ?? 0, activeConnections: h.stats.cx_active ?? 0,
          });
          continue;
        }
        e.rps = round(e.rps + rates.rps);
        e.errorRps = round(e.errorRps + rates.errorRps);
        e.activeRequests += h.stats.rq_active ?? 0;
        e.activeConnections += h.stats.cx_active ?? 0;
        // a host some node sees unhealthy is shown unhealthy
        if (e.healthFlags === "healthy" && h.healthFlags !== "healthy") e.healthFlags = h.healthFlags;
      }
    }
    return { name, usage, endpoints: [...endpoints.values()], traffic };
  }
}

function addUsage(u: Record<"connections" | "pending" | "requests" | "retries", { now: number; max: number }>, c: ClusterReport) {
  u.connections.now += c.usage.connections;
  u.pending.now += c.usage.pending;
  u.requests.now += c.usage.requests;
  u.retries.now += c.usage.retries;
  u.connections.max = Math.max(u.connections.max, c.limits.max_connections);
  u.pending.max = Math.max(u.pending.max, c.limits.max_pending_requests);
  u.requests.max = Math.max(u.requests.max, c.limits.max_requests);
  u.retries.max = Math.max(u.retries.max, c.limits.max_retries);
}
