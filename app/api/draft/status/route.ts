import { withHandler, reply } from "@/lib/http";
import { DraftStatus } from "@/lib/contract";
import { etagHeaders } from "@/lib/config/draft-etag";
import { draftStatus } from "@/lib/config/draft-status";

/** {live:{id,number,hash}|null, revision, draftHash, changes:[{kind,name,change}], nodes:{total,connected,applied,rejected}}; ETag: the revision. */
export const GET = withHandler({ response: DraftStatus }, async () => {
  const s = await draftStatus();
  return reply(s, 200, etagHeaders(s.revision));
});
