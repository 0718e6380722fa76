// Runs route tests (Envoy's router_check_tool format, schema.ts) against a config with Signalbox's own router:
// the route table, virtual host search, require_tls, rewrites and header mutations are the worker's code
// (router/explain.ts resolve, explain-action.ts routeOutcome). Each check and its failure line follow Envoy's
// RouterCheckTool (test/tools/router_check/router.cc): `expected: [x], actual: [y], test type: cluster_name`.
// Pure: a parsed config and parsed tests in, a report out. The CLI (cli.ts) reads the files; the console can call
// runRouteTests with a version's snapshot.
import type { HeaderMatcher, Listener, RouteConfiguration } from "../config/schema";
import { isTcpProxyFilter } from "../config/schema";
import { Runtime, type Fraction } from "../runtime/runtime";
import { explainTable, resolve, type ExplainRequest, type SnapshotLike } from "../router/explain";
import { routeOutcome, type RouteOutcome } from "../router/explain-action";
import { applyMutations, type FormatContext } from "../router/header-mutation";
import { HeaderMatchList, type MatchRequest } from "../router/matchers";
import { Coverage, type CoverageReport, type DirectField, type RouteField } from "./coverage";
import type { RouteTestFile, TestHeaderValue, ValidationItem } from "./schema";

export interface RouteTestResult {
  readonly testName: string;
  readonly passed: boolean;
  /** Envoy's failure lines, in check order */
  readonly failures: readonly string[];
}

export interface RouteTestReport {
  readonly results: readonly RouteTestResult[];
  readonly passed: boolean;
  readonly coverage: CoverageReport;
  /** which route configuration ran: `listener <name>` for a snapshot, else the RouteConfiguration's name */
  readonly target: string;
}

/** A snapshot ({listeners, clusters}, e.g. a console version) or a bare RouteConfiguration, as Envoy's tool takes. */
export type RouteTestTarget = SnapshotLike | RouteConfiguration;

/**
 * Envoy's RouterCheckTool::runtimeMock: a route's runtime_fraction holds only when the test's `runtime` names its
 * key, and then for random_value % denominator < numerator, a numerator of 0 counting as 1 (assignRuntimeFraction),
 * so random_value 0 enables the route and 1 or more disables it.
 */
class RouteTestRuntime extends Runtime {
  readonly current: { runtime: string; random: number };

  constructor() {
    const current = { runtime: "", random: 0 };
    super({ random: () => current.random });
    this.current = current;
  }

  override featureEnabled(key: string, defaultValue: Fraction, random: number = this.random()): boolean {
    const c = this.current;
    return c.runtime !== "" && key === c.runtime && random % defaultValue.denominator < Math.max(defaultValue.numerator, 1);
  }
}

const portOf = (l: Listener) => String(l.address.socket_address.port_value);

/** The route configuration a snapshot's tests run against: the named listener's (name, address or port), else the first HTTP one. */
export function routeConfigOf(target: RouteTestTarget, listener?: string): { rc: RouteConfiguration; label: string } | null {
  if (!("listeners" in target)) return { rc: target, label: target.name ? `route configuration ${target.name}` : "route configuration" };
  for (const l of target.listeners) {
    const sa = l.address.socket_address;
    if (listener !== undefined && l.name !== listener && `${sa.address}:${sa.port_value}` !== listener && portOf(l) !== listener) continue;
    const chains = l.default_filter_chain ? [...l.filter_chains, l.default_filter_chain] : l.filter_chains;
    for (const fc of chains) {
      const f = fc.filters[0];
      if (f !== undefined && !isTcpProxyFilter(f)) return { rc: f.typed_config.route_config, label: `listener ${l.name}` };
    }
  }
  return null;
}

const failure = (expected: unknown, actual: unknown, type: string, expectMatch = true) => `expected: [${expected}], actual: ${expectMatch ? "" : "NOT "}[${actual}], test type: ${type}`;

