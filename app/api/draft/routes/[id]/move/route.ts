import { z } from "zod";
import { withHandler } from "@/lib/http";
import { moveDraftRoute } from "@/lib/config/config-service";

const Body = z.object({ direction: z.enum(["up", "down"]) });

/** Swap a route with its neighbour in match order (no-op at either end). */
export const POST = withHandler({ body: Body }, async ({ params, body, actor }) => moveDraftRoute(params.id, body.direction, actor));
