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

/** The same check the server runs for the resource itself (cross-references are the server's). */
export function validateRoute(f: RouteFormState, original?: Route): FieldError[] {
  const errors: FieldError[] = [];
  if (f.action === "direct_response" && Number.isNaN(parseIntField(f.status) ?? NaN)) {
    errors.push({ path: "direct_response.status", message: "must be an HTTP status code such as 200 or 404" });
  }
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

export function matchLabel(r: Route): { kind: string; value: string } {
  const m = matchOf(r.match);
  return { kind: m.kind === "path_separated_prefix" ? "segment" : m.kind === "safe_regex" ? "regex" : m.kind, value: m.value };
}

/** Does route `a` (earlier) match every request route `b` (later) would? Conservative: only says yes when sure. */
export function shadows(a: Route, b: Route): boolean {
  // extra conditions on `a` mean it may let some of b's requests through
  if (a.match.headers?.length || a.match.query_parameters?.length) return false;
  const ai = a.match.case_sensitive === false;
  const bi = b.match.case_sensitive === false;
  if (!ai && bi) return false; // b matches more casings than a can
  const norm = (s: string) => (ai ? s.toLowerCase() : s);
  const bm = matchOf(b.match);
  if (bm.kind === "safe_regex") return a.match.prefix === "" || a.match.prefix === "/";
  // every path b matches starts with bm.value (a segment prefix also matches exactly bm.value)
  if (a.match.prefix !== undefined) return norm(bm.value).startsWith(norm(a.match.prefix));
  if (a.match.path !== undefined) return bm.kind === "path" && norm(bm.value) === norm(a.match.path);
  if (a.match.path_separated_prefix !== undefined) {
    const p = norm(a.match.path_separated_prefix);
    const v = norm(bm.value);
    return v === p || v.startsWith(p + "/");
  }
  return false;
}

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