/** Envoy's toString of a HeaderMatcher's kind, as the failure's test type spells it. */
function matcherKind(h: HeaderMatcher): string {
  const s = h.string_match;
  if (s === undefined) return "present_match";
  const kind = s.exact !== undefined ? "exact" : s.prefix !== undefined ? "prefix" : s.suffix !== undefined ? "suffix" : s.contains !== undefined ? "contains" : "safe_regex";
  return `string_match.${kind}`;
}

function firstHeader(headers: readonly string[], name: string): string | null {
  const lower = name.toLowerCase();
  for (let i = 0; i < headers.length; i += 2) if (headers[i].toLowerCase() === lower) return headers[i + 1];
  return null;
}

/** RouterCheckTool::matchHeaderField: null when it matches, else the failure line. */
function headerMatchFailure(req: MatchRequest, h: HeaderMatcher, type: string): string | null {
  if (new HeaderMatchList([h]).match(req)) return null;
  const lower = h.name.toLowerCase();
  const pseudo: Record<string, string> = { ":path": req.path, ":method": req.method, ":authority": req.authority };
  const v = lower in pseudo ? pseudo[lower] : firstHeader(req.headers, h.name);
  const t = `${type}.${matcherKind(h)}`;
  if (h.string_match === undefined) return failure(`has(${h.name}):${h.invert_match ? "false" : "true"}`, `has(${h.name}):${h.invert_match ? "true" : "false"}`, t);
  if (h.string_match.exact !== undefined) return failure(`${h.name}: ${h.string_match.exact}`, `${h.name}: ${v ?? "NULL"}`, t, !h.invert_match);
  return `actual: [${h.name}: ${v ?? "NULL"}], test type: ${t}`;
}

const pairs = (list: readonly TestHeaderValue[] | undefined) => (list ?? []).flatMap((h) => [h.key, h.value]);

/** Runs every test; the coverage is Envoy's, over the route configuration the tests ran against. */
export function runRouteTests(target: RouteTestTarget, tests: RouteTestFile, opts: { listener?: string } = {}): RouteTestReport {
  const picked = routeConfigOf(target, opts.listener);
  if (picked === null) throw new Error(opts.listener !== undefined ? `no HTTP listener is named ${JSON.stringify(opts.listener)} or bound to it` : "the config has no HTTP listener (an HTTP connection manager) to test");
  const { rc, label } = picked;
  const runtime = new RouteTestRuntime();
  const { table } = explainTable(rc, runtime);
  const coverage = new Coverage(rc);
  const results = tests.tests.map((t) => runOne(t, table, runtime, coverage, rc));
  return { results, passed: results.every((r) => r.passed), coverage: coverage.report(), target: label };
}

