// Applies a new set of listeners in two phases, like Envoy's listener manager:
// prepare() binds every *new* address (keeping sockets of addresses that stay), and fails as a whole
// on EADDRINUSE; commit() then swaps the connection managers and drains removed listeners.
import type { Listener as ListenerConfig } from "../config/schema";
import type { StatsStore } from "../stats/store";
import { buildChains, Listener, type ChainSet, type MakeHcm, type MakeTcpProxy } from "./listener";
import type { SecretSet } from "../tls/material";

/**
 * Whether an apply was refused only because a new listener's address is taken (the error prepare() throws below
 * on EADDRINUSE): unlike a bad config, that can change by itself, once whoever holds the address lets it go.
 */
export function isAddressInUse(message: string): boolean {
  return /: cannot bind \S+: EADDRINUSE$/m.test(message);
}

export interface ListenerPlan {
  commit(): void;
  abort(): Promise<void>;
}

export class ListenerManager {
  /** by listener name */
  readonly active = new Map<string, Listener>();

  constructor(
    private readonly store: StatsStore,
    private readonly drainMs: number,
  ) {}

  /**
   * Builds every listener's filter chains (HCMs, tcp_proxies, TLS contexts from files and `secrets`: may throw)
   * and binds new addresses.
   */
  async prepare(configs: readonly ListenerConfig[], makeHcm: MakeHcm, makeTcpProxy?: MakeTcpProxy, secrets?: SecretSet): Promise<ListenerPlan> {
    const chainSets = configs.map((cfg) => buildChains(cfg, makeHcm, makeTcpProxy, secrets));
    // an address that stays keeps its socket. A listener configured with port 0 is identified by its
    // name (the port is not unique) or by the port it actually got
    const sameAddress = (l: Listener, address: string, port: number) =>
      l.config.address.socket_address.address === address && (l.config.address.socket_address.port_value === port || (port !== 0 && l.port === port));
    const keep: { listener: Listener; config: ListenerConfig; chains: ChainSet }[] = [];
    const fresh: Listener[] = [];
    const used = new Set<Listener>();
    for (let i = 0; i < configs.length; i++) {
      const cfg = configs[i];
      const { address, port_value } = cfg.address.socket_address;
      const candidates = [...this.active.values()].filter((l) => !used.has(l) && sameAddress(l, address, port_value));
      const existing = candidates.find((l) => l.config.name === cfg.name) ?? (port_value !== 0 ? candidates[0] : undefined);
      if (existing) {
        used.add(existing);
        keep.push({ listener: existing, config: cfg, chains: chainSets[i] });
      } else fresh.push(new Listener(cfg, chainSets[i], this.store));
    }
    const removed = [...this.active.values()].filter((l) => !used.has(l));
    try {
      // like Envoy, new sockets are bound before old ones close; a renamed listener on the same address
      // was matched above and keeps its socket
      await Promise.all(fresh.map((l) => l.listen()));
    } catch (err) {
      await Promise.all(fresh.map((l) => (l.server.listening ? l.close(0) : Promise.resolve())));
      const e = err as NodeJS.ErrnoException;
      const which = fresh.find((l) => !l.server.listening);
      throw new Error(`listener ${which?.config.name ?? "?"}: cannot bind ${which?.key ?? ""}: ${e.code ?? e.message}`);
    }
    return {
      commit: () => {
        for (const k of keep) k.listener.update(k.config, k.chains, this.drainMs);
        this.active.clear();
        for (const k of keep) this.active.set(k.config.name, k.listener);
        for (const l of fresh) this.active.set(l.config.name, l);
        for (const l of removed) void l.close(this.drainMs);
      },
      abort: async () => {
        await Promise.all(fresh.map((l) => l.close(0)));
      },
    };
  }

  async closeAll(drainMs: number) {
    await Promise.all([...this.active.values()].map((l) => l.close(drainMs)));
    this.active.clear();
  }
}
