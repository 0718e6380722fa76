import { withHandler, reply, noContent } from "@/lib/http";
import { DraftClusterItem, PutClusterBody } from "@/lib/contract";
import { deleteDraftCluster, putDraftCluster } from "@/lib/config/draft-clusters";

/** Create (201) or replace (200) a cluster; a different `name` in the body renames it (routes follow). */
export const PUT = withHandler({ body: PutClusterBody, response: DraftClusterItem }, async ({ params, body, actor }) => {
  const { created, item } = await putDraftCluster(params.name, body, actor);
  return reply(item, created ? 201 : 200);
});

export const DELETE = withHandler({}, async ({ params, actor }) => {
  await deleteDraftCluster(params.name, actor);
  return noContent();
});
