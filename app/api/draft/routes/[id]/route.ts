import { withHandler, noContent, reply } from "@/lib/http";
import { DraftRouteItem, UpdateRouteBody } from "@/lib/contract";
import { etagHeaders, ifMatchOf } from "@/lib/config/draft-etag";
import { deleteDraftRoute, updateDraftRoute } from "@/lib/config/draft-routes";

export const PUT = withHandler({ body: UpdateRouteBody, response: DraftRouteItem }, async ({ req, params, body, actor }) => {
  const { value, revision } = await updateDraftRoute(params.id, body.route, actor.name, { ifMatch: ifMatchOf(req) });
  return reply(value, 200, etagHeaders(revision));
});

export const DELETE = withHandler({}, async ({ req, params, actor }) => {
  const { revision } = await deleteDraftRoute(params.id, actor.name, { ifMatch: ifMatchOf(req) });
  return noContent(etagHeaders(revision));
});
