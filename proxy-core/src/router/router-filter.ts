// The router (Envoy's router filter, router.cc): route match → no route (404) | direct_response | redirect |
// unknown cluster (503) | no healthy host (503) | forward: the upstream headers are finalised here (consumed
// x-envoy-* headers, rewrites, header mutations) and a RouterRequest takes over (retries, timeouts). Shadows
// (request_mirror_policies) are chosen here from the finalised headers and sent by the RouterRequest.
import type { Stream } from "../http/stream";
import { ResponseFlag } from "../http/response-flags";
import { NO_LB_CONTEXT, type LbContext } from "../lb/load-balancer";
import { applyMutations, type FormatContext, type HeaderMutation } from "./header-mutation";
import { LocalBodies, sendLocalReply, type ReplyMutations } from "./local-reply";
import { redirectLocation } from "./redirect";
import { rewrittenPath, weightedEntryAt, type CompiledRoute, type WeightedEntry } from "./route-compile";
import { MatchInput, isTlsRedirect } from "./route-table";
import { selectShadows } from "./request-mirror";
import { RouterRequest } from "./router-request";
import type { RouterHeaders } from "./router-request-init";
import { UpgradeRequest } from "./upgrade-request";

/** The terminal filter: the route the connection manager selected (`s.route`) decides what happens. */
export function routeStream(s: Stream) {
  const hcm = s.hcm;
  const c = hcm.stats.c;
  const url = s.req.url ?? "/";
  const route = s.route;
  if (route === null) {
    c.no_route.inc();
    s.responseFlags |= ResponseFlag.NoRouteFound;
    s.details = "route_not_found";
    return sendLocalReply(s.res, hcm.serverName, 404, "");
  }
  const format: FormatContext | null = route.hasMutations ? { requestHeaders: s.headers, downstreamRemoteAddress: remoteAddress(s), upstreamHost: "" } : null;
  if (route.direct !== null) {
    c.rq_direct_response.inc();
    s.details = "direct_response";
    return sendLocalReply(s.res, hcm.serverName, route.direct.status, route.direct.body, false, null, replyMutations(route.responseMutations, format));
  }
  if (route.redirect !== null) {
    // require_tls: Envoy's SslRedirectRoute, a direct response entry like any (router.cc counts rq_direct_response),
    // to `https://` + the Host header as sent + :path (Http::Utility::createSslRedirectPath)
    const tls = isTlsRedirect(route);
    if (tls) c.rq_direct_response.inc();
    else c.rq_redirect.inc();
    // a redirect is one of Envoy's direct responses (DirectResponseEntry)
    s.details = "direct_response";
    const scheme = (s.req.socket as { encrypted?: boolean }).encrypted ? "https" : "http";
    const location = tls ? `https://${s.host}${url}` : redirectLocation(route, route.redirect, scheme, s.host, url);
    return sendLocalReply(s.res, hcm.serverName, route.redirect.status, "", false, ["location", location], replyMutations(route.responseMutations, format));
  }

  // cluster_header: its first value names the cluster; absent, it names none (Envoy's DynamicRouteEntry with "")
  let clusterName = route.clusterHeader !== null ? (firstValue(s.headers, route.clusterHeader) ?? "") : route.cluster!;
  let wc: WeightedEntry | null = null;
  if (route.weighted !== null) {
    wc = pickWeighted(route.weighted.entries, route.weighted.total);
    clusterName = wc.name;
  }
  const responseMutations = wc !== null && wc.response !== null ? [wc.response, ...route.responseMutations] : route.responseMutations;
  const cluster = hcm.clusters.get(clusterName);
  if (cluster === undefined) {
    c.no_cluster.inc();
    s.responseFlags |= ResponseFlag.NoClusterFound;
    s.details = "cluster_not_found";
    return sendLocalReply(s.res, hcm.serverName, 503, "", false, null, replyMutations(responseMutations, format));
  }
  c.rq_total.inc();
  s.cluster = cluster;
  const headers = s.headers;
  // Envoy picks the virtual cluster once the route's cluster is known, on the headers as they arrived
  const vcluster = route.virtualClusters !== null ? route.virtualClusters.select(new MatchInput(url, headers, s.req.method ?? "GET", s.host)) : null;
  s.virtualCluster = vcluster;
  const envoy = consumeEnvoyHeaders(headers);
  let lb: LbContext = NO_LB_CONTEXT;
  let setCookies: string[] | null = null;
  // only a hashing balancer asks for the key (LoadBalancerContext::computeHashKey), so only it gets cookies
  if (route.hashPolicy !== null && cluster.lb.hashing) {
    const cookies: string[] = [];
    const sock = s.req.socket;
    const connectionAddresses = hostPort(sock.remoteAddress, sock.remotePort) + hostPort(sock.localAddress, sock.localPort);
    const hashKey = route.hashPolicy.compute({ headers, path: url, sourceIp: sock.remoteAddress ?? null, connectionAddresses }, cookies);
    if (hashKey !== null) lb = { hashKey, excluded: null };
    if (cookies.length > 0) setCookies = cookies;
  }
  const host = cluster.lb.chooseHost(lb);
  if (host === null) {
    cluster.stats.c.upstream_cx_none_healthy.inc();
    cluster.stats.chargeResponse(503);
    route.stats?.chargeResponse(503);
    vcluster?.stats.chargeResponse(503);
    s.responseFlags |= ResponseFlag.NoHealthyUpstream;
    s.details = "no_healthy_upstream";
    return sendLocalReply(s.res, hcm.serverName, 503, LocalBodies.noHealthyUpstream, false, null, replyMutations(responseMutations, format));
  }
  const path = rewritePath(route, url, headers);
  s.path = path;
  const hostRewrite = wc?.hostRewrite ?? route.hostRewrite;
  if (hostRewrite !== null) setHost(headers, hostRewrite);
  if (format !== null) {
    (format as { upstreamHost: string }).upstreamHost = host.label;
    const requestMutations = wc !== null && wc.request !== null ? [wc.request, ...route.requestMutations] : route.requestMutations;
    applyMutations(requestMutations, headers, format);
  }
  // an upgrade takes the same route processing and the cluster's pool, then leaves HTTP on a 101
  if (s.upgrade !== null) return void new UpgradeRequest(s, { cluster, host, headers, path, responseMutations: route.hasMutations ? responseMutations : null, format: format ?? NO_FORMAT }).start();
  const shadows = route.mirrorPolicies !== null ? selectShadows(route.mirrorPolicies, hcm.clusters, headers, hcm.tracer !== null) : null;
  new RouterRequest(s, { route, cluster, host, lb, headers, path, envoy, responseMutations, format: format ?? NO_FORMAT, vcluster, setCookies, shadows }).start();
}

