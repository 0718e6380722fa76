// GET /api/versions: the versions of the current environment, newest first (a page of them), with whether it is
// live and how many connected nodes run it (so no client has to work either out).
import type { z } from "zod";
import type { VersionListItem } from "../contract/versions";
import { getLiveVersionId } from "../repos/live-state-repo";
import { listNodes } from "../repos/node-repo";
import { getVersionSummary, listVersions, type VersionSummary } from "../repos/version-repo";
import { currentEnvironment } from "../environment/scope";

/** One page of them: `limit` versions numbered below `before` (GET /api/versions?limit=&before=). */
export async function listVersionItems(page: { limit?: number; before?: number } = {}): Promise<z.input<typeof VersionListItem>[]> {
  const env = currentEnvironment();
  const [versions, liveId, nodes] = await Promise.all([listVersions(env, undefined, page.limit, page.before), getLiveVersionId(env), listNodes()]);
  const running = new Map<string, number>();
  for (const n of nodes) if (n.connected && n.appliedVersionId) running.set(n.appliedVersionId, (running.get(n.appliedVersionId) ?? 0) + 1);
  const origins = new Map<string, VersionSummary | null>();
  for (const id of new Set(versions.map((v) => v.promotedFromId).filter((x): x is string => x !== null))) origins.set(id, await getVersionSummary(id));
  const promotedFrom = (id: string | null) => {
    const o = id ? origins.get(id) : null;
    return o ? { environment: o.environment, number: o.number } : null;
  };
  return versions.map((v) => ({ ...v, live: v.id === liveId, nodes: running.get(v.id) ?? 0, promotedFrom: promotedFrom(v.promotedFromId) }));
}
