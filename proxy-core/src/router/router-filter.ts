// The router (Envoy's router filter, spec §1.4): route match → no route (404) | direct_response | redirect |
// unknown cluster (503) | no healthy host (503) | forward: the upstream headers are finalised here (consumed
// x-envoy-* headers, rewrites, header mutations) and a RouterRequest takes over (retries, timeouts).
import type { Stream } from "../http/stream";
import { ResponseFlag } from "../http/response-flags";
import { combineHash, hash32 } from "../lb/hash";
import { NO_LB_CONTEXT, type LbContext } from "../lb/load-balancer";
import { applyMutations, type FormatContext, type HeaderMutation } from "./header-mutation";
import { LocalBodies, sendLocalReply } from "./local-reply";
import { headerValue } from "./matchers";
import { redirectLocation } from "./redirect";
import type { CompiledHashPolicy, CompiledRoute, WeightedEntry } from "./route-compile";
import { MatchInput } from "./route-table";
import { RouterRequest, type RouterHeaders } from "./router-request";
import { UpgradeRequest } from "./upgrade-request";

export function routeStream(s: Stream) {
  const hcm = s.hcm;
  const c = hcm.stats.c;
  const url = s.req.url ?? "/";
  const vh = hcm.routes.findVirtualHost(s.host);
  const route = vh === null ? null : hcm.routes.match(vh, new MatchInput(url, s.headers, s.req.method ?? "GET", s.host));
  if (route === null) {
    c.no_route.inc();
    s.responseFlags |= ResponseFlag.NoRouteFound;
    s.details = "route_not_found";
    return sendLocalReply(s.res, hcm.serverName, 404, "");
  }
  s.route = route;
  if (hcm.tracer !== null) hcm.tracer.onRoute(s, route);
  const format: FormatContext | null = route.hasMutations ? { requestHeaders: s.headers, downstreamRemoteAddress: remoteAddress(s), upstreamHost: "" } : null;
  if (route.direct !== null) {
    c.rq_direct_response.inc();
    s.details = "direct_response";
    return sendLocalReply(s.res, hcm.serverName, route.direct.status, route.direct.body, false, responseExtra(route.responseMutations, format, null));
  }
  if (route.redirect !== null) {
    c.rq_redirect.inc();
    // a redirect is one of Envoy's direct responses (DirectResponseEntry)
    s.details = "direct_response";
    const scheme = (s.req.socket as { encrypted?: boolean }).encrypted ? "https" : "http";
    const location = redirectLocation(route, route.redirect, scheme, s.host, url);
    return sendLocalReply(s.res, hcm.serverName, route.redirect.status, "", false, responseExtra(route.responseMutations, format, ["location", location]));
  }

  let clusterName = route.cluster!;
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
    return sendLocalReply(s.res, hcm.serverName, 503, "", false, responseExtra(responseMutations, format, null));
  }
  c.rq_total.inc();
  s.cluster = cluster;
  const headers = s.headers;
  const envoy = consumeEnvoyHeaders(headers);
  const hashKey = route.hashPolicy !== null ? computeHash(route.hashPolicy, headers, s) : null;
  const lb: LbContext = hashKey !== null ? { hashKey, excluded: null } : NO_LB_CONTEXT;
  const host = cluster.lb.chooseHost(lb);
  if (host === null) {
    cluster.stats.c.upstream_cx_none_healthy.inc();
    cluster.stats.chargeResponse(503);
    route.stats?.chargeResponse(503);
    s.responseFlags |= ResponseFlag.NoHealthyUpstream;
    s.details = "no_healthy_upstream";
    return sendLocalReply(s.res, hcm.serverName, 503, LocalBodies.noHealthyUpstream, false, responseExtra(responseMutations, format, null));
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
  new RouterRequest(s, { route, cluster, host, lb, headers, path, envoy, responseMutations, format: format ?? NO_FORMAT }).start();
}

const NO_FORMAT: FormatContext = Object.freeze({ requestHeaders: [], downstreamRemoteAddress: "", upstreamHost: "" });

function remoteAddress(s: Stream): string {
  const sock = s.req.socket;
  const a = sock.remoteAddress ?? "";
  return a.includes(":") ? `[${a}]:${sock.remotePort}` : `${a}:${sock.remotePort}`;
}

/** Response headers of a router local reply: `base` plus the route's response mutations (Envoy applies them). */
function responseExtra(levels: readonly (HeaderMutation | null)[], format: FormatContext | null, base: string[] | null): string[] | null {
  if (format === null) return base;
  const out = base ?? [];
  applyMutations(levels, out, format);
  return out;
}

/** Envoy draws a random number in [0, sum of weights) and walks the list cumulatively (spec §1.8). */
function pickWeighted(entries: readonly WeightedEntry[], total: number): WeightedEntry {
  const r = Math.floor(Math.random() * total);
  let acc = 0;
  for (const e of entries) {
    acc += e.weight;
    if (r < acc) return e;
  }
  return entries[entries.length - 1];
}

/** hash_policy → LbContext.hashKey: policies without a value are skipped; `terminal` stops after a value. */
function computeHash(policies: readonly CompiledHashPolicy[], headers: readonly string[], s: Stream): number | null {
  let key: number | null = null;
  for (const p of policies) {
    const v = p.header !== null ? headerValue(headers, p.header) : (s.req.socket.remoteAddress ?? null);
    if (v === null) continue;
    const h = hash32(v);
    key = key === null ? h : combineHash(key, h);
    if (p.terminal) break;
  }
  return key;
}

/** prefix_rewrite / regex_rewrite; the original goes to x-envoy-original-path (spec §1.6). */
function rewritePath(route: CompiledRoute, url: string, headers: string[]): string {
  let path: string;
  if (route.prefixRewrite !== null && route.kind !== "regex") path = route.prefixRewrite + url.slice(route.value.length);
  else if (route.regexRewrite !== null) {
    const q = url.indexOf("?");
    const p = q < 0 ? url : url.slice(0, q);
    path = p.replace(route.regexRewrite.re, route.regexRewrite.substitution) + (q < 0 ? "" : url.slice(q));
  } else return url;
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

/** Reads and removes the router's request headers (spec §4.5); invalid numbers are ignored, as in Envoy. */
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
