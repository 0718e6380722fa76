// Route coverage as Envoy's route table check tool counts it (test/tools/router_check/coverage.cc). A route with
// weighted clusters counts once per cluster, every other route once. A check that passes marks the field it checked
// on the entry the request reached (the route, or the route and its picked weighted cluster):
// - default: the share of entries some passing check reached (Coverage::report);
// - --covall: the share of checkable fields checked, summed over entries (Coverage::comprehensiveReport): cluster,
//   virtual cluster, virtual host, path rewrite and host rewrite for a route that forwards; redirect path and code
//   for a redirect or direct response. It lists the routes no passing check reached.
import type { RouteConfiguration, RouteMatch } from "../config/schema";

export type RouteField = "cluster" | "virtual_cluster" | "virtual_host" | "path_rewrite" | "host_rewrite";
export type DirectField = "redirect_path" | "redirect_code";

const ROUTE_FIELDS = 5;
const DIRECT_FIELDS = 2;

export interface MissingRoute {
  readonly virtualHost: string;
  /** the route's position in its virtual host */
  readonly index: number;
  readonly name: string | null;
  /** the route's match in protobuf text format, as Envoy prints it (`prefix: "/"`) */
  readonly match: string;
}

export interface CoverageReport {
  /** Envoy's default figure, in percent */
  readonly percent: number;
  /** --covall's figure, in percent */
  readonly comprehensivePercent: number;
  /** how many entries the figures divide by */
  readonly entries: number;
  readonly missing: readonly MissingRoute[];
}

/** One covered entry (RouteCoverage): what kind it is and the fields checks have covered. */
interface Entry {
  readonly vh: number;
  readonly route: number;
  readonly direct: boolean;
  readonly fields: Set<RouteField | DirectField>;
}

export class Coverage {
  readonly #entries = new Map<string, Entry>();

  constructor(readonly config: RouteConfiguration) {}

  /** A passing check of `field` on route `route` of virtual host `vh` (and weighted cluster `weighted`). */
  mark(vh: number, route: number, weighted: string | null, direct: boolean, field: RouteField | DirectField) {
    const key = `${vh}/${route}/${weighted ?? ""}`;
    let e = this.#entries.get(key);
    if (e === undefined) this.#entries.set(key, (e = { vh, route, direct, fields: new Set() }));
    e.fields.add(field);
  }

  report(): CoverageReport {
    let entries = 0;
    const missing: MissingRoute[] = [];
    const covered = new Set([...this.#entries.values()].map((e) => `${e.vh}/${e.route}`));
    (this.config.virtual_hosts ?? []).forEach((vh, vi) =>
      (vh.routes ?? []).forEach((r, ri) => {
        entries += r.route?.weighted_clusters?.clusters.length ?? 1;
        if (!covered.has(`${vi}/${ri}`)) missing.push({ virtualHost: vh.name, index: ri, name: r.name ?? null, match: textFormat(r.match) });
      }),
    );
    let cumulative = 0;
    for (const e of this.#entries.values()) cumulative += e.fields.size / (e.direct ? DIRECT_FIELDS : ROUTE_FIELDS);
    const pct = (n: number) => (entries === 0 ? 0 : (100 * n) / entries);
    return { percent: pct(this.#entries.size), comprehensivePercent: pct(cumulative), entries, missing };
  }
}

/** Fields that are google.protobuf wrappers in Envoy's RouteMatch: TextFormat prints them as messages. */
const WRAPPED = new Set(["case_sensitive"]);

/** protobuf's TextFormat::PrintToString of a message: `name: value` lines, nested messages in braces, two-space indent. */
export function textFormat(m: RouteMatch | Record<string, unknown>, indent = ""): string {
  let out = "";
  const line = (name: string, v: unknown) => {
    if (v === undefined || v === null) return;
    if (Array.isArray(v)) return v.forEach((x) => line(name, x));
    if (typeof v === "object") {
      out += `${indent}${name} {\n${textFormat(v as Record<string, unknown>, indent + "  ")}${indent}}\n`;
      return;
    }
    if (WRAPPED.has(name)) {
      out += `${indent}${name} {\n${indent}  value: ${String(v)}\n${indent}}\n`;
      return;
    }
    out += `${indent}${name}: ${typeof v === "string" ? JSON.stringify(v) : String(v)}\n`;
  };
  for (const [k, v] of Object.entries(m)) line(k, v);
  return out;
}
