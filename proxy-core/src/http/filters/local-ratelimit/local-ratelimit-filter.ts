// envoy.filters.http.local_ratelimit (docs/root/configuration/http/http_filters/local_rate_limit_filter.rst;
// source/extensions/filters/http/local_ratelimit/local_ratelimit.cc). For the share of requests `filter_enabled`
// selects, a token is taken from the config's bucket: the filter's own, the most specific per-route config's
// (each per-route config object has its bucket, so routes sharing a virtual host's config share it), or one per
// downstream connection. Without a token the request is rate limited; for the share `filter_enforced` selects
// it is answered with `status` (429) and body `local_rate_limited`, response flag RL, plus
// response_headers_to_add; otherwise it goes on with request_headers_to_add_when_not_enforced.
//
// Envoy's docs also promise an `x-envoy-ratelimited` header on that reply, but its source never sets one there
// (only the global ratelimit filter does), so none is sent here either.
import type { Socket } from "node:net";
import { LocalRateLimitPerRoute, type LocalRateLimitConfig } from "../../../config/http-filters/local-ratelimit";
import { durationToMs } from "../../../config/duration";
import { HeaderMutation, type FormatContext } from "../../../router/header-mutation";
import { sendLocalReply } from "../../../router/local-reply";
import type { Runtime } from "../../../runtime/runtime";
import type { Counter, StatsStore } from "../../../stats/store";
import { FilterStatus, perRouteConfig, type FilterFactoryContext, type HttpFilter, type ResponseHead } from "../../filter";
import { ResponseFlag } from "../../response-flags";
import type { Stream } from "../../stream";
import { Fraction } from "../fraction";
import { monotonicMs, type Clock } from "../clock";
import { TokenBucket } from "./token-bucket";

/** `<stat_prefix>.http_local_rate_limit.*` (the config's own stat_prefix, at the root of the stats tree) */
export const LOCAL_RATELIMIT_COUNTERS = ["enabled", "enforced", "rate_limited", "ok"] as const;
type RateLimitStats = { [K in (typeof LOCAL_RATELIMIT_COUNTERS)[number]]: Counter };

/** One LocalRateLimit message made ready: its bucket, coins, header mutations and stats. */
export class RateLimitSettings {
  readonly status: number;
  readonly stats: RateLimitStats;
  readonly bucket: TokenBucket;
  readonly enabled: Fraction;
  readonly enforced: Fraction;
  readonly perConnection: boolean;
  readonly xRateLimitHeaders: boolean;
  readonly responseHeaders: HeaderMutation | null;
  readonly requestHeaders: HeaderMutation | null;
  readonly #tb: LocalRateLimitConfig["token_bucket"];

  constructor(
    c: LocalRateLimitConfig,
    store: StatsStore,
    runtime: Runtime,
    readonly now: Clock = monotonicMs,
  ) {
    // FilterConfig::toErrorCode: a status below 400 becomes 429
    const status = c.status?.code ?? 0;
    this.status = status >= 400 ? status : 429;
    const scope = store.scope(c.stat_prefix).scope("http_local_rate_limit");
    this.stats = Object.fromEntries(LOCAL_RATELIMIT_COUNTERS.map((n) => [n, scope.counter(n)])) as RateLimitStats;
    this.#tb = c.token_bucket;
    this.bucket = this.newBucket();
    this.enabled = Fraction.ofRuntime(c.filter_enabled, Fraction.NEVER, runtime);
    this.enforced = Fraction.ofRuntime(c.filter_enforced, Fraction.NEVER, runtime);
    this.perConnection = c.local_rate_limit_per_downstream_connection ?? false;
    this.xRateLimitHeaders = c.enable_x_ratelimit_headers === "DRAFT_VERSION_03";
    this.responseHeaders = HeaderMutation.compile(c.response_headers_to_add, undefined);
    this.requestHeaders = HeaderMutation.compile(c.request_headers_to_add_when_not_enforced, undefined);
  }

