import { withHandler, reply } from "@/lib/http";
import { DraftRouteItem, MoveRouteBody } from "@/lib/contract";
import { etagHeaders, ifMatchOf } from "@/lib/config/draft-etag";
import { moveDraftRoute } from "@/lib/config/draft-routes";

/** Swap a route with its neighbour in match order (no-op at either end). */
export const POST = withHandler({ body: MoveRouteBody, response: DraftRouteItem }, async ({ req, params, body, actor }) => {
  const { value, revision } = await moveDraftRoute(params.id, body.direction, actor.name, { ifMatch: ifMatchOf(req) });
  return reply(value, 200, etagHeaders(revision));
});
