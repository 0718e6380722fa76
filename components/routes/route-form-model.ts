// Route form state ↔ Envoy v3 Route JSON, and the client-side check against the contract's schema.
import { Route as RouteSchema } from "@/proxy-core/src/config/schema";
import type { FieldError } from "@/components/queries/api-client";
import type { Route } from "@/components/queries/types";
import { fromZod, parseIntField } from "@/components/ui/field-errors";

export type MatchKind = "prefix" | "path";
export type ActionKind = "route" | "direct_response";

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

export function routeToForm(r: Route): RouteFormState {
  const matchKind: MatchKind = r.match.path !== undefined ? "path" : "prefix";
  return {
    name: r.name ?? "",
    matchKind,
    matchValue: (matchKind === "path" ? r.match.path : r.match.prefix) ?? "",
    caseSensitive: r.match.case_sensitive ?? true,
    action: r.direct_response ? "direct_response" : "route",
    cluster: r.route?.cluster ?? "",
    timeout: r.route?.timeout ?? "",
    status: r.direct_response ? String(r.direct_response.status) : "200",
    body: r.direct_response?.body?.inline_string ?? "",
  };
}

export function formToRoute(f: RouteFormState): Route {
  const route: Route = { match: { [f.matchKind]: f.matchValue } as Route["match"] };
  if (f.name.trim()) route.name = f.name.trim();
  if (!f.caseSensitive) route.match.case_sensitive = false;
  if (f.action === "route") {
    route.route = { cluster: f.cluster };
    if (f.timeout.trim()) route.route.timeout = f.timeout.trim();
  } else {
    const status = parseIntField(f.status);
    route.direct_response = { status: status ?? NaN };
    if (f.body) route.direct_response.body = { inline_string: f.body };
  }
  return route;
}

/** The same check the server runs for the resource itself (cross-references are the server's). */
export function validateRoute(f: RouteFormState): FieldError[] {
  const errors: FieldError[] = [];
  if (f.action === "direct_response" && Number.isNaN(parseIntField(f.status) ?? NaN)) {
    errors.push({ path: "direct_response.status", message: "must be an HTTP status code such as 200 or 404" });
  }
  if (f.action === "route" && !f.cluster) errors.push({ path: "route.cluster", message: "choose the cluster that receives the request" });
  if (f.matchKind === "prefix" || f.matchKind === "path") {
    if (f.matchValue && !f.matchValue.startsWith("/")) errors.push({ path: `match.${f.matchKind}`, message: "must start with /" });
    if (f.matchKind === "path" && !f.matchValue) errors.push({ path: "match.path", message: "required" });
  }
  const parsed = RouteSchema.safeParse(formToRoute(f));
  if (!parsed.success) {
    for (const e of fromZod(parsed.error)) {
      if (errors.some((x) => x.path === e.path)) continue;
      errors.push(e);
    }
  }
  return errors;
}

export function matchLabel(r: Route): { kind: string; value: string } {
  if (r.match.path !== undefined) return { kind: "path", value: r.match.path };
  return { kind: "prefix", value: r.match.prefix ?? "" };
}

/** Does route `a` (earlier) match every request route `b` (later) would? */
export function shadows(a: Route, b: Route): boolean {
  const ai = a.match.case_sensitive === false;
  const bi = b.match.case_sensitive === false;
  if (ai === false && bi) return false; // b matches more casings than a can
  const norm = (s: string) => (ai ? s.toLowerCase() : s);
  const bValue = b.match.path ?? b.match.prefix ?? "";
  if (a.match.prefix !== undefined) return norm(bValue).startsWith(norm(a.match.prefix));
  if (a.match.path !== undefined) return b.match.path !== undefined && norm(b.match.path) === norm(a.match.path);
  return false;
}
