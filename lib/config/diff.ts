// Differences between two snapshots: a unified text diff of their canonical YAML and a per-resource list.
import { createTwoFilesPatch } from "diff";
import { stringify } from "yaml";
import { canonicalJson } from "./canonical";
import type { Resources } from "./draft-mapper";

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

export function canonicalYaml(resources: Resources): string {
  return stringify(readableKeys({ listeners: resources.listeners, clusters: resources.clusters }), { lineWidth: 0 });
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

export function unifiedDiff(fromLabel: string, toLabel: string, from: Resources, to: Resources): string {
  return createTwoFilesPatch(fromLabel, toLabel, canonicalYaml(from), canonicalYaml(to), undefined, undefined, { context: 3 });
}
