// What the router filter hands a RouterRequest: the chosen route, cluster and first host, the finalised upstream
// request, and the x-envoy-* request headers it consumed. Kept apart from the request's state machine
// (router-request.ts) so the router filter and the upgrade path share one contract.
import type { LbContext } from "../lb/load-balancer";
import type { Cluster } from "../upstream/cluster";
import type { Host } from "../upstream/host";
import type { FormatContext, HeaderMutation } from "./header-mutation";
import type { Shadow } from "./request-mirror";
import type { CompiledRoute } from "./route-compile";
import type { VirtualCluster } from "./virtual-clusters";

/** Envoy's default per_connection_buffer_limit_bytes: the most a retry may buffer of a request body. */
export const DEFAULT_BUFFER_LIMIT = 1024 * 1024;

/** The x-envoy-* request headers the router consumes (Envoy router filter docs, "HTTP header sanitizing"); never forwarded upstream. */
export interface RouterHeaders {
  retryOn: string | null;
  maxRetries: number | null;
  timeoutMs: number | null;
  perTryTimeoutMs: number | null;
  altResponse: boolean;
}

export interface RouterRequestInit {
  route: CompiledRoute;
  cluster: Cluster;
  host: Host;
  lb: LbContext;
  /** upstream request headers, finalised (rewrites, mutations, consumed x-envoy-* removed) */
  headers: string[];
  path: string;
  envoy: RouterHeaders;
  /** response mutations, innermost first (weighted cluster, route, virtual host, route configuration) */
  responseMutations: readonly (HeaderMutation | null)[];
  format: FormatContext;
  /** the virtual cluster the request counts in (virtual-clusters.ts) */
  vcluster?: VirtualCluster | null;
  /** Set-Cookie values of cookies a hash policy generated, added to the forwarded response */
  setCookies?: readonly string[] | null;
  /** request_mirror_policies copies, sent once the request (and its body) is complete */
  shadows?: Shadow[] | null;
}
