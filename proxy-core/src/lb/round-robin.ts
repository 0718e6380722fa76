// ROUND_ROBIN. Equal weights: a plain rotating index (the common case, O(1)). Unequal weights: smooth
// weighted round robin (nginx's algorithm), which spreads a host's turns evenly like Envoy's EDF schedule.
// Excluded hosts (previous_hosts retries) are skipped; if every host is excluded the next one is used anyway.
import type { Host } from "../upstream/host";
import { isExcluded, type LbContext, type LoadBalancer } from "./lb-context";

export class RoundRobinLoadBalancer implements LoadBalancer {
  #hosts: Host[] = [];
  #next = 0;
  #weighted = false;
  #current: number[] = [];
  #totalWeight = 0;

  constructor(hosts: readonly Host[]) {
    this.setHosts(hosts);
  }

  setHosts(hosts: readonly Host[]) {
    this.#hosts = [...hosts];
    // Envoy randomises the starting host so a fleet of proxies doesn't hit the same upstream first
    this.#next = this.#hosts.length ? Math.floor(Math.random() * this.#hosts.length) : 0;
    this.#weighted = this.#hosts.some((h) => h.weight !== this.#hosts[0].weight);
    this.#current = this.#hosts.map(() => 0);
    this.#totalWeight = this.#hosts.reduce((s, h) => s + h.weight, 0);
  }

  chooseHost(ctx: LbContext): Host | null {
    const n = this.#hosts.length;
    if (n === 0) return null;
    let h = this.#pick();
    if (ctx.excluded === null) return h;
    // a full weighted cycle visits every host, so this finds a non-excluded one if there is any
    const tries = this.#weighted ? this.#totalWeight : n;
    for (let i = 1; i < tries && isExcluded(ctx, h); i++) h = this.#pick();
    return h;
  }

  #pick(): Host {
    const hosts = this.#hosts;
    const n = hosts.length;
    if (!this.#weighted) {
      const h = hosts[this.#next];
      this.#next = this.#next + 1 === n ? 0 : this.#next + 1;
      return h;
    }
    let best = 0;
    for (let i = 0; i < n; i++) {
      this.#current[i] += hosts[i].weight;
      if (this.#current[i] > this.#current[best]) best = i;
    }
    this.#current[best] -= this.#totalWeight;
    return hosts[best];
  }
}
