import { withHandler, noContent } from "@/lib/http";
import { DraftRouteItem, UpdateRouteBody } from "@/lib/contract";
import { deleteDraftRoute, updateDraftRoute } from "@/lib/config/draft-routes";

export const PUT = withHandler({ body: UpdateRouteBody, response: DraftRouteItem }, async ({ params, body, actor }) => updateDraftRoute(params.id, body.route, actor));

export const DELETE = withHandler({}, async ({ params, actor }) => {
  await deleteDraftRoute(params.id, actor);
  return noContent();
});
