// What a guard watches: the routes and clusters a publish changed, from the readable diff of the previous and
// the new snapshot (lib/config/diff.ts). A route is watched by its own stats, `vhost.<virtual host>.route.
// <stat_prefix>.upstream_rq_<N>xx` (Envoy's router_filter.rst "Route statistics": only routes with a stat_prefix
// have them), and falls back to its upstream clusters' `cluster.<name>.upstream_rq_<N>xx` without one. An empty
// set means nothing route-level changed (a listener setting, a new unused cluster): the guard watches the fleet.
// The diff is the one the Review drawer computed for this publish when it is still kept (changesBetween).
import type { Snapshot } from "../config/diff/readable";
import { changesBetween } from "../config/diff/config-diff";
import { arr, isObj, matchText, obj, str } from "../config/diff/format";

export type GuardTarget =
  | { kind: "route"; vhost: string; statPrefix: string; text: string }
  | { kind: "cluster"; name: string; text: string };

/** The clusters a route sends to (`cluster` or `weighted_clusters`; a cluster_header's are unknown until run). */
function routeClusters(route: unknown): string[] {
  const a = obj(obj(route).route);
  if (typeof a.cluster === "string") return [a.cluster];
  return arr(obj(a.weighted_clusters).clusters).map((c) => str(obj(c).name)).filter((n): n is string => !!n);
}

function addRoute(route: unknown, where: string, out: Map<string, GuardTarget>) {
  const vhost = where.slice(where.lastIndexOf("/") + 1);
  const statPrefix = str(obj(route).stat_prefix);
  const text = `route ${matchText(obj(route).match)} on ${where}`;
  if (statPrefix) out.set(`route:${vhost}\u0000${statPrefix}`, { kind: "route", vhost, statPrefix, text });
  else for (const name of routeClusters(route)) addCluster(name, out);
}

function addCluster(name: string, out: Map<string, GuardTarget>) {
  out.set(`cluster:${name}`, { kind: "cluster", name, text: `cluster ${name}` });
}

/** "… on listener main/default" → "main/default" */
const whereOf = (label: string) => label.slice(label.lastIndexOf(" on listener ") + " on listener ".length);

/**
 * Routes added, changed or moved (a move changes which requests a route takes), the routes of an added virtual
 * host, and clusters whose settings, endpoints or thresholds changed. Removed resources carry no traffic left to
 * watch.
 */
export function affectedTargets(previous: Snapshot, next: Snapshot): GuardTarget[] {
  const out = new Map<string, GuardTarget>();
  for (const c of changesBetween(previous, next)) {
    if (c.change === "removed") continue;
    if (c.kind === "route") addRoute(c.after, whereOf(c.label), out);
    else if (c.kind === "virtual_host" && c.change === "added" && isObj(c.after)) {
      // "virtual host default on listener main" → main/default
      const vname = str(c.after.name) ?? "?";
      for (const r of arr(c.after.routes)) addRoute(r, `${whereOf(c.label)}/${vname}`, out);
    } else if ((c.kind === "cluster" && c.change === "changed") || c.kind === "endpoint" || c.kind === "circuit_breaker") {
      addCluster(c.group.slice("cluster ".length), out);
    }
  }
  return [...out.values()];
}
