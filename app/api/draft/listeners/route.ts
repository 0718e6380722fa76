import { withHandler, reply } from "@/lib/http";
import { DraftListenerList } from "@/lib/contract";
import { etagHeaders } from "@/lib/config/draft-etag";
import { readDraft } from "@/lib/config/draft-read";
import { listenerItems } from "@/lib/config/draft-listeners";
import { listenersWithOwners } from "@/lib/teams/ownership-view";

/** Draft listeners: address, protocol, certificates, virtual hosts with their domains and route counts; ETag: the draft's revision. */
export const GET = withHandler({ response: DraftListenerList }, async ({ actor }) => {
  const { rows, revision } = await readDraft();
  return reply(listenersWithOwners(listenerItems(rows), rows, actor), 200, etagHeaders(revision));
});
