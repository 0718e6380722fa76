// Envoy's fifth circuit breaker, max_connection_pools (ResourceManagerImpl's connection_pools_): how many
// connection pools a cluster may have, one per host here. Signalbox does not accept the threshold, so it is
// Envoy's default, unlimited (the largest uint64): `circuit_breakers.default.cx_pool_open` stays 0 and, with
// `track_remaining`, `remaining_cx_pools` reads that maximum less the pools in use, as Envoy's does.
import type { Gauge, Scope } from "../stats/store";

/** Envoy's default max_connection_pools (std::numeric_limits<uint64_t>::max(), as a double). */
export const UNLIMITED_CONNECTION_POOLS = 2 ** 64 - 1;

export class ConnectionPoolCount {
  count = 0;
  readonly #remaining: Gauge | null;

  /** `breakers`: the `cluster.<name>.circuit_breakers.default.` scope */
  constructor(breakers: Scope, trackRemaining: boolean) {
    breakers.gauge("cx_pool_open").set(0);
    this.#remaining = trackRemaining ? breakers.gauge("remaining_cx_pools") : null;
    this.#remaining?.set(UNLIMITED_CONNECTION_POOLS);
  }

  inc() {
    this.count++;
    this.#remaining?.set(UNLIMITED_CONNECTION_POOLS - this.count);
  }

  dec() {
    this.count--;
    this.#remaining?.set(UNLIMITED_CONNECTION_POOLS - this.count);
  }
}
