// GET /api/draft/impact: the sampled request heads (sample-store.ts) replayed against the live version and the
// draft as they are now: the samples of the current environment's nodes, its live version and its draft.
import type { DraftImpact } from "../contract/impact";
import { getDraftRows, getLiveVersion } from "../config/config-service";
import { composeResources } from "../config/draft-mapper";
import { replayImpact } from "./replay";
import { requestSampleStore } from "./sample-store";
import { listNodes } from "../repos/node-repo";
import { currentEnvironment } from "../environment/scope";

export async function draftImpact(now = Date.now()): Promise<DraftImpact> {
  const env = currentEnvironment();
  const [rows, live, nodes] = await Promise.all([getDraftRows(), getLiveVersion(), listNodes()]);
  const mine = new Set(nodes.filter((n) => n.environment === env).map((n) => n.id));
  return replayImpact({
    sets: requestSampleStore().sets().filter((s) => mine.has(s.node)),
    live: live ? { id: live.id, number: live.number, resources: live.snapshot } : null,
    draft: composeResources(rows),
    now,
  });
}
