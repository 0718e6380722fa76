// The CORS policy that applies to a route: the CorsPolicy of every level (route, virtual host, route
// configuration) merged field by field, the most specific level that sets a field winning, as Envoy's CorsFilter
// reads them (allowOrigins(), allowMethods() … in source/extensions/filters/http/cors/cors_filter.cc). Only
// `filter_enabled` and `shadow_enabled` come from the most specific policy alone (enabled(), shadowEnabled()).
import type { CorsPolicy } from "../../../config/http-filters/cors";
import { StringMatcher } from "../../../router/matchers";
import type { Runtime } from "../../../runtime/runtime";
import { Fraction } from "../fraction";

export class ResolvedCorsPolicy {
  readonly origins: readonly StringMatcher[];
  /** "" when no level sets it (the header is then not sent) */
  readonly allowMethods: string;
  readonly allowHeaders: string;
  readonly exposeHeaders: string;
  readonly maxAge: string;
  readonly allowCredentials: boolean;
  readonly allowPrivateNetworkAccess: boolean;
  readonly forwardNotMatchingPreflights: boolean;
  /** `filter_enabled`'s default value; unset: every request */
  readonly enabled: Fraction;
  /** `shadow_enabled`'s default value; unset: none */
  readonly shadow: Fraction;

  /** `policies`: most specific first; at least one */
  constructor(policies: readonly CorsPolicy[], runtime?: Runtime) {
    const first = <T>(pick: (p: CorsPolicy) => T | undefined, isSet: (v: T) => boolean = () => true): T | undefined => {
      for (const p of policies) {
        const v = pick(p);
        if (v !== undefined && isSet(v)) return v;
      }
      return undefined;
    };
    const nonEmpty = (v: string) => v !== "";
    this.origins = (first((p) => p.allow_origin_string_match, (l) => l.length > 0) ?? []).map((m) => new StringMatcher(m));
    this.allowMethods = first((p) => p.allow_methods, nonEmpty) ?? "";
    this.allowHeaders = first((p) => p.allow_headers, nonEmpty) ?? "";
    this.exposeHeaders = first((p) => p.expose_headers, nonEmpty) ?? "";
    this.maxAge = first((p) => p.max_age, nonEmpty) ?? "";
    this.allowCredentials = first((p) => p.allow_credentials) ?? false;
    this.allowPrivateNetworkAccess = first((p) => p.allow_private_network_access) ?? false;
    this.forwardNotMatchingPreflights = first((p) => p.forward_not_matching_preflights) ?? true;
    const top = policies[0];
    this.enabled = Fraction.ofRuntime(top.filter_enabled, Fraction.ALWAYS, runtime);
    this.shadow = Fraction.ofRuntime(top.shadow_enabled, Fraction.NEVER, runtime);
  }

  /** A matcher that accepts the literal "*" allows every origin (CorsFilter::isOriginAllowed). */
  isOriginAllowed(origin: string): boolean {
    for (const m of this.origins) if (m.match("*") || m.match(origin)) return true;
    return false;
  }
}
