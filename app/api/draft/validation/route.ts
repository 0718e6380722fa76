import { withHandler, reply } from "@/lib/http";
import { DraftValidation } from "@/lib/contract";
import { etagHeaders } from "@/lib/config/draft-etag";
import { draftValidation } from "@/lib/config/draft-validation";

/** What a publish would refuse the draft for: {revision, draftHash, problems: [{path, message}]}; ETag: the revision. */
export const GET = withHandler({ response: DraftValidation }, async () => {
  const v = await draftValidation();
  return reply(v, 200, etagHeaders(v.revision));
});
