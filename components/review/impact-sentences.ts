// The impact preview in words: "37 requests/min to /api/v1 move from cluster a to cluster b", "2 requests/min
// would get no route (404)". Kept apart from the view so the wording is tested on its own.
import type { DraftImpact, ImpactDestination, ImpactHead, ImpactMove, ImpactRoute } from "@/lib/contract/impact";

export interface ImpactLine {
  key: string;
  /** the sentence */
  text: string;
  /** how many sampled requests it rests on, and which route names are involved */
  detail: string;
  tone: "amber" | "red";
  examples: ImpactHead[];
}

export interface ImpactView {
  /** no sampled request in the window: nothing to replay */
  empty: boolean;
  /** "Replayed 40 requests received in the last 2 min: 0 keep their route and destination." */
  summary: string;
  lines: ImpactLine[];
  notes: string[];
}

/** "37", "2.5", "<0.1" */
export function fmtRate(perMinute: number): string {
  if (perMinute > 0 && perMinute < 0.1) return "<0.1";
  return perMinute >= 10 ? String(Math.round(perMinute)) : String(Math.round(perMinute * 10) / 10);
}

const one = (perMinute: number) => perMinute > 0 && perMinute <= 1;
const perMin = (n: number) => `${fmtRate(n)} ${one(n) ? "request" : "requests"}/min`;
const plural = (n: number, one: string, many = `${one}s`) => `${n === 1 ? one : many}`;

/** What a route takes, as a person names it: "/api/v1", "paths matching ^/v[0-9]+$", "plain-HTTP requests". */
export function routeTarget(r: ImpactRoute): string {
  switch (r.matchKind) {
    case "safe_regex":
      return `paths matching ${r.match}`;
    case "require_tls":
      return "plain-HTTP requests";
    default:
      return r.match;
  }
}

export function destinationText(d: ImpactDestination): string {
  switch (d.kind) {
    case "cluster":
      return `cluster ${d.name}`;
    case "cluster_header":
      return `the cluster named by header ${d.name}`;
    case "redirect":
      return `a redirect (${d.name})`;
    case "direct_response":
      return `a direct response ${d.name}`;
  }
}

const routeName = (r: ImpactRoute | null) => (r === null ? "no route" : r.name !== null ? `route ${r.name}` : r.matchKind === "require_tls" ? "the require_tls redirect" : `the ${r.matchKind} ${r.match} route`);
const sameDestination = (a: ImpactDestination | null, b: ImpactDestination) => a !== null && a.kind === b.kind && a.name === b.name;

function moveSentence(m: ImpactMove): string {
  const to = routeTarget(m.routeBefore ?? m.routeAfter);
  const share = m.share < 1 ? ` (${Math.round(m.share * 100)} % of them)` : "";
  if (m.destinationBefore === null) return `${perMin(m.perMinute)} to ${to} that ${one(m.perMinute) ? "gets" : "get"} no route today would go to ${destinationText(m.destinationAfter)}`;
  if (sameDestination(m.destinationBefore, m.destinationAfter))
    return `${perMin(m.perMinute)} to ${to} would be taken by ${routeName(m.routeAfter)} instead of ${routeName(m.routeBefore)} (still ${destinationText(m.destinationAfter)})`;
  return `${perMin(m.perMinute)}${share} to ${to} ${one(m.perMinute) ? "moves" : "move"} from ${destinationText(m.destinationBefore)} to ${destinationText(m.destinationAfter)}`;
}

function since(from: number | null, to: number): string {
  if (from === null) return "";
  const min = Math.max(1, Math.round((to - from) / 60_000));
  return min >= 60 ? " in the last hour" : ` in the last ${min} min`;
}

const fmtCount = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

export function impactView(d: DraftImpact): ImpactView {
  const lines: ImpactLine[] = d.moves.map((m, i) => ({
    key: `move-${i}`,
    text: moveSentence(m),
    detail: `${fmtCount(m.requests)} sampled ${plural(m.requests, "request")} on listener ${m.listener}: ${
      routeName(m.routeBefore) === routeName(m.routeAfter) ? routeName(m.routeAfter) : `${routeName(m.routeBefore)} → ${routeName(m.routeAfter)}`
    }`,
    tone: "amber",
    examples: m.examples,
  }));
  if (d.noRoute.requests > 0) {
    const where = d.noRoute.byRoute.map((g) => `${perMin(g.perMinute)} to ${routeTarget(g.routeBefore)} (${routeName(g.routeBefore)})`).join("; ");
    lines.push({
      key: "no-route",
      text: `${perMin(d.noRoute.perMinute)} would get no route (404)`,
      detail: `${d.noRoute.requests} sampled ${plural(d.noRoute.requests, "request")}${where ? `: ${where}` : ""}`,
      tone: "red",
      examples: d.noRoute.examples,
    });
  }
  const n = d.window.requests;
  const summary =
    n === 0
      ? "No recent traffic to replay."
      : `Replayed ${n} ${plural(n, "request")} received${since(d.window.from, d.window.to)}: ${fmtCount(d.unchanged)} keep${d.unchanged === 1 ? "s" : ""} ${d.unchanged === 1 ? "its" : "their"} route and destination.`;
  return { empty: n === 0, summary, lines, notes: d.notes };
}

/** "GET api.example.com/api/v1/users?id=3" */
export function headText(h: ImpactHead): string {
  return `${h.method} ${h.authority}${h.path}`;
}
