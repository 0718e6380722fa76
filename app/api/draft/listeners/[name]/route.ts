import { withHandler, reply } from "@/lib/http";
import { DeletedListener, DraftListenerItem, PutListenerBody } from "@/lib/contract";
import { etagHeaders, ifMatchOf } from "@/lib/config/draft-etag";
import { deleteDraftListener, putDraftListener } from "@/lib/config/draft-listeners";

/** Create (201) or replace (200) a listener from a ListenerBody; a different `name` in the body renames it. */
export const PUT = withHandler({ body: PutListenerBody, response: DraftListenerItem }, async ({ req, params, body, actor }) => {
  const { value, revision } = await putDraftListener(params.name, body, actor.name, { ifMatch: ifMatchOf(req) });
  return reply(value.item, value.created ? 201 : 200, etagHeaders(revision));
});

/** Remove a listener with its virtual hosts and their routes; answers what went with it. */
export const DELETE = withHandler({ response: DeletedListener }, async ({ req, params, actor }) => {
  const { value, revision } = await deleteDraftListener(params.name, actor.name, { ifMatch: ifMatchOf(req) });
  return reply(value, 200, etagHeaders(revision));
});
