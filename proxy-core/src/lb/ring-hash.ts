// RING_HASH (ketama), as Envoy's ring_hash_lb.cc builds it: the ring has
// `min(ceil(min_normalized_weight × minimum_ring_size) / min_normalized_weight, maximum_ring_size)` entries,
// each host getting a share proportional to its weight, entry i of a host at hash32("<address>_<i>").
// A request's hash (LbContext.hashKey, from the route's hash_policy) picks the first entry at or after it,
// wrapping around; without a key the hash is random (a random host, Envoy's thread_aware_lb_impl.cc). Excluded
// hosts are skipped by walking on along the ring. Stats: ring_hash_lb.{size,min_hashes_per_host,max_hashes_per_host}.
import type { Gauge, Scope } from "../stats/store";
import type { Host } from "../upstream/host";
import { hash32 } from "./hash";
import { isExcluded, type LbContext, type LoadBalancer } from "./lb-context";

export const DEFAULT_MIN_RING_SIZE = 1024;
export const DEFAULT_MAX_RING_SIZE = 8 * 1024 * 1024;

export interface RingHashOptions {
  minimum_ring_size?: number;
  maximum_ring_size?: number;
}

export class RingHashLoadBalancer implements LoadBalancer {
  /** sorted ring positions and the host at each */
  #hashes = new Uint32Array(0);
  #hosts: Host[] = [];
  #distinct = 0;
  readonly #min: number;
  readonly #max: number;
  readonly #g: { size: Gauge; min_hashes_per_host: Gauge; max_hashes_per_host: Gauge } | null;

  constructor(hosts: readonly Host[], opts: RingHashOptions = {}, scope: Scope | null = null) {
    this.#min = opts.minimum_ring_size ?? DEFAULT_MIN_RING_SIZE;
    this.#max = opts.maximum_ring_size ?? DEFAULT_MAX_RING_SIZE;
    this.#g = scope && { size: scope.gauge("size"), min_hashes_per_host: scope.gauge("min_hashes_per_host"), max_hashes_per_host: scope.gauge("max_hashes_per_host") };
    this.setHosts(hosts);
  }

  get size(): number {
    return this.#hashes.length;
  }

  setHosts(hosts: readonly Host[]) {
    const entries: { hash: number; host: Host }[] = [];
    let minPer = 0;
    let maxPer = 0;
    const total = hosts.reduce((s, h) => s + h.weight, 0);
    if (hosts.length > 0) {
      const minNormalized = Math.min(...hosts.map((h) => h.weight / total));
      const scale = Math.min(Math.ceil(minNormalized * this.#min) / minNormalized, this.#max);
      minPer = Infinity;
      let current = 0;
      let target = 0;
      for (const h of hosts) {
        target += (scale * h.weight) / total;
        let i = 0;
        for (; current < target; i++, current++) entries.push({ hash: hash32(`${h.label}_${i}`), host: h });
        minPer = Math.min(minPer, i);
        maxPer = Math.max(maxPer, i);
      }
    }
    entries.sort((a, b) => a.hash - b.hash);
    this.#hashes = Uint32Array.from(entries, (e) => e.hash);
    this.#hosts = entries.map((e) => e.host);
    this.#distinct = new Set(hosts).size;
    this.#g?.size.set(entries.length);
    this.#g?.min_hashes_per_host.set(minPer);
    this.#g?.max_hashes_per_host.set(maxPer);
  }

  chooseHost(ctx: LbContext): Host | null {
    const n = this.#hashes.length;
    if (n === 0) return null;
    const key = ctx.hashKey ?? (Math.random() * 0x100000000) >>> 0;
    // first entry with hash >= key
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#hashes[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    const first = lo === n ? 0 : lo;
    if (ctx.excluded === null || !isExcluded(ctx, this.#hosts[first])) return this.#hosts[first];
    const seen = new Set<Host>();
    for (let k = 1; k < n && seen.size < this.#distinct; k++) {
      const h = this.#hosts[(first + k) % n];
      if (!isExcluded(ctx, h)) return h;
      seen.add(h);
    }
    return this.#hosts[first];
  }
}
