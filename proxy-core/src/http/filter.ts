// The HTTP filter seam of the connection manager (Envoy's Http::StreamDecoderFilter / StreamEncoderFilter,
// envoy/http/filter.h). A filter is built once per config from its typed config; per request it sees the
// request headers on the way in (decode, in config order) and the response head on the way out (encode, in
// reverse order), for every response: forwarded by the router or answered locally by anyone. The router is the
// terminal decoder: it is not one of these, it runs when every filter has continued.
//
// Per request state lives on the Stream (`filterState[i]` for the filter at index i), so filters allocate
// nothing for requests they let through untouched.
import type { Transform } from "node:stream";
import { FILTER_CONFIG_TYPE } from "../config/schema-http-filters";
import type { CompiledRoute } from "../router/route-compile";
import type { Stream } from "./stream";

export const enum FilterStatus {
  /** go on with the next filter (then the router) */
  Continue = 0,
  /**
   * stop here: the filter either answered (`s.sendLocalReply`) or will call `s.continueDecoding()` later (after
   * an asynchronous call, a delay, a buffered body), as Envoy's StopIteration
   */
  StopIteration = 1,
}

/** The response head as it will be written downstream; encoders may change all three. */
export interface ResponseHead {
  status: number;
  /** flat name/value list, as node's writeHead takes it */
  headers: string[];
  /**
   * a stream the response body passes through before it reaches the client (the compressor's zlib stream);
   * set by at most one encoder
   */
  transform: Transform | null;
}

export interface HttpFilter {
  /** the name it was configured under (`http_filters[].name`): its key in `typed_per_filter_config` */
  readonly name: string;
  /** request headers (`s.headers`, mutable) and the selected route (`s.route`, null when none matched) */
  decodeHeaders?(s: Stream): FilterStatus;
  /** the response head, before it is written; local replies included */
  encodeHeaders?(s: Stream, head: ResponseHead): void;
  /** the stream ended (completed, reset or refused): cancel timers and calls */
  onStreamComplete?(s: Stream): void;
}

/** What a filter factory gets besides its config. */
export interface FilterFactoryContext {
  /** the HCM's `stat_prefix` as configured (`ingress_http`); Envoy roots most filters' stats at `http.<it>.` */
  statPrefix: string;
  store: import("../stats/store").StatsStore;
  clusters: import("../upstream/cluster-manager").ClusterManager;
  /** the process's runtime, for `runtime_key`s (Envoy's FactoryContext::runtime()) */
  runtime: import("../runtime/runtime").Runtime;
  /** the filter's position in the chain (its slot in `Stream.filterState`) */
  index: number;
  log: (msg: string) => void;
}

/**
 * Filter `name`'s per-route config on `route` (typed_per_filter_config, most specific level first): the config,
 * `null` when a FilterConfig wrapper disables the filter there, `undefined` when the route says nothing.
 */
export function perRouteConfig(route: CompiledRoute | null, name: string): unknown | null | undefined {
  const raw = route?.perFilter.get(name);
  if (raw === undefined) return undefined;
  if (raw["@type"] !== FILTER_CONFIG_TYPE) return raw;
  if (raw.disabled === true) return null;
  return raw.config;
}
