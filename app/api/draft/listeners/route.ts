import { withHandler, reply } from "@/lib/http";
import { DraftListenerList } from "@/lib/contract";
import { etagHeaders } from "@/lib/config/draft-etag";
import { readDraft } from "@/lib/config/draft-read";
import { listenerItems } from "@/lib/config/draft-listeners";

/** Draft listeners: address, protocol, certificates, virtual hosts with their domains and route counts; ETag: the draft's revision. */
export const GET = withHandler({ response: DraftListenerList }, async () => {
  const { rows, revision } = await readDraft();
  return reply(listenerItems(rows), 200, etagHeaders(revision));
});
