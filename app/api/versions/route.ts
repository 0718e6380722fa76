import { z } from "zod";
import { withHandler, json } from "@/lib/http";
import { publish } from "@/lib/config/config-service";
import { listVersions } from "@/lib/repos/version-repo";

const Body = z.object({ message: z.string().max(2000).optional().default("") });

/** Versions, newest first. */
export const GET = withHandler({}, async () => listVersions());

/** Publish the draft: it becomes the new live version and is pushed to every connected worker. */
export const POST = withHandler({ body: Body }, async ({ body, actor }) => {
  const v = await publish(body.message, actor);
  const { snapshot: _snapshot, ...summary } = v;
  return json(summary, 201);
});