  /** A fresh bucket with this config's shape; no token_bucket: empty and never filled, as Envoy's max_tokens 0 */
  newBucket(): TokenBucket {
    const tb = this.#tb;
    if (tb === undefined) return new TokenBucket(0, 0, 0, this.now);
    return new TokenBucket(tb.max_tokens, tb.tokens_per_fill ?? 1, durationToMs(tb.fill_interval), this.now);
  }
}

export class LocalRateLimitFilter implements HttpFilter {
  readonly #settings: RateLimitSettings;
  /** per-route configs by their config object: one bucket each */
  readonly #perRoute = new WeakMap<object, RateLimitSettings>();
  /** local_rate_limit_per_downstream_connection: the connection's bucket, made from the first config it used */
  readonly #byConnection = new WeakMap<Socket, TokenBucket>();

  constructor(
    readonly name: string,
    config: LocalRateLimitConfig,
    private readonly ctx: FilterFactoryContext,
  ) {
    this.#settings = new RateLimitSettings(config, ctx.store, ctx.runtime);
  }

  static create(config: unknown, name: string, ctx: FilterFactoryContext): HttpFilter {
    return new LocalRateLimitFilter(name, config as LocalRateLimitConfig, ctx);
  }

  decodeHeaders(s: Stream): FilterStatus {
    const c = this.#settingsFor(s);
    if (c === null || !c.enabled.hit()) return FilterStatus.Continue;
    c.stats.enabled.inc();
    const bucket = c.perConnection ? this.#connectionBucket(s, c) : c.bucket;
    const allowed = bucket.consume();
    if (c.xRateLimitHeaders) s.setState(this.ctx.index, bucket);
    if (allowed) {
      c.stats.ok.inc();
      return FilterStatus.Continue;
    }
    c.stats.rate_limited.inc();
    if (!c.enforced.hit()) {
      c.requestHeaders?.apply(s.headers, formatContext(s));
      return FilterStatus.Continue;
    }
    c.stats.enforced.inc();
    s.responseFlags |= ResponseFlag.RateLimited;
    s.details = "local_rate_limited";
    const mutations = c.responseHeaders === null ? null : { levels: [c.responseHeaders], format: formatContext(s) };
    sendLocalReply(s.res, s.hcm.serverName, c.status, "local_rate_limited", false, null, mutations);
    return FilterStatus.StopIteration;
  }

  /** enable_x_ratelimit_headers: DRAFT_VERSION_03, on every response of a request that consulted a bucket */
  encodeHeaders(s: Stream, head: ResponseHead) {
    const b = s.state<TokenBucket>(this.ctx.index);
    if (b === undefined) return;
    head.headers.push("x-ratelimit-limit", String(b.maxTokens), "x-ratelimit-remaining", String(b.remaining), "x-ratelimit-reset", String(b.resetSeconds));
  }

  /** The most specific per-route config (its own bucket), else the filter's; null where a FilterConfig disables it. */
  #settingsFor(s: Stream): RateLimitSettings | null {
    const raw = perRouteConfig(s.route, this.name);
    if (raw === undefined) return this.#settings;
    if (raw === null) return null;
    let c = this.#perRoute.get(raw);
    if (c === undefined) this.#perRoute.set(raw, (c = new RateLimitSettings(LocalRateLimitPerRoute.parse(raw), this.ctx.store, this.ctx.runtime)));
    return c;
  }

  #connectionBucket(s: Stream, c: RateLimitSettings): TokenBucket {
    const socket = s.req.socket;
    let b = this.#byConnection.get(socket);
    if (b === undefined) this.#byConnection.set(socket, (b = c.newBucket()));
    return b;
  }
}

function formatContext(s: Stream): FormatContext {
  const sock = s.req.socket;
  const a = sock.remoteAddress ?? "";
  return { requestHeaders: s.headers, downstreamRemoteAddress: a.includes(":") ? `[${a}]:${sock.remotePort}` : `${a}:${sock.remotePort}`, upstreamHost: "" };
}
