import { z } from "zod";
import { withHandler, noContent } from "@/lib/http";
import { deleteDraftRoute, updateDraftRoute } from "@/lib/config/config-service";

const Body = z.object({ route: z.record(z.string(), z.unknown()) });

export const PUT = withHandler({ body: Body }, async ({ params, body, actor }) => updateDraftRoute(params.id, body.route, actor));

export const DELETE = withHandler({}, async ({ params, actor }) => {
  await deleteDraftRoute(params.id, actor);
  return noContent();
});
