// GET /api/versions: every published version, newest first, with whether it is live and how many connected
// nodes run it (so no client has to work either out).
import type { z } from "zod";
import type { VersionListItem } from "../contract/versions";
import { getLiveVersionId } from "../repos/live-state-repo";
import { listNodes } from "../repos/node-repo";
import { listVersions } from "../repos/version-repo";

export async function listVersionItems(): Promise<z.input<typeof VersionListItem>[]> {
  const [versions, liveId, nodes] = await Promise.all([listVersions(), getLiveVersionId(), listNodes()]);
  const running = new Map<string, number>();
  for (const n of nodes) if (n.connected && n.appliedVersionId) running.set(n.appliedVersionId, (running.get(n.appliedVersionId) ?? 0) + 1);
  return versions.map((v) => ({ ...v, live: v.id === liveId, nodes: running.get(v.id) ?? 0 }));
}
