// GET /api/draft/impact: the sampled request heads (sample-store.ts) replayed against the live version and the
// draft as they are now.
import type { DraftImpact } from "../contract/impact";
import { getDraftRows, getLiveVersion } from "../config/config-service";
import { composeResources } from "../config/draft-mapper";
import { replayImpact } from "./replay";
import { requestSampleStore } from "./sample-store";

export async function draftImpact(now = Date.now()): Promise<DraftImpact> {
  const [rows, live] = await Promise.all([getDraftRows(), getLiveVersion()]);
  return replayImpact({
    sets: requestSampleStore().sets(),
    live: live ? { id: live.id, number: live.number, resources: live.snapshot } : null,
    draft: composeResources(rows),
    now,
  });
}