const NO_FORMAT: FormatContext = Object.freeze({ requestHeaders: [], downstreamRemoteAddress: "", upstreamHost: "" });

function remoteAddress(s: Stream): string {
  const sock = s.req.socket;
  const a = sock.remoteAddress ?? "";
  return a.includes(":") ? `[${a}]:${sock.remotePort}` : `${a}:${sock.remotePort}`;
}

/** Network::Address::asString: `ip:port`, `[ip6]:port`. */
function hostPort(a: string | undefined, port: number | undefined): string {
  return a === undefined ? "" : a.includes(":") ? `[${a}]:${port}` : `${a}:${port}`;
}

/** The first value of a request header (Envoy reads only that one where a header names something). */
function firstValue(headers: readonly string[], lowerName: string): string | null {
  for (let i = 0; i < headers.length; i += 2) if (headers[i].length === lowerName.length && headers[i].toLowerCase() === lowerName) return headers[i + 1];
  return null;
}

function replyMutations(levels: readonly (HeaderMutation | null)[], format: FormatContext | null): ReplyMutations | null {
  return format === null ? null : { levels, format };
}


/** Envoy draws a random number in [0, sum of weights) and walks the list cumulatively (pickWeightedCluster). */
function pickWeighted(entries: readonly WeightedEntry[], total: number): WeightedEntry {
  return weightedEntryAt(entries, Math.floor(Math.random() * total));
}

/** prefix_rewrite / regex_rewrite; the original goes to x-envoy-original-path (Envoy's router_filter.rst). */
function rewritePath(route: CompiledRoute, url: string, headers: string[]): string {
  const path = rewrittenPath(route, url);
  if (path === null) return url;
  headers.push("x-envoy-original-path", url);
  return path;
}

function setHost(headers: string[], host: string) {
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i].length === 4 && headers[i].toLowerCase() === "host") {
      headers[i + 1] = host;
      return;
    }
  }
  headers.push("host", host);
}

const CONSUMED = new Set([
  "x-envoy-retry-on",
  "x-envoy-retry-grpc-on",
  "x-envoy-max-retries",
  "x-envoy-retriable-status-codes",
  "x-envoy-retriable-header-names",
  "x-envoy-upstream-rq-timeout-ms",
  "x-envoy-upstream-rq-per-try-timeout-ms",
  "x-envoy-upstream-rq-timeout-alt-response",
  "x-envoy-hedge-on-per-try-timeout",
]);

const NO_ENVOY_HEADERS: RouterHeaders = Object.freeze({ retryOn: null, maxRetries: null, timeoutMs: null, perTryTimeoutMs: null, altResponse: false });

function uint(v: string): number | null {
  return /^\d+$/.test(v) ? Number(v) : null;
}

/** Reads and removes the router's request headers (Envoy docs: Router); invalid numbers are ignored, as in Envoy. */
function consumeEnvoyHeaders(headers: string[]): RouterHeaders {
  let out: RouterHeaders | null = null;
  for (let i = headers.length - 2; i >= 0; i -= 2) {
    const name = headers[i];
    // cheap pre-check: "x-envoy-…" (most requests have none)
    if (name.length < 14 || (name.charCodeAt(0) | 32) !== 120 || name.charCodeAt(1) !== 45) continue;
    const lower = name.toLowerCase();
    if (!CONSUMED.has(lower)) continue;
    const v = headers[i + 1];
    out ??= { ...NO_ENVOY_HEADERS };
    if (lower === "x-envoy-retry-on") out.retryOn = out.retryOn === null ? v : `${v},${out.retryOn}`;
    else if (lower === "x-envoy-max-retries") out.maxRetries = uint(v) ?? out.maxRetries;
    else if (lower === "x-envoy-upstream-rq-timeout-ms") out.timeoutMs = uint(v) ?? out.timeoutMs;
    else if (lower === "x-envoy-upstream-rq-per-try-timeout-ms") out.perTryTimeoutMs = uint(v) ?? out.perTryTimeoutMs;
    else if (lower === "x-envoy-upstream-rq-timeout-alt-response") out.altResponse = true;
    headers.splice(i, 2);
  }
  return out ?? NO_ENVOY_HEADERS;
}
