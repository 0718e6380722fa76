// Compiled header and query-parameter matchers of a RouteMatch (Envoy's route_components.proto), and its `grpc` and
// `runtime_fraction` conditions. Each matcher is built once from config; matching a request reads the header list
// in place and allocates only when a header is repeated (Envoy joins repeated values with ",").
import type { HeaderMatcher, RouteMatch, StringMatcher as StringMatcherConfig } from "../config/schema";
import { toJsRegexSource } from "../config/schema";
import { Runtime, fraction, type Fraction } from "../runtime/runtime";

/** envoy.type.matcher.v3.StringMatcher */
export class StringMatcher {
  readonly #kind: "exact" | "prefix" | "suffix" | "contains" | "regex";
  readonly #value: string;
  readonly #ignoreCase: boolean;
  readonly #re: RegExp | null;
  /** the configured (RE2) regex, for describe() */
  readonly #regexText: string;

  constructor(m: StringMatcherConfig) {
    this.#regexText = m.safe_regex?.regex ?? "";
    // ignore_case has no effect on safe_regex (Envoy)
    this.#ignoreCase = (m.ignore_case ?? false) && m.safe_regex === undefined;
    this.#re = m.safe_regex ? new RegExp(`^(?:${toJsRegexSource(m.safe_regex.regex)})$`) : null;
    this.#kind = m.exact !== undefined ? "exact" : m.prefix !== undefined ? "prefix" : m.suffix !== undefined ? "suffix" : m.contains !== undefined ? "contains" : "regex";
    const v = m.exact ?? m.prefix ?? m.suffix ?? m.contains ?? "";
    this.#value = this.#ignoreCase ? v.toLowerCase() : v;
  }

  /** the exact value this matcher requires, if it is a case-sensitive `exact` (lets a route index key on it) */
  get exactValue(): string | null {
    return this.#kind === "exact" && !this.#ignoreCase ? this.#value : null;
  }

  /** `exact "v"`, `prefix "v"`, `regex "v"` (with "ignoring case"): for explanations (router/explain.ts) */
  describe(): string {
    const what = this.#kind === "regex" ? `regex ${JSON.stringify(this.#regexText)}` : `${this.#kind} ${JSON.stringify(this.#value)}`;
    return this.#ignoreCase ? `${what} ignoring case` : what;
  }

  match(input: string): boolean {
    const v = this.#ignoreCase ? input.toLowerCase() : input;
    switch (this.#kind) {
      case "exact":
        return v === this.#value;
      case "prefix":
        return v.startsWith(this.#value);
      case "suffix":
        return v.endsWith(this.#value);
      case "contains":
        return v.includes(this.#value);
      default:
        return this.#re!.test(v);
    }
  }
}

/** What a route match reads from a request, computed at most once per request. */
export interface MatchRequest {
  /** upstream-bound header list [name, value, …] (names as received) */
  readonly headers: readonly string[];
  readonly method: string;
  readonly path: string;
  readonly authority: string;
  /**
   * The request's random value for runtime_fraction, drawn with `draw` on first use and the same for every route
   * (Envoy passes one random_value to every route's match), so a route's match stays a function of the request.
   * Callers that match headers only (filters) may leave it out: a draw per use then.
   */
  randomValue?(draw: () => number): number;
}

/**
 * Why one condition of a route match failed, for router/explain.ts. Built only when an explanation asks (the
 * `mismatch` methods below call `match` first), so routing itself never pays for it.
 */
export interface MatchMismatch {
  readonly kind: "header_missing" | "header_mismatch" | "method" | "query" | "runtime_fraction" | "grpc";
  /** the header, query parameter or runtime key the condition reads */
  readonly name: string;
  /** what the condition wants, in words (`exact "GET"`, `present`, `5% of requests`) */
  readonly expected: string;
  /** what the request has; null when it is absent */
  readonly actual: string | null;
}

/** Value of a header in a flat [name, value, …] list, repeated values joined with ","; null if absent. */
export function headerValue(headers: readonly string[], lowerName: string): string | null {
  let out: string | null = null;
  const n = lowerName.length;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i];
    if (name.length !== n || name.toLowerCase() !== lowerName) continue;
    out = out === null ? headers[i + 1] : `${out},${headers[i + 1]}`;
  }
  return out;
}

function requestHeader(req: MatchRequest, lowerName: string): string | null {
  if (lowerName.charCodeAt(0) === 58 /* : */) {
    switch (lowerName) {
      case ":path":
        return req.path;
      case ":method":
        return req.method;
      case ":authority":
        return req.authority;
      case ":scheme":
        return "http";
      default:
        return null;
    }
  }
  return headerValue(req.headers, lowerName);
}

class CompiledHeaderMatcher {
  readonly #name: string;
  readonly #string: StringMatcher | null;
  readonly #invert: boolean;
  readonly #presentValue: boolean;

