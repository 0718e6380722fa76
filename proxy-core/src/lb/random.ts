// RANDOM: uniform over the available hosts (Envoy docs: Supported load balancers), avoiding excluded hosts while
// any other is left.
import type { Host } from "../upstream/host";
import { candidates, type LbContext, type LoadBalancer } from "./lb-context";

export class RandomLoadBalancer implements LoadBalancer {
  #hosts: readonly Host[] = [];

  constructor(hosts: readonly Host[]) {
    this.setHosts(hosts);
  }

  setHosts(hosts: readonly Host[]) {
    this.#hosts = [...hosts];
  }

  chooseHost(ctx: LbContext): Host | null {
    const hosts = candidates(this.#hosts, ctx);
    if (hosts.length === 0) return null;
    return hosts[Math.floor(Math.random() * hosts.length)];
  }
}
