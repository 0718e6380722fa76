// The gRPC authorization service client (Envoy's GrpcClientImpl, ext_authz_grpc_impl.cc, over an envoy_grpc
// target): each check calls envoy.service.auth.v3.Authorization/Check on a host the cluster's load balancer picks
// (health and panic included), with `timeout` as the call's deadline. @grpc/grpc-js speaks HTTP/2 to it over one
// channel per host, reused by every check of every filter for that host and authority. Envoy's gRPC client
// sends through the cluster's HTTP/2 pool, so the cluster's max_requests circuit breaker and request stats are
// kept here too; connections are grpc-js's own (no max_connections, upstream_cx_* or connect_timeout for them).
import type { ChannelCredentials, Client, Metadata, ServiceError } from "@grpc/grpc-js";
import { performance } from "node:perf_hooks";
import { NO_LB_CONTEXT } from "../../../lb/load-balancer";
import type { Cluster } from "../../../upstream/cluster";
import type { ClusterManager } from "../../../upstream/cluster-manager";
import type { Host } from "../../../upstream/host";
import { GrpcCode, authorizationClient, grpcJs, type CheckRequestMessage, type CheckResponseMessage } from "./auth-proto";
import { errorResponse, fromCheckResponse, type AuthzResponse } from "./authz-response";

/** An authorization call in flight; cancelled when the downstream request goes away. */
export interface AuthzCall {
  cancel(): void;
}

export interface GrpcServiceClient {
  readonly clusterName: string;
  /** `:authority` of the calls: envoy_grpc.authority, else the cluster name (as Envoy sends it) */
  readonly authority: string;
  /** 0: no deadline */
  readonly timeoutMs: number;
  /** initial_metadata, sent with every call */
  readonly metadata: readonly (readonly [string, string])[];
}

/** Idle channels let their connection go after this long (the next check reconnects). */
const CHANNEL_IDLE_MS = 300_000;

type CheckClient = Client & {
  Check(req: CheckRequestMessage, md: Metadata, opts: { deadline: number }, cb: (err: ServiceError | null, res?: CheckResponseMessage) => void): { cancel(): void };
};

/** channels by cluster (its config object lives as long as the cluster), then host and authority */
const channels = new WeakMap<Cluster, Map<Host, Map<string, CheckClient>>>();

export function grpcCheck(client: GrpcServiceClient, clusters: ClusterManager, req: CheckRequestMessage, done: (r: AuthzResponse) => void): AuthzCall {
  const cluster = clusters.get(client.clusterName);
  const host = cluster?.lb.chooseHost(NO_LB_CONTEXT) ?? null;
  if (cluster === undefined || host === null) {
    if (cluster !== undefined) cluster.stats.c.upstream_cx_none_healthy.inc();
    return failSoon(done);
  }
  const res = cluster.resources.requests;
  const stats = cluster.stats;
  if (!res.canCreate()) {
    res.refuse();
    stats.c.upstream_rq_pending_overflow.inc();
    return failSoon(done);
  }
  res.inc();
  stats.c.upstream_rq_total.inc();
  stats.g.upstream_rq_active.inc();
  host.stats.rq_total++;
  host.stats.rq_active++;
  const startMs = performance.now();
  let finished = false;
  const finish = (r: AuthzResponse | null) => {
    if (finished) return;
    finished = true;
    res.dec();
    stats.g.upstream_rq_active.dec();
    host.stats.rq_active--;
    if (r !== null) done(r);
  };
  const md = new (grpcJs().Metadata)();
  for (const [k, v] of client.metadata) md.add(k, v);
  const deadline = client.timeoutMs > 0 ? Date.now() + client.timeoutMs : Infinity;
  const onAnswer = (err: ServiceError | null, msg?: CheckResponseMessage) => {
    if (finished) return;
    if (err !== null || msg === undefined) {
      if (err?.code === GrpcCode.DEADLINE_EXCEEDED) stats.c.upstream_rq_timeout.inc();
      if (err?.code === GrpcCode.UNAVAILABLE) cluster.reportResult(host, 0);
      return finish(errorResponse());
    }
    stats.chargeResponse(200);
    stats.upstream_rq_time.recordMs(performance.now() - startMs);
    cluster.reportResult(host, 200);
    finish(fromCheckResponse(msg));
  };
  let call: { cancel(): void };
  try {
    call = channelFor(cluster, host, client.authority).Check(req, md, { deadline }, onAnswer);
  } catch {
    // a channel that cannot take the call (closed meanwhile): an error answer like any failed call
    finish(null);
    return failSoon(done);
  }
  return { cancel: () => (finished ? undefined : (finish(null), call.cancel())) };
}

