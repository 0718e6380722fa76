// What Envoy hands its filters from the server (Server::Configuration::ServerFactoryContext) that the HTTP filter
// seam's FilterFactoryContext does not carry: whether the admin's POST /healthcheck/fail is in effect
// (InstanceImpl::healthCheckFailed) and the local cluster name (node.cluster, LocalInfo::clusterName). One per
// server, found through the stats store every server component already gets, so filters read the live value
// without the seam growing a server reference.
import type { StatsStore } from "./stats/store";

export class ServerContext {
  /** POST /healthcheck/fail until POST /healthcheck/ok */
  healthCheckFailed = false;
  /** node.cluster ("" when unset): x-envoy-upstream-healthchecked-cluster */
  localClusterName = "";
}

const byStore = new WeakMap<StatsStore, ServerContext>();

export function serverContextOf(store: StatsStore): ServerContext {
  let c = byStore.get(store);
  if (c === undefined) byStore.set(store, (c = new ServerContext()));
  return c;
}
