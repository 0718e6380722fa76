// envoy.filters.http.ext_authz (docs/root/configuration/http/http_filters/ext_authz_filter.rst; the decisions
// follow source/extensions/filters/http/ext_authz/ext_authz.cc). Per request: no route, or the route disables
// the filter → nothing to check; filter_enabled samples requests out (`disabled`); otherwise the body is
// buffered if with_request_body asks, a check is sent, and decoding stops until the answer:
// - OK: the answer's request mutations are applied, the route re-selected when clear_route_cache says so and a
//   header changed, and the request goes on; its response later gets the answer's client headers.
// - Denied: the service's status, headers and body answer the client (flag UAEX, details ext_authz_denied).
// - Error (no answer in time, 5xx, unreachable): status_on_error (403) with an empty body (ext_authz_error), or,
//   with failure_mode_allow, the request goes on (x-envoy-auth-failure-mode-allowed: true if asked).
import { ExtAuthzPerRoute as PerRouteSchema, type ExtAuthzConfig, type ExtAuthzPerRoute } from "../../../config/http-filters/ext-authz";
import { FILTER_CONFIG_TYPE } from "../../../config/schema-http-filters";
import { durationOr } from "../../../config/duration";
import { sendLocalReply } from "../../../router/local-reply";
import type { CompiledRoute } from "../../../router/route-compile";
import type { Cluster } from "../../../upstream/cluster";
import { FilterStatus, perRouteConfig, type FilterFactoryContext, type HttpFilter, type ResponseHead } from "../../filter";
import { ResponseFlag } from "../../response-flags";
import type { Stream } from "../../stream";
import { CheckStatus, type AuthzResponse, type HeaderPair } from "./authz-response";
import { readCheckBody, resumeIfRead } from "./check-body";
import { checkRequest, httpCheckHead, requestHeaderMap, type CheckBody } from "./check-request";
import { ExtAuthzStats } from "./ext-authz-stats";
import { Fraction } from "../fraction";
import { grpcCheck, preconnect, type AuthzCall, type GrpcServiceClient } from "./grpc-client";
import { anyOf, clientHeaderMatcher, grpcRequestHeaderMatcher, httpRequestHeaderMatcher, type HeaderKeyMatcher } from "./header-matchers";
import { httpCheck, type HttpServiceClient } from "./http-client";
import { mutateRequest, mutateResponse, replaceReplyHeaders, type ResponseMutations } from "./request-mutation";

/** The service's timeout when none is configured (ext_authz.proto: "default timeout: 200ms"). */
const DEFAULT_TIMEOUT_MS = 200;
const FAILURE_MODE_ALLOWED = "x-envoy-auth-failure-mode-allowed";

interface BodySettings {
  max: number;
  allowPartial: boolean;
}

/** What a route says about this filter, resolved once per route. */
interface RouteSettings {
  disabled: boolean;
  contextExtensions: Readonly<Record<string, string>>;
  /** null: the body is not sent */
  body: BodySettings | null;
}

type Service = { grpc: GrpcServiceClient; http: null } | { grpc: null; http: HttpServiceClient & { pathPrefix: string; headersToAdd: HeaderPair[] } };

/** One request's check: the call in flight, then what the response needs. */
class CheckState {
  call: AuthzCall | null = null;
  /** allowed: headers for the client's response */
  responseMutations: ResponseMutations | null = null;
  /** denied or failed: the service's headers over the local reply's */
  replyHeaders: readonly HeaderPair[] | null = null;
}

export class ExtAuthzFilter implements HttpFilter {
  readonly #service: Service;
  readonly #allowed: HeaderKeyMatcher | null;
  readonly #disallowed: HeaderKeyMatcher | null;
  readonly #stats: ExtAuthzStats;
  readonly #statusOnError: number;
  readonly #body: BodySettings | null;
  readonly #packAsBytes: boolean;
  /** requests per million that are checked (filter_enabled), null: all */
  /** the share of requests that are checked (filter_enabled, its runtime_key read per request) */
  readonly #enabled: Fraction;
  readonly #perRoute = new WeakMap<CompiledRoute, RouteSettings>();

