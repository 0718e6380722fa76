import { withHandler, reply } from "@/lib/http";
import { DiscardPreview } from "@/lib/contract";
import { etagHeaders } from "@/lib/config/draft-etag";
import { discardPreview } from "@/lib/config/discard";

/** What DELETE /api/draft would discard: {revision, live, draftHash, changes}; send the ETag back as If-Match. */
export const GET = withHandler({ response: DiscardPreview }, async () => {
  const p = await discardPreview();
  return reply(p, 200, etagHeaders(p.revision));
});
