import { withHandler, reply } from "@/lib/http";
import { RollbackBody, VersionSummary } from "@/lib/contract";
import { etagHeaders, ifMatchOf } from "@/lib/config/draft-etag";
import { rollback } from "@/lib/config/rollback";

/**
 * New version with version {id}'s snapshot; it goes live and the draft is reset to it (ETag: the draft's new
 * revision). A draft with unpublished changes is refused (409 draft_dirty) unless the body says
 * {"discardDraft": true}; 409 conflict on a stale If-Match.
 */
export const POST = withHandler({ body: RollbackBody, response: VersionSummary }, async ({ req, params, body, actor }) => {
  const { value, revision } = await rollback(params.id, actor.name, { message: body.message, discardDraft: body.discardDraft, ifMatch: ifMatchOf(req) });
  return reply(value, 201, etagHeaders(revision));
});