  constructor(m: HeaderMatcher) {
    this.#name = m.name.toLowerCase();
    this.#string = m.string_match ? new StringMatcher(m.string_match) : null;
    this.#invert = m.invert_match ?? false;
    // only `name` means "present"; present_match: false means "absent"
    this.#presentValue = m.present_match ?? true;
  }

  /** name and value when this matcher means "header `name` equals `value`" (joined as headerValue joins) */
  get exact(): { name: string; value: string } | null {
    if (this.#invert || this.#string === null || this.#name.charCodeAt(0) === 58) return null;
    const v = this.#string.exactValue;
    return v === null ? null : { name: this.#name, value: v };
  }

  match(req: MatchRequest): boolean {
    const v = requestHeader(req, this.#name);
    let ok: boolean;
    if (this.#string !== null) ok = v !== null && this.#string.match(v);
    else ok = (v !== null) === this.#presentValue;
    return ok !== this.#invert;
  }

  /** null when it matches; else what it wanted and what the request has */
  mismatch(req: MatchRequest): MatchMismatch | null {
    if (this.match(req)) return null;
    const v = requestHeader(req, this.#name);
    const wantsPresent = this.#string !== null || this.#presentValue;
    const expected = this.#string !== null ? `${this.#invert ? "not " : ""}${this.#string.describe()}` : wantsPresent !== this.#invert ? "present" : "absent";
    const kind = this.#name === ":method" ? "method" : v === null && wantsPresent && !this.#invert ? "header_missing" : "header_mismatch";
    return { kind, name: this.#name, expected, actual: v };
  }
}

class CompiledQueryMatcher {
  readonly #name: string;
  readonly #string: StringMatcher | null;
  readonly #presentValue: boolean;

  constructor(m: { name: string; string_match?: StringMatcherConfig; present_match?: boolean }) {
    this.#name = m.name;
    this.#string = m.string_match ? new StringMatcher(m.string_match) : null;
    this.#presentValue = m.present_match ?? true;
  }

  match(query: URLSearchParams): boolean {
    // URLSearchParams.get returns the first value, which is what Envoy considers
    const v = query.get(this.#name);
    if (this.#string !== null) return v !== null && this.#string.match(v);
    return (v !== null) === this.#presentValue;
  }

  mismatch(query: URLSearchParams): MatchMismatch | null {
    if (this.match(query)) return null;
    const expected = this.#string !== null ? this.#string.describe() : this.#presentValue ? "present" : "absent";
    return { kind: "query", name: this.#name, expected, actual: query.get(this.#name) };
  }
}

/** Header matchers that must all match (a virtual cluster's `headers`, `:method` and `:path` included). */
export class HeaderMatchList {
  readonly #headers: CompiledHeaderMatcher[];

  constructor(list: readonly HeaderMatcher[]) {
    this.#headers = list.map((h) => new CompiledHeaderMatcher(h));
  }

  match(req: MatchRequest): boolean {
    for (const h of this.#headers) if (!h.match(req)) return false;
    return true;
  }
}

/**
 * Grpc::Common::hasGrpcContentType: `application/grpc` exactly or followed by `+` (application/grpc-web is not
 * gRPC), case-sensitive.
 */
export function isGrpcRequest(req: MatchRequest): boolean {
  const ct = headerValue(req.headers, "content-type");
  return ct !== null && ct.startsWith("application/grpc") && (ct.length === 16 || ct.charCodeAt(16) === 43 /* + */);
}

/** Without a runtime (unit tests, filters matching headers only) a runtime_fraction reads its default value. */
const NO_RUNTIME = new Runtime();

/**
 * The non-path part of a RouteMatch: runtime_fraction, grpc, header and query matchers must all match (AND), in
 * Envoy's order (RouteEntryImplBase::matchRoute). Every condition is a function of the request (the runtime
 * fraction reads the request's one random value), which the route index relies on.
 */
export class ExtraMatchers {
  readonly #headers: CompiledHeaderMatcher[];
  readonly #query: CompiledQueryMatcher[];
  readonly #grpc: boolean;
  readonly #runtime: Runtime;
  readonly #runtimeKey: string;
  readonly #fraction: Fraction | null;
  readonly #draw: () => number;

  private constructor(m: RouteMatch, runtime: Runtime) {
    this.#headers = (m.headers ?? []).map((h) => new CompiledHeaderMatcher(h));
    this.#query = (m.query_parameters ?? []).map((q) => new CompiledQueryMatcher(q));
    this.#grpc = m.grpc !== undefined;
    this.#runtime = runtime;
    this.#runtimeKey = m.runtime_fraction?.runtime_key ?? "";
    this.#fraction = m.runtime_fraction ? fraction(m.runtime_fraction.default_value) : null;
    this.#draw = runtime.random;
  }

  /** null when the route has none of them, so the common case costs one null check */
  static compile(m: RouteMatch, runtime: Runtime | null = null): ExtraMatchers | null {
    return m.headers?.length || m.query_parameters?.length || m.grpc !== undefined || m.runtime_fraction !== undefined ? new ExtraMatchers(m, runtime ?? NO_RUNTIME) : null;
  }

  /**
   * A header every matching request must carry with one exact value (the first such matcher), or null.
   * All matchers are ANDed, so a route index may file the route under that value: a request without it
   * can never match the route.
   */
  get exactHeader(): { name: string; value: string } | null {
    for (const h of this.#headers) {
      const e = h.exact;
      if (e !== null) return e;
    }
    return null;
  }

  /** the runtime_fraction condition, if any: which share of requests the route takes */
  get runtimeFraction(): { readonly key: string; readonly fraction: Fraction } | null {
    return this.#fraction === null ? null : { key: this.#runtimeKey, fraction: this.#fraction };
  }

  /**
   * Every condition the request fails, in the order `match` checks them (router/explain.ts). The same matchers and
   * the same random value decide, so this agrees with `match`; it is never called while routing.
   */
  mismatches(req: MatchRequest): MatchMismatch[] {
    const out: MatchMismatch[] = [];
    if (this.#fraction !== null) {
      const random = req.randomValue?.(this.#draw) ?? this.#draw();
      if (!this.#runtime.featureEnabled(this.#runtimeKey, this.#fraction, random)) {
        const f = this.#fraction;
        const pct = (100 * f.numerator) / f.denominator;
        const set = this.#runtimeKey === "" ? null : this.#runtime.get(this.#runtimeKey);
        const expected = set !== null ? `runtime key ${this.#runtimeKey} = ${set} (default ${pct}% of requests)` : `${pct}% of requests (random value % ${f.denominator} < ${f.numerator})`;
        out.push({ kind: "runtime_fraction", name: this.#runtimeKey, expected, actual: `random value ${random}` });
      }
    }
    if (this.#grpc && !isGrpcRequest(req)) out.push({ kind: "grpc", name: "content-type", expected: "application/grpc or application/grpc+…", actual: headerValue(req.headers, "content-type") });
    for (const h of this.#headers) {
      const m = h.mismatch(req);
      if (m !== null) out.push(m);
    }
    if (this.#query.length > 0) {
      const q = req.path.indexOf("?");
      const params = new URLSearchParams(q < 0 ? "" : req.path.slice(q + 1));
      for (const qm of this.#query) {
        const m = qm.mismatch(params);
        if (m !== null) out.push(m);
      }
    }
    return out;
  }

  match(req: MatchRequest): boolean {
    if (this.#fraction !== null && !this.#runtime.featureEnabled(this.#runtimeKey, this.#fraction, req.randomValue?.(this.#draw) ?? this.#draw())) return false;
    if (this.#grpc && !isGrpcRequest(req)) return false;
    for (const h of this.#headers) if (!h.match(req)) return false;
    if (this.#query.length > 0) {
      const q = req.path.indexOf("?");
      const params = new URLSearchParams(q < 0 ? "" : req.path.slice(q + 1));
      for (const m of this.#query) if (!m.match(params)) return false;
    }
    return true;
  }
}
