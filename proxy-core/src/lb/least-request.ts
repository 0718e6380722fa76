// LEAST_REQUEST (Envoy docs: Supported load balancers). Equal weights: power of `choice_count` choices: sample
// that many distinct random hosts and take the one with the fewest active requests (with 2 hosts and the default
// 2 choices both are always compared). Unequal weights: weighted round robin where each host's weight is
// `weight / (active_requests + 1)` (Envoy's active_request_bias at its default 1.0), recomputed on every pick.
import type { Host } from "../upstream/host";
import { candidates, type LbContext, type LoadBalancer } from "./lb-context";

export class LeastRequestLoadBalancer implements LoadBalancer {
  #hosts: Host[] = [];
  #weighted = false;
  #current = new Map<Host, number>();

  constructor(
    hosts: readonly Host[],
    readonly choiceCount = 2,
  ) {
    this.setHosts(hosts);
  }

  setHosts(hosts: readonly Host[]) {
    this.#hosts = [...hosts];
    this.#weighted = this.#hosts.some((h) => h.weight !== this.#hosts[0].weight);
    this.#current = new Map(this.#hosts.map((h) => [h, 0]));
  }

  chooseHost(ctx: LbContext): Host | null {
    const hosts = candidates(this.#hosts, ctx);
    if (hosts.length === 0) return null;
    return this.#weighted ? this.#weightedPick(hosts) : this.#p2c(hosts);
  }

  #p2c(hosts: readonly Host[]): Host {
    const n = hosts.length;
    if (this.choiceCount >= n) {
      // every host is a choice: a full scan, starting at a random host so ties spread
      const start = Math.floor(Math.random() * n);
      let best = hosts[start];
      for (let i = 1; i < n; i++) {
        const h = hosts[(start + i) % n];
        if (h.stats.rq_active < best.stats.rq_active) best = h;
      }
      return best;
    }
    // distinct samples: a partial Fisher-Yates over an index array
    const idx = Array.from({ length: n }, (_, i) => i);
    let best: Host | null = null;
    for (let k = 0; k < this.choiceCount; k++) {
      const j = k + Math.floor(Math.random() * (n - k));
      [idx[k], idx[j]] = [idx[j], idx[k]];
      const h = hosts[idx[k]];
      if (best === null || h.stats.rq_active < best.stats.rq_active) best = h;
    }
    return best!;
  }

  #weightedPick(hosts: readonly Host[]): Host {
    let total = 0;
    let best: Host | null = null;
    let bestScore = -Infinity;
    for (const h of hosts) {
      const w = h.weight / (h.stats.rq_active + 1);
      total += w;
      const score = (this.#current.get(h) ?? 0) + w;
      this.#current.set(h, score);
      if (score > bestScore) {
        bestScore = score;
        best = h;
      }
    }
    this.#current.set(best!, bestScore - total);
    return best!;
  }
}
