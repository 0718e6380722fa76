// Builds the clusters of one config. A cluster whose config is unchanged from the previous manager is
// reused as is (same hosts, same warm keep-alive pools), so a snapshot that only touches routes costs nothing.
// It also carries the worker's runtime (src/runtime/), which outlives every config: the router and the HTTP filters
// reach it as `clusters.runtime` (Envoy's server factory context gives them runtime() the same way).
import { EventEmitter } from "node:events";
import { Runtime } from "../runtime/runtime";
import type { Cluster as ClusterConfig } from "../config/schema";
import type { StatsStore } from "../stats/store";
import { sanitizeStatName } from "../stats/store";
import { Cluster } from "./cluster";
import { NO_SECRETS, secretsUsedBy, type SecretSet } from "../tls/material";

export class ClusterManager {
  readonly clusters = new Map<string, Cluster>();
  #keys = new Map<string, string>();

  constructor(
    configs: readonly ClusterConfig[],
    store: StatsStore,
    readonly events: EventEmitter,
    previous: ClusterManager | null,
    log?: (msg: string) => void,
    /** the process's runtime; a private one without layers (every default applies) when not given */
    readonly runtime: Runtime = previous?.runtime ?? new Runtime(),
    /** the secrets the clusters' TLS contexts may name */
    secrets: SecretSet = NO_SECRETS,
  ) {
    for (const cfg of configs) {
      // a rotated secret makes a new cluster (new connections present the new client certificate; the old
      // cluster's in-flight requests finish on theirs), as a changed config does
      const key = JSON.stringify(cfg) + JSON.stringify(secretsUsedBy(cfg.transport_socket?.typed_config.common_tls_context, secrets));
      const old = previous?.clusters.get(cfg.name);
      const reuse = old && previous!.#keys.get(cfg.name) === key;
      this.clusters.set(cfg.name, reuse ? old : new Cluster(cfg, store.scope(`cluster.${sanitizeStatName(cfg.name)}`), events, log, secrets));
      this.#keys.set(cfg.name, key);
    }
  }

  get(name: string): Cluster | undefined {
    return this.clusters.get(name);
  }

  /** Resolves STRICT_DNS clusters that are new in this manager (warming). */
  async initialize(): Promise<void> {
    await Promise.all([...this.clusters.values()].map((c) => c.initialize()));
  }

  /** Clusters of this manager that `next` does not reuse. */
  retiredBy(next: ClusterManager): Cluster[] {
    return [...this.clusters.values()].filter((c) => next.clusters.get(c.name) !== c);
  }

  async close(): Promise<void> {
    await Promise.all([...this.clusters.values()].map((c) => c.close()));
  }
}
