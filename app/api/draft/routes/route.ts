import { withHandler, reply } from "@/lib/http";
import { CreateRouteBody, CreatedRoute, DraftRouteList } from "@/lib/contract";
import { etagHeaders, ifMatchOf } from "@/lib/config/draft-etag";
import { readDraft } from "@/lib/config/draft-read";
import { createDraftRoute, routeItems } from "@/lib/config/draft-routes";
import { routesWithOwners } from "@/lib/teams/ownership-view";

/** Draft routes in match order: [{id, listener, virtualHost, domains, position, route, owner, editable}]; ETag: the draft's revision. */
export const GET = withHandler({ response: DraftRouteList }, async ({ actor }) => {
  const { rows, revision } = await readDraft();
  return reply(routesWithOwners(routeItems(rows), rows, actor), 200, etagHeaders(revision));
});

/**
 * Add a route to a virtual host (default: first listener, first virtual host): at `position`, else right above the
 * first route that would shadow it, else last; `placement` says where it went and why.
 */
export const POST = withHandler({ body: CreateRouteBody, response: CreatedRoute }, async ({ req, body, actor }) => {
  const { value, revision } = await createDraftRoute(body, actor.name, { ifMatch: ifMatchOf(req) });
  return reply(value, 201, etagHeaders(revision));
});
