// envoy.filters.http.health_check (docs/root/configuration/http/http_filters/health_check_filter.rst; the
// behaviour is source/extensions/filters/http/health_check/health_check.cc). A request matching `headers` is a
// health check: it is not traced (its span is dropped, as Envoy's setSampled(false)) and the access log's
// not_health_check_filter leaves it out. Outside pass-through mode the filter answers it once the request is
// complete: 200, or 503 with response flag LH after POST /healthcheck/fail (or when a cluster of
// cluster_min_healthy_percentages is not healthy enough). In pass-through mode it goes upstream unless the server
// failed its health check or a cached response (cache_time) answers it. Health-check responses carry
// x-envoy-upstream-healthchecked-cluster (node.cluster); while the server fails its health check every other
// response through the filter carries x-envoy-immediate-health-check-fail: true, which tells a downstream Envoy's
// health checker to take this host out at once.
import type { HealthCheckConfig } from "../../../config/http-filters/health-check";
import { durationToMs } from "../../../config/duration";
import { ExtraMatchers } from "../../../router/matchers";
import { sendLocalReply } from "../../../router/local-reply";
import { serverContextOf, type ServerContext } from "../../../server-context";
import type { ClusterManager } from "../../../upstream/cluster-manager";
import { FilterStatus, type FilterFactoryContext, type HttpFilter, type ResponseHead } from "../../filter";
import { ResponseFlag } from "../../response-flags";
import type { Stream } from "../../stream";
import { findHeader, setHeader } from "../header-list";
import { HealthCheckCache } from "./health-check-cache";
import { markHealthCheck } from "./health-check-mark";

const HEALTH_CHECK = 1;

export class HealthCheckFilter implements HttpFilter {
  readonly #matchers: ExtraMatchers | null;
  readonly #passThrough: boolean;
  readonly #cache: HealthCheckCache | null;
  readonly #minHealthy: readonly (readonly [string, number])[];
  readonly #server: ServerContext;
  readonly #clusters: ClusterManager;

  constructor(
    readonly name: string,
    config: HealthCheckConfig,
    private readonly index: number,
    ctx: FilterFactoryContext,
  ) {
    // no headers: every request is a health check (HeaderUtility::matchHeaders of an empty list)
    this.#matchers = config.headers?.length ? ExtraMatchers.compile({ prefix: "/", headers: config.headers }) : null;
    this.#passThrough = config.pass_through_mode;
    const cacheMs = config.cache_time === undefined ? 0 : durationToMs(config.cache_time);
    this.#cache = cacheMs > 0 ? new HealthCheckCache(cacheMs) : null;
    // only outside pass-through mode (config.cc); "12.5" counts as 12 (the proto's note: truncated)
    this.#minHealthy = this.#passThrough ? [] : Object.entries(config.cluster_min_healthy_percentages ?? {}).map(([c, p]) => [c, Math.trunc(p.value)] as const);
    this.#server = serverContextOf(ctx.store);
    this.#clusters = ctx.clusters;
  }

  static create(config: unknown, name: string, ctx: FilterFactoryContext): HttpFilter {
    return new HealthCheckFilter(name, config as HealthCheckConfig, ctx.index, ctx);
  }

  decodeHeaders(s: Stream): FilterStatus {
    if (this.#matchers !== null && !this.#matchers.match({ headers: s.headers, method: s.req.method ?? "GET", path: s.req.url ?? "/", authority: s.host })) return FilterStatus.Continue;
    s.setState(this.index, HEALTH_CHECK);
    markHealthCheck(s);
    untrace(s);
    const handling = !this.#passThrough || this.#server.healthCheckFailed || (this.#cache?.useCached ?? false);
    if (!handling) return FilterStatus.Continue;
    // answered once the request is complete; a body is read and dropped first
    if (!s.hasBody) this.#answer(s);
    else {
      s.req.once("end", () => this.#answer(s));
      s.req.resume();
    }
    return FilterStatus.StopIteration;
  }

  encodeHeaders(s: Stream, head: ResponseHead) {
    if (s.state<number>(this.index) === HEALTH_CHECK) {
      this.#cache?.set(head.status, findHeader(head.headers, "x-envoy-degraded") >= 0);
      setHeader(head.headers, "x-envoy-upstream-healthchecked-cluster", this.#server.localClusterName);
    } else if (this.#server.healthCheckFailed) setHeader(head.headers, "x-envoy-immediate-health-check-fail", "true");
  }

  /** HealthCheckFilter::onComplete */
  #answer(s: Stream) {
    let status = 200;
    let details = "health_check_ok";
    let degraded = false;
    if (this.#server.healthCheckFailed) {
      status = 503;
      details = "health_check_failed";
    } else if (this.#cache !== null) {
      status = this.#cache.status;
      degraded = this.#cache.degraded;
      details = "health_check_cached";
    } else if (this.#minHealthy.length > 0) [status, details] = this.#clusterHealth();
    if (status < 200 || status >= 300) s.responseFlags |= ResponseFlag.FailedLocalHealthCheck;
    s.details = details;
    sendLocalReply(s.res, s.hcm.serverName, status, "", false, degraded ? ["x-envoy-degraded", ""] : null);
  }

  /** Each listed cluster must exist and have at least its percentage of hosts healthy or degraded. */
  #clusterHealth(): [number, string] {
    let details = "health_check_ok";
    for (const [name, minPercent] of this.#minHealthy) {
      details = "health_check_ok_cluster_healthy";
      const cluster = this.#clusters.get(name);
      if (cluster === undefined) return [503, "health_check_failed_no_cluster_found"];
      const g = cluster.stats.g;
      const total = g.membership_total.value;
      if (total === 0) {
        if (minPercent === 0) continue;
        return [503, "health_check_failed_cluster_empty"];
      }
      if (100 * (g.membership_healthy.value + g.membership_degraded.value) < total * minPercent) return [503, "health_check_failed_cluster_unhealthy"];
    }
    return [200, details];
  }
}

/**
 * Envoy's setSampled(false) on the health check's span: nothing is reported, and a request that still goes
 * upstream (pass-through mode) tells the next hop it is not sampled.
 */
function untrace(s: Stream) {
  if (s.trace === null) return;
  s.trace = null;
  const h = s.headers;
  for (let i = 0; i < h.length; i += 2) {
    const n = h[i].toLowerCase();
    if (n === "x-b3-sampled") h[i + 1] = "0";
    else if (n === "b3") h[i + 1] = h[i + 1].replace(/^([0-9a-f]+-[0-9a-f]+)-(1|d)(-|$)/, "$1-0$3");
    else if (n === "traceparent") h[i + 1] = h[i + 1].replace(/-01$/, "-00");
  }
}
