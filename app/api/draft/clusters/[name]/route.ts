import { z } from "zod";
import { withHandler, json, noContent } from "@/lib/http";
import { deleteDraftCluster, putDraftCluster } from "@/lib/config/config-service";

const Body = z.record(z.string(), z.unknown());

/** Create (201) or replace (200) a cluster; a different `name` in the body renames it (routes follow). */
export const PUT = withHandler({ body: Body }, async ({ params, body, actor }) => {
  const { created, item } = await putDraftCluster(params.name, body, actor);
  return json(item, created ? 201 : 200);
});

export const DELETE = withHandler({}, async ({ params, actor }) => {
  await deleteDraftCluster(params.name, actor);
  return noContent();
});