  constructor(
    readonly name: string,
    private readonly config: ExtAuthzConfig,
    private readonly ctx: FilterFactoryContext,
  ) {
    const c = config;
    if (c.grpc_service !== undefined) {
      const g = c.grpc_service;
      const cluster = g.envoy_grpc!.cluster_name;
      const metadata = (g.initial_metadata ?? []).map((h) => [h.key.toLowerCase(), h.value ?? ""] as const);
      const grpc: GrpcServiceClient = { clusterName: cluster, authority: g.envoy_grpc!.authority || cluster, timeoutMs: durationOr(g.timeout, DEFAULT_TIMEOUT_MS), metadata };
      this.#service = { grpc, http: null };
      this.#allowed = grpcRequestHeaderMatcher(c.allowed_headers);
      preconnect(grpc, ctx.clusters);
    } else {
      const h = c.http_service!;
      const r = h.authorization_response;
      this.#service = {
        grpc: null,
        http: {
          clusterName: h.server_uri.cluster,
          timeoutMs: durationOr(h.server_uri.timeout, DEFAULT_TIMEOUT_MS),
          matchers: {
            upstream: anyOf(r?.allowed_upstream_headers),
            upstreamToAppend: anyOf(r?.allowed_upstream_headers_to_append),
            client: clientHeaderMatcher(r?.allowed_client_headers),
            clientOnSuccess: anyOf(r?.allowed_client_headers_on_success),
          },
          pathPrefix: h.path_prefix ?? "",
          headersToAdd: (h.authorization_request?.headers_to_add ?? []).map((x) => [x.key, x.value ?? ""] as const),
        },
      };
      this.#allowed = httpRequestHeaderMatcher(c.allowed_headers ?? h.authorization_request?.allowed_headers);
    }
    this.#disallowed = c.disallowed_headers === undefined ? null : anyOf(c.disallowed_headers);
    this.#stats = new ExtAuthzStats(ctx.store, `http.${ctx.statPrefix}.`, c.stat_prefix ?? "");
    this.#statusOnError = c.status_on_error?.code ?? 403;
    const wb = c.with_request_body;
    this.#body = wb === undefined ? null : { max: wb.max_request_bytes, allowPartial: wb.allow_partial_message ?? false };
    // an HTTP service gets the body as bytes whatever pack_as_bytes says (FilterConfig's constructor)
    this.#packAsBytes = c.http_service !== undefined || (wb?.pack_as_bytes ?? false);
    this.#enabled = Fraction.ofRuntime(c.filter_enabled, Fraction.ALWAYS, ctx.runtime);
  }

  static create(config: unknown, name: string, ctx: FilterFactoryContext): HttpFilter {
    return new ExtAuthzFilter(name, config as ExtAuthzConfig, ctx);
  }

  decodeHeaders(s: Stream): FilterStatus {
    // Envoy checks nothing for a request without a route (getPerRouteFlags: skip_check)
    if (s.route === null) return FilterStatus.Continue;
    const settings = this.#settingsFor(s, s.route);
    if (settings.disabled) return FilterStatus.Continue;
    if (!this.#enabled.hit()) {
      this.#stats.c.disabled.inc();
      return FilterStatus.Continue;
    }
    const state = new CheckState();
    s.setState(this.ctx.index, state);
    const b = settings.body;
    if (b !== null && s.hasBody && s.upgrade === null) {
      readCheckBody(s, b.max, b.allowPartial, (st, body) => {
        if (st.res.headersSent || st.res.destroyed) return;
        if (body === null) return this.#tooLarge(st);
        this.#check(st, state, settings, body);
      });
    } else this.#check(s, state, settings, null);
    return FilterStatus.StopIteration;
  }

  encodeHeaders(s: Stream, head: ResponseHead) {
    const state = s.state<CheckState>(this.ctx.index);
    if (state === undefined) return;
    if (state.replyHeaders !== null) replaceReplyHeaders(head.headers, state.replyHeaders);
    else if (state.responseMutations !== null) mutateResponse(head.headers, state.responseMutations);
  }

  onStreamComplete(s: Stream) {
    const state = s.state<CheckState>(this.ctx.index);
    if (state?.call != null) {
      state.call.cancel();
      state.call = null;
    }
  }

  #check(s: Stream, state: CheckState, settings: RouteSettings, body: CheckBody | null) {
    const headers = requestHeaderMap(s, this.#allowed, this.#disallowed);
    const done = (r: AuthzResponse) => this.#onComplete(s, state, r);
    const svc = this.#service;
    if (svc.grpc !== null) {
      const msg = checkRequest(s, headers, {
        body,
        packAsBytes: this.#packAsBytes,
        contextExtensions: settings.contextExtensions,
        includePeerCertificate: this.config.include_peer_certificate ?? false,
        includeTlsSession: this.config.include_tls_session ?? false,
      });
      state.call = grpcCheck(svc.grpc, this.ctx.clusters, msg, done);
    } else {
      const head = httpCheckHead(headers, body, svc.http.pathPrefix, svc.http.headersToAdd);
      state.call = httpCheck(svc.http, this.ctx.clusters, { ...head, body: body === null || body.data.length === 0 ? null : body.data }, done);
    }
  }

  #onComplete(s: Stream, state: CheckState, r: AuthzResponse) {
    state.call = null;
    // the client went away meanwhile: nothing to decide
    if (s.res.headersSent || s.res.destroyed) return;
    const cluster = this.#routeCluster(s);
    const clusterStats = this.#stats.cluster(cluster);
    switch (r.status) {
      case CheckStatus.OK: {
        const routeAffected = mutateRequest(s, r);
        if (this.config.clear_route_cache === true && routeAffected) s.hcm.selectRoute(s);
        if (r.responseHeadersToAdd.length + r.responseHeadersToSet.length + r.responseHeadersToAddIfAbsent.length + r.responseHeadersToOverwriteIfExists.length > 0)
          state.responseMutations = { add: r.responseHeadersToAdd, set: r.responseHeadersToSet, addIfAbsent: r.responseHeadersToAddIfAbsent, overwriteIfExists: r.responseHeadersToOverwriteIfExists };
        clusterStats?.ok.inc();
        this.#stats.c.ok.inc();
        return this.#continue(s);
      }
      case CheckStatus.Denied: {
        this.#stats.c.denied.inc();
        if (cluster !== null) {
          clusterStats!.denied.inc();
          if (this.config.charge_cluster_response_stats !== false) ExtAuthzStats.chargeDenial(cluster, replyStatus(r.statusCode, 403));
        }
        return this.#reply(s, state, replyStatus(r.statusCode, 403), r, "ext_authz_denied");
      }
      case CheckStatus.Error: {
        clusterStats?.error.inc();
        this.#stats.c.error.inc();
        if (this.config.failure_mode_allow === true) {
          this.#stats.c.failure_mode_allowed.inc();
          clusterStats?.failure_mode_allowed.inc();
          if (this.config.failure_mode_allow_header_add === true) s.headers.push(FAILURE_MODE_ALLOWED, "true");
          return this.#continue(s);
        }
        // an error_response may bring its own reply; otherwise status_on_error with an empty body
        return this.#reply(s, state, replyStatus(r.statusCode, this.#statusOnError), r, "ext_authz_error");
      }
    }
  }

  #continue(s: Stream) {
    s.continueDecoding();
    resumeIfRead(s);
  }

  #reply(s: Stream, state: CheckState, status: number, r: AuthzResponse, details: string) {
    // setResponseFlag before sendLocalReply, as Envoy does, so access logs and spans see UAEX
    s.responseFlags |= ResponseFlag.UnauthorizedExternalService;
    s.details = details;
    if (r.clientHeaders.length > 0) state.replyHeaders = r.clientHeaders;
    const max = this.config.max_denied_response_body_bytes ?? 0;
    const body = max > 0 && r.body.length > max ? (typeof r.body === "string" ? Buffer.from(r.body).subarray(0, max) : r.body.subarray(0, max)) : r.body;
    sendLocalReply(s.res, s.hcm.serverName, status, body);
    // an upgrade request's socket left node's HTTP server: nothing else closes it after the reply
    const up = s.upgrade;
    if (up !== null) s.res.once("finish", () => up.socket.end());
  }

  /** 413 past max_request_bytes, as the connection manager answers a full decoder buffer. */
  #tooLarge(s: Stream) {
    s.hcm.stats.c.downstream_rq_too_large.inc();
    s.details = "request_payload_too_large";
    s.res.shouldKeepAlive = false;
    sendLocalReply(s.res, s.hcm.serverName, 413, "Payload Too Large");
  }

  /** Envoy's clusterInfo(): the cluster the route targets (none for weighted clusters until the router picks). */
  #routeCluster(s: Stream): Cluster | null {
    const name = s.route?.cluster;
    return name == null ? null : (this.ctx.clusters.get(name) ?? null);
  }

  #settingsFor(s: Stream, route: CompiledRoute): RouteSettings {
    let v = this.#perRoute.get(route);
    if (v === undefined) this.#perRoute.set(route, (v = this.#resolveRoute(s, route)));
    return v;
  }

  /**
   * The most specific per-route config decides disabled and the check settings (resolveMostSpecificPerFilterConfig);
   * context_extensions merge over every level, the more specific overriding (getAllPerFilterConfig + merge).
   */
  #resolveRoute(s: Stream, route: CompiledRoute): RouteSettings {
    const specific = perRouteConfig(route, this.name);
    if (specific === null) return { disabled: true, contextExtensions: {}, body: null };
    const per = specific === undefined ? null : PerRouteSchema.parse(specific);
    if (per?.disabled === true) return { disabled: true, contextExtensions: {}, body: null };
    const contextExtensions: Record<string, string> = {};
    for (const level of this.#levels(s, route)) Object.assign(contextExtensions, level?.check_settings?.context_extensions);
    const cs = per?.check_settings;
    let body = this.#body;
    if (cs?.with_request_body !== undefined) body = { max: cs.with_request_body.max_request_bytes, allowPartial: cs.with_request_body.allow_partial_message ?? false };
    if (cs?.disable_request_body_buffering === true) body = null;
    return { disabled: false, contextExtensions, body };
  }

  /** This filter's per-route configs, route configuration first, route last. */
  #levels(s: Stream, route: CompiledRoute): (ExtAuthzPerRoute | null)[] {
    const rc = s.hcm.routes.config;
    const vhName = s.hcm.routes.findVirtualHost(s.host)?.name;
    const vh = rc.virtual_hosts?.find((v) => v.name === vhName);
    return [rc.typed_per_filter_config, vh?.typed_per_filter_config, route.config.typed_per_filter_config].map((m) => {
      let raw = m?.[this.name] as Record<string, unknown> | undefined;
      if (raw?.["@type"] === FILTER_CONFIG_TYPE) raw = raw.config as Record<string, unknown> | undefined;
      return raw === undefined ? null : PerRouteSchema.parse(raw);
    });
  }
}

/** The status a reply may carry: the service's when it is a real one, else the fallback. */
function replyStatus(code: number, fallback: number): number {
  return code >= 100 && code <= 599 ? code : fallback;
}