/**
 * Opens the channels to the cluster's hosts before the first check, so that its deadline (the seed's 250 ms) is
 * not spent setting up grpc-js's first HTTP/2 connection. Clusters are warmed before filters are built.
 */
export function preconnect(client: GrpcServiceClient, clusters: ClusterManager) {
  const cluster = clusters.get(client.clusterName);
  if (cluster === undefined) return;
  for (const h of cluster.hosts) if (h.healthy) channelFor(cluster, h, client.authority).getChannel().getConnectivityState(true);
}

function failSoon(done: (r: AuthzResponse) => void): AuthzCall {
  let cancelled = false;
  queueMicrotask(() => {
    if (!cancelled) done(errorResponse());
  });
  return { cancel: () => void (cancelled = true) };
}

function channelFor(cluster: Cluster, host: Host, authority: string): CheckClient {
  let byHost = channels.get(cluster);
  if (byHost === undefined) channels.set(cluster, (byHost = new Map()));
  // hosts a DNS refresh removed: their channels close
  if (byHost.size > cluster.hosts.length) for (const [h, m] of byHost) if (!cluster.hosts.includes(h)) closeAll(byHost, h, m);
  let byAuthority = byHost.get(host);
  if (byAuthority === undefined) byHost.set(host, (byAuthority = new Map()));
  let c = byAuthority.get(authority);
  if (c === undefined) {
    const Authorization = authorizationClient();
    const target = host.connectAddress.includes(":") ? `ipv6:[${host.connectAddress}]:${host.port}` : `ipv4:${host.connectAddress}:${host.port}`;
    const tls = cluster.tls;
    c = new Authorization(target, channelCredentials(cluster), {
      "grpc.default_authority": authority,
      // Envoy's gRPC client retries nothing unless a retry_policy says so
      "grpc.enable_retries": 0,
      "grpc.service_config_disable_resolution": 1,
      "grpc.client_idle_timeout_ms": CHANNEL_IDLE_MS,
      // a host that refused a connection is tried again soon, closer to Envoy's pool, which dials per request
      "grpc.initial_reconnect_backoff_ms": 100,
      "grpc.max_reconnect_backoff_ms": 1000,
      ...(tls?.sni ? { "grpc.ssl_target_name_override": tls.sni } : {}),
    }) as unknown as CheckClient;
    byAuthority.set(authority, c);
  }
  return c;
}

function closeAll(byHost: Map<Host, Map<string, CheckClient>>, h: Host, m: Map<string, CheckClient>) {
  for (const c of m.values()) c.close();
  byHost.delete(h);
}

/** The cluster's transport_socket as gRPC channel credentials (plaintext without one). */
function channelCredentials(cluster: Cluster): ChannelCredentials {
  const tls = cluster.tls;
  const { credentials } = grpcJs();
  if (tls === null) return credentials.createInsecure();
  const o = tls.options;
  const buf = (v: unknown) => (typeof v === "string" ? Buffer.from(v) : null);
  return credentials.createSsl(buf(o.ca), buf(o.key), buf(o.cert), {
    rejectUnauthorized: o.rejectUnauthorized !== false,
    // like the router's upstream TLS: the chain is checked against trusted_ca, the name is not
    checkServerIdentity: () => undefined,
  });
}
