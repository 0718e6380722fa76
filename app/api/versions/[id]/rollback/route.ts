import { z } from "zod";
import { withHandler, json } from "@/lib/http";
import { rollback } from "@/lib/config/config-service";

const Body = z.object({ message: z.string().max(2000).optional() });

/** New version with version {id}'s snapshot; it goes live and the draft is reset to it. */
export const POST = withHandler({ body: Body }, async ({ params, body, actor }) => {
  const { snapshot: _snapshot, ...summary } = await rollback(params.id, actor, body.message);
  return json(summary, 201);
});
