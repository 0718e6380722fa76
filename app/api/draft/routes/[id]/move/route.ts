import { withHandler } from "@/lib/http";
import { DraftRouteItem, MoveRouteBody } from "@/lib/contract";
import { moveDraftRoute } from "@/lib/config/draft-routes";

/** Swap a route with its neighbour in match order (no-op at either end). */
export const POST = withHandler({ body: MoveRouteBody, response: DraftRouteItem }, async ({ params, body, actor }) => moveDraftRoute(params.id, body.direction, actor));
