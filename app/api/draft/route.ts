import { z } from "zod";
import { withHandler, reply } from "@/lib/http";
import { DiscardPreview } from "@/lib/contract";
import { etagHeaders, ifMatchOf } from "@/lib/config/draft-etag";
import { discardDraft, discardPreview } from "@/lib/config/discard";

const Query = z.object({ dryRun: z.enum(["1", "true", "0", "false"]).optional() });

/** Discard the draft: reset it to the live version (audited as draft.discard). ?dryRun=1 only previews. */
export const DELETE = withHandler({ query: Query, response: DiscardPreview }, async ({ req, query, actor }) => {
  if (query.dryRun === "1" || query.dryRun === "true") {
    const p = await discardPreview();
    return reply(p, 200, etagHeaders(p.revision));
  }
  const { value, revision } = await discardDraft(actor.name, { ifMatch: ifMatchOf(req) });
  return reply(value, 200, etagHeaders(revision));
});
