import { z } from "zod";
import { withHandler, json } from "@/lib/http";
import { createDraftRoute, listDraftRoutes } from "@/lib/config/config-service";

const Body = z.object({
  listener: z.string().min(1).optional(),
  virtualHost: z.string().min(1).optional(),
  route: z.record(z.string(), z.unknown()),
});

/** Draft routes in match order: [{id, listener, virtualHost, domains, position, route}]. */
export const GET = withHandler({}, async () => listDraftRoutes());

/** Append a route to a virtual host (default: first listener, first virtual host). */
export const POST = withHandler({ body: Body }, async ({ body, actor }) => json(await createDraftRoute(body, actor), 201));
