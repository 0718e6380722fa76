// A route's hash_policy (route_components.proto `RouteAction.HashPolicy`; source/common/http/hash_policy.cc
// HashPolicyImpl::generateHash): the key RING_HASH places a request by. Each policy may give a value (header,
// cookie, source IP, query parameter); values are combined by rotating the previous hash and xoring the new one,
// and a `terminal` policy ends the walk once any hash exists. The router asks only when the cluster's load balancer
// hashes (Envoy's LoadBalancerContext::computeHashKey is called by hashing balancers only), so a round-robin
// cluster never gets a generated cookie.
import type { HashPolicy as HashPolicyConfig } from "../config/schema";
import { durationToMs } from "../config/duration";
import { combineHash, hash32 } from "../lb/hash";
import { headerValue } from "./matchers";

const enum Kind {
  Header,
  Cookie,
  SourceIp,
  QueryParameter,
}

interface CompiledHashPolicy {
  readonly kind: Kind;
  /** lower-cased header name, cookie name or query parameter name */
  readonly name: string;
  readonly terminal: boolean;
  /** a cookie policy with a ttl: the Set-Cookie attributes after the value ("; Max-Age=60; Path=/; HttpOnly") */
  readonly generate: string | null;
}

/** What a hash policy reads from a request. */
export interface HashRequest {
  readonly headers: readonly string[];
  /** :path, query included */
  readonly path: string;
  /** the downstream peer's IP address */
  readonly sourceIp: string | null;
  /** the downstream connection's remote and local address, the seed of a generated cookie */
  readonly connectionAddresses: string;
}

/** Cookie `name` of the request's Cookie headers (Http::Utility::parseCookieValue), quotes removed; null if absent. */
export function requestCookie(headers: readonly string[], name: string): string | null {
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i].length !== 6 || headers[i].toLowerCase() !== "cookie") continue;
    for (const part of headers[i + 1].split(";")) {
      const eq = part.indexOf("=");
      if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
      const v = part.slice(eq + 1).trim();
      return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
    }
  }
  return null;
}

/** First value of query parameter `name`, undecoded (Http::Utility::QueryParamsMulti::parseQueryString). */
export function queryParameter(path: string, name: string): string | null {
  const q = path.indexOf("?");
  if (q < 0) return null;
  const end = path.indexOf("#", q);
  for (const pair of path.slice(q + 1, end < 0 ? undefined : end).split("&")) {
    const eq = pair.indexOf("=");
    if ((eq < 0 ? pair : pair.slice(0, eq)) === name) return eq < 0 ? "" : pair.slice(eq + 1);
  }
  return null;
}

/** 16 hex digits, as Envoy's Hex::uint64ToHex of a 64-bit hash (two 32-bit hashes here). */
function hex64(v: string): string {
  return hash32(v).toString(16).padStart(8, "0") + hash32(`${v}\u0000`).toString(16).padStart(8, "0");
}

function compile(p: HashPolicyConfig): CompiledHashPolicy | null {
  const terminal = p.terminal ?? false;
  if (p.header) return { kind: Kind.Header, name: p.header.header_name.toLowerCase(), terminal, generate: null };
  if (p.query_parameter) return { kind: Kind.QueryParameter, name: p.query_parameter.name, terminal, generate: null };
  if (p.cookie) {
    const c = p.cookie;
    let generate: string | null = null;
    if (c.ttl !== undefined) {
      // Http::Utility::makeSetCookieValue: Max-Age unless 0 (a session cookie), Path when set, attributes, HttpOnly
      const seconds = Math.floor(durationToMs(c.ttl) / 1000);
      generate = (seconds !== 0 ? `; Max-Age=${seconds}` : "") + (c.path ? `; Path=${c.path}` : "");
      for (const a of c.attributes ?? []) generate += a.value ? `; ${a.name}=${a.value}` : `; ${a.name}`;
      generate += "; HttpOnly";
    }
    return { kind: Kind.Cookie, name: c.name, terminal, generate };
  }
  // connection_properties: a policy only when source_ip is set (HashPolicyImpl skips it otherwise)
  return p.connection_properties?.source_ip ? { kind: Kind.SourceIp, name: "", terminal, generate: null } : null;
}

export class HashPolicies {
  readonly #policies: readonly CompiledHashPolicy[];

  private constructor(policies: CompiledHashPolicy[]) {
    this.#policies = policies;
  }

  /** null for a route without (effective) hash policies */
  static compile(configs: readonly HashPolicyConfig[] | undefined): HashPolicies | null {
    const list = (configs ?? []).map(compile).filter((p): p is CompiledHashPolicy => p !== null);
    return list.length > 0 ? new HashPolicies(list) : null;
  }

  /**
   * The request's hash key, or null when no policy gives a value. A cookie policy with a ttl and no cookie in the
   * request generates one from the connection's addresses: its Set-Cookie value goes into `setCookies`, for the
   * response, and the key is the hash of the generated value, which the client's next requests carry.
   */
  compute(r: HashRequest, setCookies: string[]): number | null {
    let key: number | null = null;
    for (const p of this.#policies) {
      let v: string | null;
      switch (p.kind) {
        case Kind.Header:
          v = headerValue(r.headers, p.name);
          break;
        case Kind.QueryParameter:
          v = queryParameter(r.path, p.name);
          break;
        case Kind.SourceIp:
          v = r.sourceIp;
          break;
        default:
          v = requestCookie(r.headers, p.name);
          if ((v === null || v === "") && p.generate !== null) {
            v = hex64(r.connectionAddresses);
            setCookies.push(`${p.name}="${v}"${p.generate}`);
          } else if (v === "") v = null;
      }
      if (v !== null) key = key === null ? hash32(v) : combineHash(key, hash32(v));
      if (p.terminal && key !== null) break;
    }
    return key;
  }
}
