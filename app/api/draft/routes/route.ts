import { withHandler, reply } from "@/lib/http";
import { CreateRouteBody, DraftRouteItem, DraftRouteList } from "@/lib/contract";
import { createDraftRoute, listDraftRoutes } from "@/lib/config/draft-routes";

/** Draft routes in match order: [{id, listener, virtualHost, domains, position, route}]. */
export const GET = withHandler({ response: DraftRouteList }, async () => listDraftRoutes());

/** Append a route to a virtual host (default: first listener, first virtual host). */
export const POST = withHandler({ body: CreateRouteBody, response: DraftRouteItem }, async ({ body, actor }) => reply(await createDraftRoute(body, actor), 201));
