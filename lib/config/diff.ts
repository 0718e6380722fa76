// Differences between two snapshots: a unified text diff of their canonical YAML, a per-resource list at
// listener/cluster granularity (`resourceChanges`, what the draft status counts), and the readable diff per
// listener, virtual host, route, cluster, endpoint and thresholds (`readableDiff`, lib/config/diff/).
import { formatPatch, structuredPatch } from "diff";
import { canonicalJson } from "./canonical";
import type { Resources } from "./draft-mapper";
import { toYaml } from "./diff/yaml-text";

export { readableDiff, routeLabel } from "./diff/readable";

export type ResourceKind = "listener" | "cluster";
export interface ResourceChange { kind: ResourceKind; name: string; change: "added" | "removed" | "changed" }

/** Keys sorted, except `name` first (so each resource starts with its name): stable and readable. */
function readableKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(readableKeys);
  if (value && typeof value === "object") {
    const keys = Object.keys(value as object).sort((a, b) => (a === "name" ? -1 : b === "name" ? 1 : a < b ? -1 : a > b ? 1 : 0));
    const out: Record<string, unknown> = {};
    for (const k of keys) if ((value as Record<string, unknown>)[k] !== undefined) out[k] = readableKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/** The snapshot as YAML, keys sorted (`name` first), laid out as the `yaml` package would, in linear time. */
export function canonicalYaml(resources: Resources): string {
  return toYaml(readableKeys({ listeners: resources.listeners, clusters: resources.clusters }));
}

function byName(list: unknown[]): Map<string, string> {
  const m = new Map<string, string>();
  list.forEach((r, i) => {
    const name = (r as { name?: unknown })?.name;
    m.set(typeof name === "string" ? name : `#${i}`, canonicalJson(r));
  });
  return m;
}

/** Resources of `to` compared with `from`: added (only in to), removed (only in from), changed. */
export function resourceChanges(from: Resources, to: Resources): ResourceChange[] {
  const out: ResourceChange[] = [];
  const kinds: [ResourceKind, unknown[], unknown[]][] = [
    ["listener", from.listeners ?? [], to.listeners ?? []],
    ["cluster", from.clusters ?? [], to.clusters ?? []],
  ];
  for (const [kind, a, b] of kinds) {
    const ma = byName(a);
    const mb = byName(b);
    for (const [name, v] of mb) {
      if (!ma.has(name)) out.push({ kind, name, change: "added" });
      else if (ma.get(name) !== v) out.push({ kind, name, change: "changed" });
    }
    for (const name of ma.keys()) if (!mb.has(name)) out.push({ kind, name, change: "removed" });
  }
  return out;
}

const CONTEXT = 3;

/**
 * A unified diff with the lines both texts share at their start and end left out of the line diff (with
 * CONTEXT lines to spare, so the hunks are the ones the whole texts give): one edit in 60,000 lines of YAML
 * costs a scan, not Myers' O(N·D) over all of it. `undefined` when `timeout` ran out.
 */
function trimmedPatch(fromLabel: string, toLabel: string, a: string, b: string, timeout?: number): string | undefined {
  const la = a.split("\n");
  const lb = b.split("\n");
  let pre = 0;
  while (pre < la.length && pre < lb.length && la[pre] === lb[pre]) pre++;
  let post = 0;
  while (post < la.length - pre && post < lb.length - pre && la[la.length - 1 - post] === lb[lb.length - 1 - post]) post++;
  const skip = Math.max(0, pre - CONTEXT);
  const tail = Math.max(0, post - CONTEXT);
  // both texts end with a newline; a middle cut before the end gets one too, so no "\ No newline" appears
  const mid = (l: string[]) => l.slice(skip, l.length - tail).join("\n") + (tail > 0 ? "\n" : "");
  const patch = timeout === undefined
    ? structuredPatch(fromLabel, toLabel, mid(la), mid(lb), undefined, undefined, { context: CONTEXT })
    : structuredPatch(fromLabel, toLabel, mid(la), mid(lb), undefined, undefined, { context: CONTEXT, timeout });
  if (!patch) return undefined;
  for (const h of patch.hunks) {
    h.oldStart += skip;
    h.newStart += skip;
  }
  return formatPatch(patch);
}

/**
 * The unified diff of the two snapshots' canonical YAML. With `timeoutMs`, a diff that takes longer (Myers'
 * algorithm costs O(N·D): 10,000 changed routes are seconds of it) is given up, and the text says so instead.
 */
export function unifiedDiff(fromLabel: string, toLabel: string, from: Resources, to: Resources, timeoutMs?: number): string {
  const text = trimmedPatch(fromLabel, toLabel, canonicalYaml(from), canonicalYaml(to), timeoutMs);
  return text ?? `--- ${fromLabel}\n+++ ${toLabel}\n@@ the text diff took longer than ${(timeoutMs ?? 0) / 1000} s and was not computed: the changes above list every difference @@\n`;
}
