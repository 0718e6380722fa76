// Header-name matchers of the ext_authz filter, built once from its ListStringMatchers as Envoy builds them
// (CheckRequestUtils::toRequestMatchers, ClientConfig::toClientMatchers in ext_authz_http_impl.cc). Names are
// matched in lower case, pseudo-headers by their HTTP/2 names (`:method`, `:path`, `:authority`).
import type { z } from "zod";
import type { ListStringMatcher } from "../../../config/http-filters/ext-authz";
import { StringMatcher } from "../../../router/matchers";

export type HeaderKeyMatcher = (name: string) => boolean;

type ListConfig = z.output<typeof ListStringMatcher> | undefined;

export const MATCH_NONE: HeaderKeyMatcher = () => false;

/** Any of the patterns (none: nothing matches), plus `exact` names. */
export function anyOf(list: ListConfig, exact: readonly string[] = []): HeaderKeyMatcher {
  const matchers = (list?.patterns ?? []).map((p) => new StringMatcher(p));
  const names = new Set(exact);
  if (matchers.length === 0 && names.size === 0) return MATCH_NONE;
  return (name) => names.has(name) || matchers.some((m) => m.match(name));
}

/**
 * The client request headers an HTTP authorization service gets: the configured ones plus Authorization, the
 * method, the path and the host, always. (Content-Length is set by the client itself: 0, or the body's length.)
 */
export function httpRequestHeaderMatcher(list: ListConfig): HeaderKeyMatcher {
  return anyOf(list, ["authorization", ":method", ":path", ":authority"]);
}

/**
 * The client request headers a gRPC authorization service gets: all of them unless allowed_headers is set, then
 * only those (no defaults added: ExtAuthz.allowed_headers in ext_authz.proto).
 */
export function grpcRequestHeaderMatcher(list: ListConfig): HeaderKeyMatcher | null {
  return list === undefined ? null : anyOf(list);
}

/**
 * The authorization response headers a denied client gets: all but Host when the list is unset; else the
 * listed ones plus the status, Content-Length, WWW-Authenticate and Location.
 */
export function clientHeaderMatcher(list: ListConfig): HeaderKeyMatcher {
  if (list === undefined || list.patterns.length === 0) return (name) => name !== "host" && name !== ":authority";
  return anyOf(list, [":status", "content-length", "www-authenticate", "location"]);
}