function runOne(t: ValidationItem, table: ReturnType<typeof explainTable>["table"], runtime: RouteTestRuntime, coverage: Coverage, rc: RouteConfiguration): RouteTestResult {
  const input = t.input;
  const random = input.random_value ?? 0;
  runtime.current.runtime = input.runtime ?? "";
  runtime.current.random = random;
  const req: ExplainRequest = {
    method: input.method,
    authority: input.authority,
    path: input.path,
    headers: (input.additional_request_headers ?? []).map((h) => ({ name: h.key, value: h.value })),
    tls: input.ssl === true,
    internal: input.internal === true,
    randomValue: random,
  };
  const res = resolve(table, req);
  const route = res.route;
  // by name (unique in a route configuration): the table may hold a copy of it (explainTable)
  const vi = res.vhConfig === null ? -1 : rc.virtual_hosts!.findIndex((v) => v.name === res.vhConfig!.name);
  let out: RouteOutcome | null = null;
  if (route !== null) out = routeOutcome({ route, tlsRedirect: res.tlsRedirect, vhost: res.vhConfig!, input: res.input, tls: req.tls!, randomValue: random, bodyFile: null, clusters: null });
  const up = out?.upstream ?? null;
  const direct = route !== null && up === null;
  const scheme = req.tls ? "https" : "http";

  // the request headers after finalizeRequestHeaders (a route entry) and the response headers after
  // finalizeResponseHeaders, a direct response's local reply included (RouterCheckTool::finalizeHeaders)
  const reqHeaders = [":authority", up?.host ?? input.authority, ":path", up?.path ?? input.path, ":method", input.method, ...res.input.headers];
  const respHeaders = pairs(input.additional_response_headers);
  const format: FormatContext = { requestHeaders: reqHeaders, downstreamRemoteAddress: "127.0.0.1:0", upstreamHost: "" };
  if (route !== null && !res.tlsRedirect) {
    const w = out!.weighted;
    if (up !== null) applyMutations(w?.request ? [w.request, ...route.requestMutations] : route.requestMutations, reqHeaders, format);
    if (route.direct !== null && route.direct.body.length > 0) respHeaders.push("content-length", String(route.direct.body.length), "content-type", "text/plain");
    applyMutations(w?.response ? [w.response, ...route.responseMutations] : route.responseMutations, respHeaders, format);
  }

  const failures: string[] = [];
  const wname = out?.weighted?.name ?? null;
  const check = (expected: string | number | undefined, actual: string | number, type: string, field: RouteField | DirectField | null, applies: boolean) => {
    if (expected === undefined) return;
    if (expected !== actual) return void failures.push(failure(expected, actual, type));
    // a passing check covers its field on the entry the request reached (Envoy's coverage_.mark*Covered)
    if (field !== null && applies && route !== null && !res.tlsRedirect) coverage.mark(vi, route.index, wname, direct, field);
  };
  const v = t.validate;
  const entry = up !== null;
  check(v.cluster_name, up?.cluster ?? "", "cluster_name", "cluster", entry);
  check(v.virtual_cluster_name, up?.virtualCluster ?? "", "virtual_cluster_name", "virtual_cluster", entry);
  check(v.virtual_host_name, entry ? res.vhConfig!.name : "", "virtual_host_name", "virtual_host", entry);
  check(v.path_rewrite, up?.path ?? "", "path_rewrite", "path_rewrite", entry);
  check(v.host_rewrite, up?.host ?? "", "host_rewrite", "host_rewrite", entry);
  // a direct response's newUri without redirect settings is the request's own URL
  const a = out?.action;
  const location = a?.kind === "redirect" || a?.kind === "tls_redirect" ? a.location : direct ? `${scheme}://${input.authority}${input.path}` : "";
  const code = a?.kind === "redirect" || a?.kind === "tls_redirect" || a?.kind === "direct_response" ? a.status : 0;
  check(v.path_redirect, location, "path_redirect", "redirect_path", direct);
  check(v.code_redirect, code, "code_redirect", "redirect_code", direct);

  const reqView: MatchRequest = { headers: reqHeaders, path: up?.path ?? input.path, method: input.method, authority: up?.host ?? input.authority };
  const respView: MatchRequest = { headers: respHeaders, path: "", method: "", authority: "" };
  for (const h of v.request_header_matches ?? []) {
    const f = headerMatchFailure(reqView, h, "request_header_matches");
    if (f !== null) failures.push(f);
  }
  for (const h of v.request_header_fields ?? []) if ((firstHeader(reqHeaders, h.key) ?? "") !== h.value) failures.push(failure(h.value, firstHeader(reqHeaders, h.key) ?? "", "request_header_fields"));
  for (const h of v.response_header_matches ?? []) {
    const f = headerMatchFailure(respView, h, "response_header_matches");
    if (f !== null) failures.push(f);
  }
  for (const h of v.response_header_fields ?? []) if ((firstHeader(respHeaders, h.key) ?? "") !== h.value) failures.push(failure(h.value, firstHeader(respHeaders, h.key) ?? "", "response_header_fields"));
  return { testName: t.test_name, passed: failures.length === 0, failures };
}
