// What a version changed, resource by resource: its readable diff against the version it replaced (its parent,
// the one live before it; nothing for the first). Versions never change, so each answer is kept (the Audit page
// polls, and a publish at 10,000 routes takes a while to diff); the oldest go first past MAX_CACHED.
import type { AuditChange } from "../contract/audit";
import { readableDiff } from "../config/diff";
import { getVersion } from "../repos/version-repo";

/** Changes listed per entry; the rest are counted (the version's diff has them all). */
export const MAX_LISTED = 50;
const MAX_CACHED = 500;

export interface VersionChanges { changes: AuditChange[]; more: number }

const cache = new Map<string, VersionChanges>();

/** From the cache only: undefined when not worked out yet. */
export function cachedVersionChanges(versionId: string): VersionChanges | undefined {
  return cache.get(versionId);
}

/** Null when the version is gone (a restore replaced the store). */
export async function versionChanges(versionId: string): Promise<VersionChanges | null> {
  const hit = cache.get(versionId);
  if (hit) return hit;
  const v = await getVersion(versionId);
  if (!v) return null;
  const parent = v.parentId ? await getVersion(v.parentId) : null;
  const all = readableDiff(parent?.snapshot ?? { listeners: [], clusters: [] }, v.snapshot);
  const out: VersionChanges = {
    changes: all.slice(0, MAX_LISTED).map((c) => ({ kind: c.kind, name: c.label, change: c.change, text: c.summary })),
    more: Math.max(0, all.length - MAX_LISTED),
  };
  cache.set(versionId, out);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  return out;
}
