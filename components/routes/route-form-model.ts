// Route form state ↔ Envoy v3 Route JSON, and the client-side check against the contract's schema.
import { Route as RouteSchema } from "@/proxy-core/src/config/schema";
import type { FieldError } from "@/components/queries/api-client";
import type { Route } from "@/components/queries/types";
import { fromZod, parseIntField } from "../ui/field-errors";

export const MATCH_KINDS = [
  { kind: "prefix", label: "Prefix", field: "Path prefix", hint: "Matches every path that starts with this.", placeholder: "/" },
  { kind: "path", label: "Exact", field: "Exact path", hint: "Matches this path only (query string ignored).", placeholder: "/healthz" },
  { kind: "path_separated_prefix", label: "Segment prefix", field: "Path segment prefix", hint: "Like a prefix, but only at a / boundary: /api matches /api and /api/x, not /apix.", placeholder: "/api" },
  { kind: "safe_regex", label: "Regex", field: "Path regex", hint: "RE2 syntax; must match the whole path.", placeholder: "/users/[0-9]+" },
] as const;

export type MatchKind = (typeof MATCH_KINDS)[number]["kind"];
/** "other" keeps an action the form does not edit yet (redirect, weighted clusters) exactly as it is. */
export type ActionKind = "route" | "direct_response" | "other";

export interface RouteFormState {
  name: string;
  matchKind: MatchKind;
  matchValue: string;
  caseSensitive: boolean;
  action: ActionKind;
  cluster: string;
  timeout: string;
  status: string;
  body: string;
}

export const EMPTY_ROUTE: RouteFormState = {
  name: "",
  matchKind: "prefix",
  matchValue: "/",
  caseSensitive: true,
  action: "route",
  cluster: "",
  timeout: "",
  status: "200",
  body: "",
};

export function matchOf(m: Route["match"]): { kind: MatchKind; value: string } {
  if (m.path !== undefined) return { kind: "path", value: m.path };
  if (m.path_separated_prefix !== undefined) return { kind: "path_separated_prefix", value: m.path_separated_prefix };
  if (m.safe_regex !== undefined) return { kind: "safe_regex", value: m.safe_regex.regex };
  return { kind: "prefix", value: m.prefix ?? "" };
}

/** The action the form can edit, or "other" (with a description) for the ones it only keeps. */
export function otherAction(r: Route): string | null {
  if (r.redirect) return "redirect";
  if (r.route?.weighted_clusters) return "weighted clusters";
  return null;
}

export function routeToForm(r: Route): RouteFormState {
  const m = matchOf(r.match);
  return {
    name: r.name ?? "",
    matchKind: m.kind,
    matchValue: m.value,
    caseSensitive: r.match.case_sensitive ?? true,
    action: otherAction(r) ? "other" : r.direct_response ? "direct_response" : "route",
    cluster: r.route?.cluster ?? "",
    timeout: r.route?.timeout ?? "",
    status: r.direct_response ? String(r.direct_response.status) : "200",
    body: r.direct_response?.body?.inline_string ?? "",
  };
}

/**
 * Builds the Route from the form. Fields the form does not edit (header and query matchers,
 * rewrites, retries, header mutations, redirect …) are carried over from `original` untouched.
 */
export function formToRoute(f: RouteFormState, original?: Route): Route {
  const { prefix: _p, path: _x, path_separated_prefix: _s, safe_regex: _r, case_sensitive: _c, ...matchRest } = original?.match ?? {};
  const match: Route["match"] = { ...matchRest };
  if (f.matchKind === "safe_regex") match.safe_regex = { ...(original?.match.safe_regex ?? {}), regex: f.matchValue };
  else match[f.matchKind] = f.matchValue;
  if (!f.caseSensitive) match.case_sensitive = false;

  const { name: _n, match: _m, route: _ra, redirect: _rd, direct_response: _dr, ...rest } = original ?? ({} as Partial<Route>);
  const route: Route = { ...(f.name.trim() ? { name: f.name.trim() } : {}), match, ...rest };
  if (f.action === "other" && original) {
    if (original.route) route.route = original.route;
    if (original.redirect) route.redirect = original.redirect;
    if (original.direct_response) route.direct_response = original.direct_response;
  } else if (f.action === "route") {
    const { cluster: _cl, weighted_clusters: _w, timeout: _t, ...actionRest } = original?.route ?? {};
    route.route = { cluster: f.cluster, ...actionRest };
    if (f.timeout.trim()) route.route.timeout = f.timeout.trim();
  } else {
    const status = parseIntField(f.status);
    route.direct_response = { status: status ?? NaN };
    if (f.body) route.direct_response.body = { inline_string: f.body };
  }
  return route;
}

/**
 * The same check the server runs for the resource itself (cross-references are the server's): the contract's Route
 * schema, whose limits and messages the API uses too (proxy-core/src/config/schema-limits.ts). The form adds only
 * what it must say in its own words: a missing cluster or path, and a path that cannot match.
 */
export function validateRoute(f: RouteFormState, original?: Route): FieldError[] {
  const errors: FieldError[] = [];
  if (f.action === "route" && !f.cluster) errors.push({ path: "route.cluster", message: "choose the cluster that receives the request" });
  if (f.matchKind !== "safe_regex") {
    if (f.matchValue && !f.matchValue.startsWith("/")) errors.push({ path: `match.${f.matchKind}`, message: "must start with /" });
    if (f.matchKind !== "prefix" && !f.matchValue) errors.push({ path: `match.${f.matchKind}`, message: "required" });
  }
  const parsed = RouteSchema.safeParse(formToRoute(f, original));
  if (!parsed.success) {
    for (const e of fromZod(parsed.error)) {
      if (errors.some((x) => x.path === e.path)) continue;
      errors.push(e);
    }
  }
  return errors;
}

/** The form field an error path belongs to (errors show next to a field once it was edited or left), or null. */
export function fieldOf(path: string): keyof RouteFormState | null {
  const under = (p: string) => path === p || path.startsWith(p + ".") || path.startsWith(p + "[");
  if (under("name")) return "name";
  if (under("match.case_sensitive")) return "caseSensitive";
  if (under("match")) return "matchValue";
  if (under("route.cluster")) return "cluster";
  if (under("route.timeout")) return "timeout";
  if (under("direct_response.status")) return "status";
  if (under("direct_response.body")) return "body";
  return null;
}

export function matchLabel(r: Route): { kind: string; value: string } {
  const m = matchOf(r.match);
  return { kind: m.kind === "path_separated_prefix" ? "segment" : m.kind === "safe_regex" ? "regex" : m.kind, value: m.value };
}

/** Does route `a` (earlier) match every request route `b` (later) would? One implementation with the server's. */
export { shadows } from "@/lib/contract/route-shadow";

/** Envoy fields of `r` the form keeps but does not edit yet, for a note in the editor. */
export function keptFields(r: Route): string[] {
  const out: string[] = [];
  if (r.match.headers?.length) out.push("match.headers");
  if (r.match.query_parameters?.length) out.push("match.query_parameters");
  for (const k of ["prefix_rewrite", "regex_rewrite", "host_rewrite_literal", "idle_timeout", "retry_policy", "hash_policy"] as const)
    if (r.route?.[k] !== undefined) out.push(`route.${k}`);
  for (const k of ["request_headers_to_add", "request_headers_to_remove", "response_headers_to_add", "response_headers_to_remove"] as const)
    if (r[k] !== undefined) out.push(k);
  return out;
}
